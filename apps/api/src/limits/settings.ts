import { z } from 'zod';

/**
 * Limits a tenant can have overridden (Tempo's per-tenant `overrides`), in the units the code
 * uses. 0 means "no limit" for each of them, as in Tempo.
 */
export interface TenantLimits {
  /** Sustained ingest rate, bytes of decompressed request body per second (Tempo `rate_limit_bytes`). */
  ingestionRateLimitBytes: number;
  /** Bucket size: bytes a tenant may send at once after a quiet spell (Tempo `burst_size_bytes`). */
  ingestionBurstSizeBytes: number;
  /** Longer attribute keys and string values are truncated to this many UTF-8 bytes (Tempo `max_attribute_bytes`). */
  maxAttributeBytes: number;
  /** Spans one export request may carry. */
  maxSpansPerRequest: number;
  /** Trace-by-ID stops reading at this many stored bytes and answers PARTIAL (Tempo `max_bytes_per_trace`). */
  maxBytesPerTrace: number;
  /** Longest search range, seconds (Tempo `max_search_duration`). */
  maxSearchDurationSeconds: number;
  /** Largest `limit` a search may ask for (Tempo `max_result_limit`). */
  maxSearchLimit: number;
}

/** Limits that hold for the whole process. */
export interface GlobalLimits {
  /** Bytes of ingest requests in flight (read, decoded, queued) before new requests are refused. */
  ingestMaxInflightBytes: number;
  /** Statement timeout of query routes, milliseconds. */
  queryTimeoutMs: number;
  /** Largest `spss` (spans per span set) a search may ask for. */
  searchMaxSpansPerSpanSet: number;
  /** Seconds the per-tenant overrides table is cached (Tempo reloads its runtime file every 10s). */
  overridesRefreshSeconds: number;
}

export interface LimitsConfig extends GlobalLimits {
  defaults: TenantLimits;
}

/** The `tenant_limits` column for each overridable limit (migration 0005). */
export const overrideColumns: Record<keyof TenantLimits, string> = {
  ingestionRateLimitBytes: 'ingestion_rate_limit_bytes',
  ingestionBurstSizeBytes: 'ingestion_burst_size_bytes',
  maxAttributeBytes: 'max_attribute_bytes',
  maxSpansPerRequest: 'max_spans_per_request',
  maxBytesPerTrace: 'max_bytes_per_trace',
  maxSearchDurationSeconds: 'max_search_duration_seconds',
  maxSearchLimit: 'max_search_limit',
};

const SIZE_RE = /^(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|kib|mib|gib)?$/i;
const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

/** `15000000`, `15MB`, `64MiB` -> bytes. */
export function parseByteSize(text: string): number {
  const m = SIZE_RE.exec(text.trim());
  if (!m) throw new Error(`expected a byte size such as 15000000, 15MB or 64MiB, got ${JSON.stringify(text)}`);
  return Math.floor(Number(m[1]) * SIZE_UNITS[(m[2] ?? 'b').toLowerCase()]);
}

const bytes = (def: string) =>
  z
    .string()
    .default(def)
    .transform((s, ctx) => {
      try {
        return parseByteSize(s);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `${(err as Error).message}; 0 = no limit` });
        return z.NEVER;
      }
    });

const count = (def: number, min = 0) =>
  z
    .string()
    .default(String(def))
    .transform((s, ctx) => {
      if (!/^\d{1,15}$/.test(s) || Number(s) < min) {
        ctx.addIssue({ code: 'custom', message: `expected an integer >= ${min}, got ${JSON.stringify(s)}` });
        return z.NEVER;
      }
      return Number(s);
    });

/**
 * The limit variables, spread into config.ts' schema. `durationSeconds` is config.ts' own
 * duration parser, passed in so there is one.
 */
export function limitsEnvSchema(durationSeconds: (text: string) => number) {
  const dur = (def: string, zeroMeansNoLimit: boolean) =>
    z
      .string()
      .default(def)
      .transform((s, ctx) => {
        if (s === '0' && zeroMeansNoLimit) return 0;
        try {
          const secs = durationSeconds(s);
          if (secs <= 0) throw new Error(`expected a positive duration, got ${JSON.stringify(s)}`);
          return secs;
        } catch (err) {
          ctx.addIssue({ code: 'custom', message: `${(err as Error).message}${zeroMeansNoLimit ? ', or 0 for no limit' : ''}` });
          return z.NEVER;
        }
      });
  return {
    INGEST_RATE_LIMIT_BYTES: bytes('30MB'),
    INGEST_BURST_SIZE_BYTES: bytes('30MB'),
    MAX_ATTRIBUTE_BYTES: bytes('2048'),
    INGEST_MAX_SPANS_PER_REQUEST: count(200_000),
    MAX_BYTES_PER_TRACE: bytes('50MB'),
    MAX_SEARCH_DURATION: dur('168h', true),
    SEARCH_MAX_LIMIT: count(262_144, 1),
    SEARCH_MAX_SPANS_PER_SPAN_SET: count(100, 1),
    INGEST_MAX_INFLIGHT_BYTES: bytes('256MiB'),
    QUERY_TIMEOUT: dur('30s', false),
    LIMITS_REFRESH: dur('10s', false),
  };
}

type LimitsEnv = { [K in keyof ReturnType<typeof limitsEnvSchema>]: number };

/** Builds the limits part of Config from the parsed variables. */
export function limitsFromEnv(e: LimitsEnv): LimitsConfig {
  return {
    defaults: {
      ingestionRateLimitBytes: e.INGEST_RATE_LIMIT_BYTES,
      ingestionBurstSizeBytes: e.INGEST_BURST_SIZE_BYTES,
      maxAttributeBytes: e.MAX_ATTRIBUTE_BYTES,
      maxSpansPerRequest: e.INGEST_MAX_SPANS_PER_REQUEST,
      maxBytesPerTrace: e.MAX_BYTES_PER_TRACE,
      maxSearchDurationSeconds: e.MAX_SEARCH_DURATION,
      maxSearchLimit: e.SEARCH_MAX_LIMIT,
    },
    ingestMaxInflightBytes: e.INGEST_MAX_INFLIGHT_BYTES,
    queryTimeoutMs: Math.max(1, Math.round(e.QUERY_TIMEOUT * 1000)),
    searchMaxSpansPerSpanSet: e.SEARCH_MAX_SPANS_PER_SPAN_SET,
    overridesRefreshSeconds: e.LIMITS_REFRESH,
  };
}
