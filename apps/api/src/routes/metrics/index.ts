import { type Context, Hono } from 'hono';
import {
  type MetricsPlan,
  type Query,
  TraceQLParseError,
  TraceQLUnsupportedError,
  TraceQLValidationError,
  defaultStepNs,
  instantWindow,
  parse,
  planMetrics,
  rangeWindow,
  validate,
} from '@tracegres/traceql';
import type { Deps } from '../../deps.ts';
import { ApiError } from '../../errors.ts';
import { type MetricsResult, instantResponseJson, rangeResponseJson } from '../../storage/metrics-json.ts';
import { runMetrics } from '../../storage/metrics-run.ts';
import { readScope } from '../../auth/request-tenant.ts';
import { parseBounds, parseCount, parseStep } from './params.ts';

const NS = 1_000_000_000n;
/** Tempo 3.0's metrics `max_duration`. */
const MAX_WINDOW_NS = 24n * 3600n * NS;
/** Tempo's `max_intervals`. */
const MAX_INTERVALS = 10_000n;
/** Tempo's `max_exemplars` (also the default when the client asks for none in particular). */
const MAX_EXEMPLARS = 100;
/** Series per response unless `maxSeries` asks for fewer (Tempo's is unlimited; ours bounds memory). */
const DEFAULT_MAX_SERIES = 1000;
const MAX_SERIES = 10_000;
/** Values held per response (series x intervals): bounds memory when steps are small. */
const MAX_POINTS = 2_000_000;
const MAX_QUERY_BYTES = 128 * 1024;

function planOf(text: string | undefined): MetricsPlan {
  if (text === undefined || text.trim() === '') throw new ApiError('badRequest', 'invalid q: a TraceQL metrics query is required, e.g. {} | rate()');
  if (new TextEncoder().encode(text).length > MAX_QUERY_BYTES) throw new ApiError('badRequest', `invalid q: query is larger than ${MAX_QUERY_BYTES} bytes`);
  try {
    const q: Query = parse(text);
    validate(q);
    return planMetrics(q);
  } catch (e) {
    if (e instanceof TraceQLParseError || e instanceof TraceQLValidationError || e instanceof TraceQLUnsupportedError) {
      throw new ApiError('badRequest', e.message);
    }
    throw e;
  }
}

function checkWindow(startNs: bigint, endNs: bigint): void {
  if (endNs - startNs > MAX_WINDOW_NS) {
    throw new ApiError('badRequest', `invalid start/end: metrics query time range exceeds the maximum allowed duration of ${MAX_WINDOW_NS / NS / 3600n}h`);
  }
}

/** Tempo's TraceQL metrics API: `GET /api/metrics/query_range` and `GET /api/metrics/query` (instant). */
export function metricsRoutes(deps: Deps): Hono {
  const app = new Hono();
  const nowNs = () => BigInt(Math.floor(deps.now())) * 1_000_000n;
  // `q` wins over `query` (Prometheus' name, which Grafana also sends), as in Tempo.
  const queryText = (qp: (n: string) => string | undefined) => qp('q') || qp('query');

  const run = async (c: Context, plan: MetricsPlan, window: ReturnType<typeof rangeWindow>, maxSeries: number, exemplars: number): Promise<MetricsResult> => {
    const scope = await readScope(c, deps);
    if (scope === undefined) return { series: [] };
    // Fewer series when each holds many values (small steps, many quantiles): answered PARTIAL.
    const perSeries = window.intervals * Math.max(1, plan.quantiles.length);
    const limit = Math.max(1, Math.min(maxSeries, Math.floor(MAX_POINTS / perSeries)));
    return runMetrics(scope.db, { plan, window, tenantId: scope.tenantId, maxSeries: limit, exemplars, timeoutMs: deps.config.limits.queryTimeoutMs });
  };

  app.get('/api/metrics/query_range', async (c) => {
    const qp = (n: string) => c.req.query(n);
    const plan = planOf(queryText(qp));
    const { startNs, endNs } = parseBounds(qp, nowNs());
    checkWindow(startNs, endNs);
    const stepNs = qp('step') ? parseStep(qp('step')!) : defaultStepNs(startNs, endNs);
    if ((endNs - startNs) / stepNs > MAX_INTERVALS) {
      const min = (endNs - startNs) / MAX_INTERVALS;
      throw new ApiError('badRequest', `invalid step: step of ${stepNs}ns is too small, the minimum step for this range is ${min}ns (at most ${MAX_INTERVALS} intervals)`);
    }
    // Tempo: no `exemplars` (or 0) means the maximum; with(exemplars=…) overrides; capped.
    const asked = parseCount('exemplars', qp('exemplars'), 0);
    const exemplars = Math.min(MAX_EXEMPLARS, plan.exemplarsHint ?? (asked || MAX_EXEMPLARS));
    const maxSeries = parseCount('maxSeries', qp('maxSeries'), DEFAULT_MAX_SERIES);
    if (maxSeries < 1 || maxSeries > MAX_SERIES) throw new ApiError('badRequest', `invalid maxSeries: expected 1 to ${MAX_SERIES}, got ${maxSeries}`);
    const window = rangeWindow(startNs, endNs, stepNs);
    const result = await run(c, plan, window, maxSeries, exemplars);
    return c.body(rangeResponseJson(result, window), 200, { 'content-type': 'application/json' });
  });

  app.get('/api/metrics/query', async (c) => {
    const qp = (n: string) => c.req.query(n);
    const plan = planOf(queryText(qp));
    const { startNs, endNs } = parseBounds(qp, nowNs());
    checkWindow(startNs, endNs);
    const maxSeries = parseCount('maxSeries', qp('maxSeries'), DEFAULT_MAX_SERIES);
    if (maxSeries < 1 || maxSeries > MAX_SERIES) throw new ApiError('badRequest', `invalid maxSeries: expected 1 to ${MAX_SERIES}, got ${maxSeries}`);
    const result = await run(c, plan, instantWindow(startNs, endNs), maxSeries, 0);
    return c.body(instantResponseJson(result), 200, { 'content-type': 'application/json' });
  });
  return app;
}
