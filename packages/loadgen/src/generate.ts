/**
 * The generator: seeded, deterministic streams of realistic traces as OTLP `TracesData`.
 *
 * Same seed + same calls => the same traces, byte for byte, on every runtime. Nothing reads the
 * clock except the default `startTimeNs`.
 */
import type { KeyValue, ResourceSpans, ScopeSpans, Span, TracesData } from '@tracegres/otlp';
import { bool, str } from './attrs.ts';
import { countries, currencies, productIds, regions, tenants, tiers } from './data.ts';
import { consumeOrder, inventorySync } from './flows-async.ts';
import { runScenario, scenarioWeights } from './flows-edge.ts';
import { detExp, detLog, Rng } from './random.ts';
import { createTopology, type ScopeDef, type ServiceInstance, type Topology } from './topology.ts';
import { TraceCtx, type FollowUp, type Shopper, type SpanRecord } from './trace-ctx.ts';

export interface GeneratorOptions {
  /** Same seed and same calls give the same traces. */
  seed: number | string;
  /** Start of the first trace, ns since the epoch. Default: now (pass one for reproducible output). */
  startTimeNs?: bigint;
  /** Simulated arrivals per second that space trace start times (default 20). */
  tracesPerSecond?: number;
  /** Share of traces that contain an error (default 0.04). */
  errorRate?: number;
  /** Share of traces with a slow outlier, e.g. a slow query (default 0.02). */
  slowRate?: number;
  /** Share of request-started traces that are a very large batch-job fan-out instead (default 0.0005). */
  largeTraceShare?: number;
  /** Most spans in one trace (default 50,000). Ordinary traces stay within 3..300. */
  maxSpans?: number;
  /** Share of traces that carry a W3C `tracestate` (default 0.1). */
  traceStateShare?: number;
  /** `deployment.environment.name` (default 'production'). */
  environment?: string;
}

export interface BatchOptions {
  /** Target spans per batch (default 8192). */
  spans?: number;
  /**
   * false (default): whole traces only; a batch stops before the trace that would overflow it
   * (a trace bigger than `spans` comes alone). true: exactly `spans`, traces may straddle batches.
   */
  splitTraces?: boolean;
}

export interface GeneratorStats {
  traces: number;
  spans: number;
  errorTraces: number;
  largeTraces: number;
  consumerTraces: number;
}

export interface Generator {
  /** The next trace, spans grouped per resource and scope. */
  nextTrace(opts?: { startTimeNs?: bigint }): TracesData;
  /** About `spans` spans from consecutive traces, grouped like a Collector batch. */
  batch(opts?: BatchOptions): TracesData;
  /** Counts of everything generated so far. */
  readonly stats: Readonly<GeneratorStats>;
  readonly topology: Topology;
}

