import { z } from 'zod';
import { type LimitsConfig, limitsEnvSchema, limitsFromEnv } from './limits/settings.ts';
import { tenancyEnvSchema, tenancyFromEnv } from './auth/settings.ts';
import type { TenancyConfig } from './auth/resolve-tenant.ts';
import { type OriginPattern, originPatternProblem } from './routes/rum/origins.ts';
import { tenantIdProblem } from './storage/tenants.ts';

/**
 * Configuration, read once at start from the environment and passed down; handlers never read
 * `process.env`. Every variable is listed in the README's configuration table.
 */
const durationRe = /^(\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h|d|w))+$/;
const unitNs: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9, d: 86400e9, w: 604800e9 };

/** Parses a Go/Prometheus-style duration (`168h`, `1h30m`, `7d`) to seconds. */
export function parseDurationSeconds(text: string): number {
  if (!durationRe.test(text)) throw new Error(`expected a duration such as 168h, 30m or 7d, got ${JSON.stringify(text)}`);
  let ns = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d|w)/g)) ns += Number(m[1]) * unitNs[m[2]];
  return ns / 1e9;
}

const port = (def: number) =>
  z
    .string()
    .default(String(def))
    .transform((s, ctx) => {
      const n = Number(s);
      if (!/^\d+$/.test(s) || n > 65535) {
        ctx.addIssue({ code: 'custom', message: `expected a port number 0-65535, got ${JSON.stringify(s)}` });
        return z.NEVER;
      }
      return n;
    });

const duration = (def: string | undefined, minSeconds: number) =>
  z
    .string()
    .optional()
    .transform((s, ctx) => {
      const text = s ?? def;
      if (text === undefined) return undefined;
      try {
        const secs = parseDurationSeconds(text);
        if (secs < minSeconds) throw new Error(`must be at least ${minSeconds}s, got ${JSON.stringify(text)}`);
        return secs;
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    });

const positiveInt = (def: number) =>
  z
    .string()
    .default(String(def))
    .transform((s, ctx) => {
      if (!/^\d+$/.test(s) || Number(s) < 1) {
        ctx.addIssue({ code: 'custom', message: `expected a positive integer, got ${JSON.stringify(s)}` });
        return z.NEVER;
      }
      return Number(s);
    });

const envSchema = z.object({
  PORT: port(3200),
  OTLP_HTTP_PORT: port(4318),
  OTLP_GRPC_PORT: port(4317),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .optional()
    .transform((s, ctx) => {
      if (!s) return undefined;
      if (!/^postgres(ql)?:\/\//.test(s)) {
        ctx.addIssue({ code: 'custom', message: 'expected a postgres:// or postgresql:// URL' });
        return z.NEVER;
      }
      return s;
    }),
  DATA_DIR: z.string().min(1).default('./data'),
  RETENTION: duration('168h', 60),
  PARTITION_INTERVAL: duration(undefined, 60),
  INGEST_MAX_BODY_BYTES: positiveInt(64 * 1024 * 1024),
  ...limitsEnvSchema(parseDurationSeconds),
  DB_POOL_SIZE: positiveInt(10),
  INGEST_DECODE_WORKERS: z
    .string()
    .default('2')
    .transform((s, ctx) => {
      if (!/^\d{1,2}$/.test(s)) {
        ctx.addIssue({ code: 'custom', message: `expected a number of threads 0-99, got ${JSON.stringify(s)}` });
        return z.NEVER;
      }
      return Number(s);
    }),
  COMPACTION_INTERVAL: z
    .string()
    .default('30s')
    .transform((s, ctx) => {
      if (s === '0') return 0;
      try {
        return parseDurationSeconds(s);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `${(err as Error).message}, or 0 to disable the in-process job` });
        return z.NEVER;
      }
    }),
  COMPACTION_QUIET: duration('30s', 0),
  CORS_ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((s, ctx) => {
      const list = s.split(/[\s,]+/).filter(Boolean).map((o) => o.toLowerCase().replace(/\/+$/, ''));
      for (const o of list) {
        const problem = originPatternProblem(o);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }
      return list;
    }),
  RUM_INGEST_KEYS: z
    .string()
    .default('')
    .transform((s, ctx) => {
      const keys: RumIngestKey[] = [];
      for (const entry of s.split(/[\s,;]+/).filter(Boolean)) {
        const m = /^([A-Za-z0-9_-]{8,128})=([^@]+)@(.+)$/.exec(entry);
        if (!m) {
          ctx.addIssue({ code: 'custom', message: `invalid entry ${JSON.stringify(entry.slice(0, 60))}: expected key=tenant@origin[|origin...] with a key of 8-128 characters [A-Za-z0-9_-]` });
          continue;
        }
        const origins = m[3].split('|').map((o) => o.toLowerCase().replace(/\/+$/, ''));
        const problems = [tenantIdProblem(m[2]), ...origins.map(originPatternProblem)].filter((p) => p !== null);
        for (const problem of problems) ctx.addIssue({ code: 'custom', message: problem });
        if (keys.some((k) => k.key === m[1])) ctx.addIssue({ code: 'custom', message: `key ${m[1].slice(0, 6)}... is listed twice` });
        keys.push({ key: m[1], tenant: m[2], origins });
      }
      return keys;
    }),
  ...tenancyEnvSchema,
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  DEMO: z
    .string()
    .default('0')
    .transform((s, ctx) => {
      const v = s.toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(v)) return true;
      if (['0', 'false', 'no', 'off'].includes(v)) return false;
      ctx.addIssue({ code: 'custom', message: `expected 1 or 0, got ${JSON.stringify(s)}` });
      return z.NEVER;
    }),
});

