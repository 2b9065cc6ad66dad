import { Hono, type Context } from 'hono';
import { toJaegerTrace } from '@tracegres/otlp';
import { UNKNOWN_SERVICE } from '@tracegres/schema';
import type { Deps } from '../../deps.ts';
import { ApiError } from '../../errors.ts';
import { dependencies } from '../../storage/dependencies.ts';
import { operations, serviceNames } from '../../storage/operations.ts';
import { readScope } from '../../auth/request-tenant.ts';
import { type EnvelopeError, classicError, envelope, wantsPretty } from './envelope.ts';
import { partialTraceMessage } from '../../limits/trace-size.ts';
import { type FindQuery, type JaegerTrace, findTraceIds, maxBytesPerTrace, operationWindow, readTraces } from './find.ts';
import {
  KIND_NAMES,
  parseBool,
  parseCount,
  parseDuration,
  parseEpoch,
  parseJaegerTraceId,
  parseMillis,
  parseSpanKind,
  parseTags,
} from './params.ts';
import { v3Routes } from './v3.ts';

const US = 1000n;
const MS = 1_000_000n;
const DAY_NS = 86_400n * 1_000_000_000n;
const DEFAULT_LOOKBACK_NS = 2n * DAY_NS;
const DEFAULT_DEPENDENCY_LOOKBACK_NS = DAY_NS;
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1500;
const MAX_IDS = 100;

/**
 * Jaeger's classic query API (the JSON the Jaeger UI and Grafana's Jaeger data source read),
 * mounted under `/jaeger`, plus the v3 API under `/jaeger/api/v3`.
 */
