import type { Db } from '@tracegres/schema';
import type { Logger } from '../log.ts';
import type { Counter, Gauge, Registry } from '../metrics/registry.ts';
import { InflightBytes, type InflightTicket } from './inflight.ts';
import { TenantOverrides } from './overrides.ts';
import { RateLimiter } from './rate-limiter.ts';
import type { LimitsConfig, TenantLimits } from './settings.ts';

/** The limit state of one process: overrides cache, rate buckets, in-flight budget, counters. */
export interface Limits {
  config: LimitsConfig;
  overrides: TenantOverrides;
  rate: RateLimiter;
  inflight: InflightBytes;
  attributesTruncated: Counter;
  throttled: Counter;
  inflightBytes: Gauge;
}

type LimitMetrics = Pick<Limits, 'attributesTruncated' | 'throttled' | 'inflightBytes'>;
// One set of series per registry, however many times limits are built on it (Workers build per request).
const metricsByRegistry = new WeakMap<Registry, LimitMetrics>();

function limitMetrics(registry: Registry): LimitMetrics {
  let m = metricsByRegistry.get(registry);
  if (!m) {
    m = {
      attributesTruncated: registry.counter(
        'tracegres_attributes_truncated_total',
        'Attribute keys and string values truncated to MAX_ATTRIBUTE_BYTES at ingest.',
      ),
      throttled: registry.counter(
        'tracegres_ingest_throttled_requests_total',
        'Ingest requests refused by a limit, by reason (rate_limited, inflight_bytes).',
      ),
      inflightBytes: registry.gauge(
        'tracegres_ingest_inflight_bytes',
        'Bytes of ingest requests being read, decoded or queued (bounded by INGEST_MAX_INFLIGHT_BYTES).',
      ),
    };
    metricsByRegistry.set(registry, m);
  }
  return m;
}

export function createLimits(db: Db, config: LimitsConfig, registry: Registry, log?: Logger): Limits {
  return {
    config,
    overrides: new TenantOverrides(db, config.defaults, config.overridesRefreshSeconds, log),
    rate: new RateLimiter(),
    inflight: new InflightBytes(config.ingestMaxInflightBytes),
    ...limitMetrics(registry),
  };
}

/** An admitted ingest request: its tenant's limits and its share of the in-flight budget. */
export interface IngestAdmission {
  limits: TenantLimits;
  ticket: InflightTicket;
  /** Counts the body against the in-flight budget and the tenant's rate; throws 503/429/413. */
  body(bytes: number): void;
  /** Gives the budget back; call once the request is answered. */
  done(): void;
}

/**
 * Starts an ingest request: looks up the tenant's limits and reserves `declaredBytes` (the
 * Content-Length, when sent) before the body is read, so an overloaded server refuses a request
 * without buffering it.
 */
export async function admitIngest(l: Limits, tenant: string, declaredBytes: number, nowMs: () => number): Promise<IngestAdmission> {
  const limits = await l.overrides.forTenant(tenant, nowMs());
  const ticket = guard(l, 'inflight_bytes', () => l.inflight.reserve(Math.max(0, declaredBytes || 0)));
  l.inflightBytes.set({}, l.inflight.used);
  return {
    limits,
    ticket,
    body(bytes) {
      guard(l, 'inflight_bytes', () => ticket.grow(bytes));
      l.inflightBytes.set({}, l.inflight.used);
      guard(l, 'rate_limited', () => l.rate.admit(tenant, bytes, limits, nowMs()));
    },
    done() {
      ticket.release();
      l.inflightBytes.set({}, l.inflight.used);
    },
  };
}

function guard<T>(l: Limits, reason: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    l.throttled.inc({ reason });
    throw err;
  }
}