const NORMAL_MAX = 300;
const traceStates = ['ot=th:0', 'ot=th:8;rv:9b8a2c1e4f6d70', 'congo=t61rcWkgMzE', 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE', 'dd=s:1;o:rum'];
const platforms = [['web', 60], ['ios', 22], ['android', 18]] as const;

function share(name: string, v: number | undefined, dflt: number): number {
  const x = v ?? dflt;
  if (!(x >= 0 && x <= 1)) throw new RangeError(`${name} must be between 0 and 1, got ${v}`);
  return x;
}

/** Creates a trace generator. */
export function createGenerator(options: GeneratorOptions): Generator {
  return new TraceGenerator(options);
}

class TraceGenerator implements Generator {
  readonly topology: Topology;
  readonly stats: GeneratorStats = { traces: 0, spans: 0, errorTraces: 0, largeTraces: 0, consumerTraces: 0 };
  private readonly rng: Rng;
  private readonly start: bigint;
  private readonly meanGapNs: number;
  private readonly errorRate: number;
  private readonly slowRate: number;
  private readonly largeShare: number;
  private readonly normalMax: number;
  private readonly largeMin: number;
  private readonly largeMax: number;
  private readonly traceStateShare: number;
  private clock = 0;
  private readonly queue: FollowUp[] = [];
  private carry: SpanRecord[] | null = null;
  private carryPos = 0;

  constructor(o: GeneratorOptions) {
    if (o.seed === undefined || o.seed === null) throw new TypeError('seed is required');
    this.rng = new Rng(o.seed);
    this.topology = createTopology(this.rng.fork(), o.environment ?? 'production');
    this.start = o.startTimeNs ?? BigInt(Date.now()) * 1_000_000n;
    const tps = o.tracesPerSecond ?? 20;
    if (!(tps > 0)) throw new RangeError(`tracesPerSecond must be > 0, got ${tps}`);
    this.meanGapNs = 1e9 / tps;
    this.errorRate = share('errorRate', o.errorRate, 0.04);
    this.slowRate = share('slowRate', o.slowRate, 0.02);
    this.largeShare = share('largeTraceShare', o.largeTraceShare, 0.0005);
    this.traceStateShare = share('traceStateShare', o.traceStateShare, 0.1);
    const max = o.maxSpans ?? 50_000;
    if (!(Number.isInteger(max) && max >= 3)) throw new RangeError(`maxSpans must be an integer >= 3, got ${o.maxSpans}`);
    this.normalMax = Math.min(NORMAL_MAX, max);
    this.largeMax = max;
    this.largeMin = Math.max(this.normalMax + 1, Math.floor(max / 50));
  }

  nextTrace(opts?: { startTimeNs?: bigint }): TracesData {
    return toTracesData(this.nextRecords(opts?.startTimeNs));
  }

  batch(opts?: BatchOptions): TracesData {
    const target = opts?.spans ?? 8192;
    if (!(Number.isInteger(target) && target > 0)) throw new RangeError(`spans must be a positive integer, got ${opts?.spans}`);
    const out: SpanRecord[] = [];
    while (out.length < target) {
      if (!this.carry) {
        this.carry = this.nextRecords();
        this.carryPos = 0;
      }
      const rest = this.carry.length - this.carryPos;
      if (opts?.splitTraces) {
        const take = Math.min(rest, target - out.length);
        for (let i = 0; i < take; i++) out.push(this.carry[this.carryPos + i]);
        this.carryPos += take;
      } else {
        if (out.length > 0 && out.length + rest > target) break;
        for (let i = this.carryPos; i < this.carry.length; i++) out.push(this.carry[i]);
        this.carryPos = this.carry.length;
      }
      if (this.carryPos >= this.carry.length) this.carry = null;
    }
    return toTracesData(out);
  }

  private nextRecords(startOverride?: bigint): SpanRecord[] {
    const follow = this.queue.shift();
    const ctx = follow ? this.consumerTrace(follow) : this.freshTrace(startOverride);
    for (const f of ctx.followUps) this.queue.push(f);
    const s = this.stats;
    s.traces++;
    s.spans += ctx.records.length;
    if (ctx.records.length > this.normalMax) s.largeTraces++;
    if (follow) s.consumerTraces++;
    for (const r of ctx.records) {
      if (r.span.status.code === 2) {
        s.errorTraces++;
        break;
      }
    }
    return ctx.records;
  }

  private freshTrace(startOverride?: bigint): TraceCtx {
    const rng = this.rng;
    this.clock += rng.exponential(this.meanGapNs);
    const base = startOverride ?? this.start + BigInt(Math.round(this.clock));
    const large = this.largeMin <= this.largeMax && rng.chance(this.largeShare);
    const budget = large ? Math.floor(this.largeMin * detPow(this.largeMax / this.largeMin, rng.float())) : this.normalMax;
    const traceState = rng.chance(this.traceStateShare) ? rng.pick(traceStates) : '';
    const shopper = makeShopper(rng);
    const scenario = rng.weighted(scenarioWeights);
    if (scenario === 'checkout' && shopper.cart.length === 0) shopper.cart.push(rng.pick(productIds));
    const common = large ? jobAttributes(rng) : commonAttributes(rng, shopper);
    const browserCommon = common.filter((kv) => browserKeys.has(kv.key));
    browserCommon.push(str('session.id', shopper.sessionId));
    return this.build(base, budget, traceState, shopper, common, browserCommon, (ctx) => (large ? inventorySync(ctx) : runScenario(ctx, scenario)));
  }

  private consumerTrace(f: FollowUp): TraceCtx {
    const rng = this.rng;
    const shopper = makeShopper(rng);
    shopper.userId = f.userId;
    const common = commonAttributes(rng, shopper);
    return this.build(f.startNs, this.normalMax, '', shopper, common, common, (ctx) => consumeOrder(ctx, f));
  }

  /** Runs `flow`; a trace chosen to fail is re-run until its fault point is reached. */
  private build(base: bigint, budget: number, traceState: string, shopper: Shopper, common: KeyValue[], browserCommon: KeyValue[], flow: (ctx: TraceCtx) => void): TraceCtx {
    const rng = this.rng;
    const traceId = rng.hex(16);
    const armed = rng.chance(this.errorRate);
    const slowAt = rng.chance(this.slowRate) ? rng.int(0, 10) : -1;
    let faultAt = armed ? rng.int(0, 7) : -1;
    for (let attempt = 0; ; attempt++) {
      const ctx = new TraceCtx({ rng, topo: this.topology, traceId, traceState, base, budget, common, browserCommon, shopper, faultAt, slowAt });
      flow(ctx);
      if (!armed || ctx.faulted || attempt >= 3) return ctx;
      // the flow had fewer failure points than chosen: pick again among those it has
      faultAt = attempt === 0 ? rng.int(0, Math.max(0, ctx.faultSeen - 1)) : 0;
    }
  }
}

/** base^x with the deterministic exp/log. */
function detPow(base: number, x: number): number {
  return detExp(x * detLog(base));
}

function makeShopper(rng: Rng): Shopper {
  const big = rng.chance(0.08);
  const n = big ? rng.count(8, 25, 80) : rng.count(0, 3, 40);
  const cart: string[] = [];
  for (let i = 0; i < n; i++) cart.push(rng.pick(productIds));
  return {
    userId: `u-${rng.int(10_000, 99_999)}`,
    sessionId: rng.hex(16),
    currency: rng.weighted(currencies.map((c, i) => [c, i === 0 ? 40 : i === 1 ? 30 : 5] as const)),
    country: rng.pick(countries),
    loggedIn: rng.chance(0.75),
    cart,
  };
}

/** App attributes every backend span of a trace carries (as a baggage span processor adds them). */
function commonAttributes(rng: Rng, s: Shopper): KeyValue[] {
  return [
    str('app.user_id', s.userId),
    str('app.session_id', s.sessionId),
    str('app.request_id', rng.hex(16)),
    str('app.tenant', rng.pick(tenants)),
    str('app.customer.tier', rng.weighted(tiers)),
    str('app.region', rng.pick(regions)),
    str('app.client.platform', rng.weighted(platforms)),
    str('app.shipping.country', s.country),
    str('app.experiment.variant', rng.pick(experiments)),
    str('app.release', 'web-2025.09.3'),
    bool('app.feature_flag.new_checkout', rng.chance(0.3)),
    bool('app.feature_flag.recs_v2', rng.chance(0.5)),
  ];
}

const experiments = ['control', 'treatment-a', 'treatment-b'];
const browserKeys = new Set(['app.user_id', 'app.client.platform', 'app.experiment.variant', 'app.release', 'app.feature_flag.new_checkout']);

/** What the batch job's spans carry instead of a shopper's baggage. */
function jobAttributes(rng: Rng): KeyValue[] {
  return [
    str('app.job.name', 'inventory-sync'),
    str('app.job.trigger', 'cron'),
    str('app.job.schedule', '0 */15 * * * *'),
    str('app.tenant', 'internal'),
    str('app.region', rng.pick(regions)),
    str('app.request_id', rng.hex(16)),
    str('app.warehouse.id', `wh-${rng.int(1, 12)}`),
    str('app.release', 'inventory-2025.09.1'),
    bool('app.feature_flag.bulk_upsert', rng.chance(0.5)),
    bool('app.dry_run', false),
  ];
}

/** Groups span records per resource, then per scope, as an SDK or Collector batch does. */
export function toTracesData(records: readonly SpanRecord[]): TracesData {
  const byInst = new Map<ServiceInstance, Map<ScopeDef, Span[]>>();
  for (const r of records) {
    let scopes = byInst.get(r.inst);
    if (!scopes) byInst.set(r.inst, (scopes = new Map()));
    let spans = scopes.get(r.scope);
    if (!spans) scopes.set(r.scope, (spans = []));
    spans.push(r.span);
  }
  const resourceSpans: ResourceSpans[] = [];
  for (const [inst, scopes] of byInst) {
    const scopeSpans: ScopeSpans[] = [];
    for (const [def, spans] of scopes) scopeSpans.push({ scope: def.scope, schemaUrl: def.schemaUrl, spans });
    resourceSpans.push({ resource: inst.resource, schemaUrl: inst.schemaUrl, scopeSpans });
  }
  return { resourceSpans };
}