export function jaegerRoutes(deps: Deps): Hono {
  const app = new Hono();
  app.onError((err, c) => classicError(err, deps.log, c.req.path));
  app.route('/', v3Routes(deps));

  const tenant = (c: Context) => readScope(c, deps);
  const pretty = (c: Context) => wantsPretty(c.req.query('prettyPrint'));
  const nowNs = () => BigInt(deps.now()) * MS;
  const jaeger = (raw: boolean) => ({ adjust: !raw, unknownService: UNKNOWN_SERVICE });

  app.get('/api/services', async (c) => {
    const t = await tenant(c);
    const list = t === undefined ? [] : await serviceNames(t.db, t.tenantId);
    return envelope(list, { total: list.length, pretty: pretty(c) });
  });

  app.get('/api/services/:service/operations', async (c) => {
    const t = await tenant(c);
    const ops = t === undefined ? [] : await operations(t.db, t.tenantId, c.req.param('service'), undefined, ...operationWindow(deps));
    const names = [...new Set(ops.map((o) => o.name))];
    return envelope(names, { total: names.length, pretty: pretty(c) });
  });

  app.get('/api/operations', async (c) => {
    const service = c.req.query('service');
    if (!service) throw new ApiError('badRequest', "parameter 'service' is required");
    const kind = parseSpanKind('spanKind', c.req.query('spanKind'));
    const t = await tenant(c);
    const ops = t === undefined ? [] : await operations(t.db, t.tenantId, service, kind, ...operationWindow(deps));
    const data = ops.map((o) => ({ name: o.name, spanKind: KIND_NAMES[o.kind] ?? '' }));
    return envelope(data, { total: data.length, pretty: pretty(c) });
  });

  app.get('/api/traces', async (c) => {
    const q = (n: string) => c.req.query(n) || undefined;
    const raw = parseBool('raw', q('raw'));
    const ids = c.req.queries('traceID') ?? [];
    const end = q('end') !== undefined ? parseEpoch('end', q('end')!, US, 'microseconds') : nowNs();
    const start = q('start') !== undefined ? parseEpoch('start', q('start')!, US, 'microseconds') : end - lookbackNs(q('lookback'));
    if (ids.length > 0) {
      const range = { startNs: q('start') !== undefined ? start : undefined, endNs: q('end') !== undefined ? end : undefined };
      return byIds(c, ids.map((id) => parseJaegerTraceId('traceID', id)), range, raw, 200);
    }
    const find: FindQuery = {
      service: q('service'),
      operation: q('operation'),
      tags: parseTags(c.req.queries('tag') ?? [], c.req.queries('tags') ?? []),
      minDurationNs: q('minDuration') !== undefined ? parseDuration('minDuration', q('minDuration')!) : undefined,
      maxDurationNs: q('maxDuration') !== undefined ? parseDuration('maxDuration', q('maxDuration')!) : undefined,
      startNs: start,
      endNs: end,
      limit: q('limit') !== undefined ? parseCount('limit', q('limit')!, MAX_LIMIT) : DEFAULT_LIMIT,
    };
    if (find.minDurationNs && find.maxDurationNs && find.maxDurationNs < find.minDurationNs) {
      throw new ApiError('badRequest', "'maxDuration' should be greater than 'minDuration'");
    }
    if (end < start) throw new ApiError('badRequest', "'end' must not be before 'start'");
    const t = await tenant(c);
    const maxBytes = await maxBytesPerTrace(c, deps);
    const found = t === undefined ? [] : await readTraces(deps, t, await findTraceIds(deps, t, find), maxBytes);
    const data = found.filter((x) => x !== null).map((f) => toJaegerTrace(f.trace, jaeger(raw)));
    return envelope(data, { errors: partialWarnings(found, maxBytes), pretty: pretty(c) });
  });

  // Several comma-separated ids are accepted too; the UI's compare page uses ?traceID= instead.
  app.get('/api/traces/:id', async (c) => {
    const q = (n: string) => c.req.query(n) || undefined;
    const ids = c.req.param('id').split(',').slice(0, MAX_IDS).map((id) => parseJaegerTraceId('traceID', id));
    const range = {
      startNs: q('start') !== undefined ? parseEpoch('start', q('start')!, US, 'microseconds') : undefined,
      endNs: q('end') !== undefined ? parseEpoch('end', q('end')!, US, 'microseconds') : undefined,
    };
    return byIds(c, ids, range, parseBool('raw', q('raw')), 404);
  });

  async function byIds(c: Context, ids: string[], range: { startNs?: bigint; endNs?: bigint }, raw: boolean, noneStatus: number) {
    if (ids.length > MAX_IDS) throw new ApiError('badRequest', `at most ${MAX_IDS} trace IDs per request`);
    const t = await tenant(c);
    const maxBytes = await maxBytesPerTrace(c, deps);
    const found = t === undefined ? ids.map(() => null) : await readTraces(deps, t, ids, maxBytes, range);
    const data = found.filter((x) => x !== null).map((f) => toJaegerTrace(f.trace, jaeger(raw)));
    if (data.length === 0 && noneStatus === 404) throw new ApiError('notFound', 'trace not found');
    const errors: EnvelopeError[] = [];
    found.forEach((f, i) => f === null && errors.push({ msg: 'trace not found', traceID: jaegerId(ids[i]) }));
    return envelope(data, { errors: [...errors, ...partialWarnings(found, maxBytes)], pretty: pretty(c) });
  }

  app.get('/api/dependencies', async (c) => {
    const q = (n: string) => c.req.query(n) || undefined;
    const endTs = q('endTs') !== undefined ? parseEpoch('endTs', q('endTs')!, MS, 'milliseconds') : nowNs();
    const lookback = q('lookback') !== undefined ? parseMillis('lookback', q('lookback')!) : DEFAULT_DEPENDENCY_LOOKBACK_NS;
    const service = q('service');
    const t = await tenant(c);
    const links = t === undefined ? [] : await dependencies(t.db, t.tenantId, endTs - lookback, endTs);
    const data = service ? links.filter((l) => l.parent === service || l.child === service) : links;
    return envelope(data, { pretty: pretty(c) });
  });

  return app;
}

/**
 * Jaeger has no PARTIAL status: a trace cut at MAX_BYTES_PER_TRACE is sent with the spans that
 * fit (earliest first) and named in `errors`, which jaeger-ui and Grafana show beside the data.
 */
function partialWarnings(found: (JaegerTrace | null)[], maxBytes: number): EnvelopeError[] {
  return found.flatMap((f) => (f?.partial ? [{ code: 422, msg: partialTraceMessage(maxBytes), traceID: jaegerId(f.traceId) }] : []));
}

function jaegerId(hex: string): string {
  return hex.startsWith('0000000000000000') ? hex.slice(16) : hex;
}

const LOOKBACK_UNITS: Record<string, bigint> = { m: 60n, h: 3600n, d: 86_400n, w: 604_800n };

/**
 * The UI sends `lookback` (`1h`, `2d`, `custom`) next to start/end, only to rebuild its form; we
 * use it as the window when `start` is missing, and ignore values that are not a span of time.
 */
function lookbackNs(v: string | undefined): bigint {
  const m = v ? /^(\d{1,6})([mhdw])$/.exec(v) : null;
  return m ? BigInt(m[1]) * LOOKBACK_UNITS[m[2]] * 1_000_000_000n : DEFAULT_LOOKBACK_NS;
}