/** A public (browser) ingest key: spans sent with it go to `tenant`, from `origins` only. */
export interface RumIngestKey {
  key: string;
  tenant: string;
  origins: OriginPattern[];
}

/** Tenancy and bearer tokens: multitenancyEnabled, queryTokens, ingestTokens. */
export interface Config extends TenancyConfig {
  port: number;
  otlpHttpPort: number;
  /** OTLP/gRPC listener port; 0 disables it. */
  otlpGrpcPort: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  retentionSeconds: number;
  /** Seconds; undefined = driver default (1h on Postgres, 24h on PGlite). Fixed at database creation. */
  partitionIntervalSeconds: number | undefined;
  ingestMaxBodyBytes: number;
  dbPoolSize: number;
  /** Worker threads that decode OTLP requests (server Postgres only); 0 decodes on the main thread. */
  ingestDecodeWorkers: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Origins whose pages may send OTLP/HTTP to /v1/traces (CORS), tenant from X-Scope-OrgID. */
  corsAllowedOrigins: OriginPattern[];
  /** Per-tenant public ingest keys for browsers, each limited to its own origins. */
  rumIngestKeys: RumIngestKey[];
  /** Seconds between in-process compaction passes; 0 = never (run `npm run compact` instead). */
  compactionIntervalSeconds: number;
  /** Seconds a trace must have received no spans before compaction numbers it. */
  compactionQuietSeconds: number;
  /** Send generated demo traces to ourselves over OTLP/HTTP (5 traces/s). */
  demo: boolean;
  /** Ingest and query limits (global values; per-tenant overrides live in `tenant_limits`). */
  limits: LimitsConfig;
}

export class ConfigError extends Error {}

/** Validates the environment; throws a ConfigError naming each bad variable. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  // Empty strings mean "unset", as in shells and compose files.
  const clean = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const r = envSchema.safeParse(clean);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = r.data;
  return {
    port: e.PORT,
    otlpHttpPort: e.OTLP_HTTP_PORT,
    otlpGrpcPort: e.OTLP_GRPC_PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    retentionSeconds: e.RETENTION as number,
    compactionIntervalSeconds: e.COMPACTION_INTERVAL,
    compactionQuietSeconds: e.COMPACTION_QUIET as number,
    partitionIntervalSeconds: e.PARTITION_INTERVAL,
    ingestMaxBodyBytes: e.INGEST_MAX_BODY_BYTES,
    dbPoolSize: e.DB_POOL_SIZE,
    ingestDecodeWorkers: e.INGEST_DECODE_WORKERS,
    logLevel: e.LOG_LEVEL,
    corsAllowedOrigins: e.CORS_ALLOWED_ORIGINS,
    rumIngestKeys: e.RUM_INGEST_KEYS,
    demo: e.DEMO,
    ...tenancyFromEnv(e),
    limits: limitsFromEnv(e),
  };
}
