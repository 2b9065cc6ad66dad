import { Hono, type Context } from 'hono';
import { type TracesData, encodeOtlpJson } from '@tracegres/otlp';
import type { Deps } from '../../deps.ts';
import { ApiError } from '../../errors.ts';
import { operations, serviceNames } from '../../storage/operations.ts';
import { traceSummaries } from '../../storage/trace-summaries.ts';
import { readScope } from '../../auth/request-tenant.ts';
import { v3Error, v3ErrorResponse } from './envelope.ts';
import { partialTraceMessage } from '../../limits/trace-size.ts';
import { type FindQuery, findTraceIds, maxBytesPerTrace, operationWindow, readTraces } from './find.ts';
import { KIND_NAMES, parseBool, parseDuration, parseJaegerTraceId, parseRfc3339, parseSpanKind } from './params.ts';

const DEFAULT_SEARCH_DEPTH = 100;
const MAX_SEARCH_DEPTH = 1500;

/**
 * Jaeger's API v3 over HTTP (the grpc-gateway JSON form): OTLP JSON traces in a `result`
 * wrapper, camelCase parameter names with the older snake_case ones still read, errors as
 * `{"error": {"httpCode", "message"}}`, and 404 when a trace fetch or search finds nothing.
 */
export function v3Routes(deps: Deps): Hono {
  const app = new Hono();
  app.onError((err, c) => v3Error(err, deps.log, c.req.path));
  const tenant = (c: Context) => readScope(c, deps);
  const json = (body: string) => new Response(body, { headers: { 'content-type': 'application/json' } });

  app.get('/api/v3/services', async (c) => {
    const t = await tenant(c);
    return c.json({ services: t === undefined ? [] : await serviceNames(t.db, t.tenantId) });
  });

  app.get('/api/v3/operations', async (c) => {
    const [kindText, kindName] = param(c, 'spanKind', 'span_kind');
    const kind = parseSpanKind(kindName, kindText);
    const t = await tenant(c);
    const ops = t === undefined ? [] : await operations(t.db, t.tenantId, c.req.query('service') || undefined, kind, ...operationWindow(deps));
    // v3 reports an unspecified kind as internal, which may merge two entries into one.
    const seen = new Set<string>();
    const out: { name: string; spanKind: string }[] = [];
    for (const o of ops) {
      const spanKind = KIND_NAMES[o.kind] || 'internal';
      const key = `${spanKind}\u0000${o.name}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push({ name: o.name, spanKind });
      }
    }
    return c.json({ operations: out });
  });

  app.get('/api/v3/traces/:traceId', async (c) => {
    const id = parseJaegerTraceId('trace_id', c.req.param('traceId'));
    const [start, startName] = param(c, 'startTime', 'start_time');
    const [end, endName] = param(c, 'endTime', 'end_time');
    const [raw, rawName] = param(c, 'rawTraces', 'raw_traces');
    parseBool(rawName, raw); // stored traces are returned as received either way
    const range = {
      startNs: start !== undefined ? parseRfc3339(startName, start) : undefined,
      endNs: end !== undefined ? parseRfc3339(endName, end) : undefined,
    };
    const t = await tenant(c);
    const maxBytes = await maxBytesPerTrace(c, deps);
    const [found] = t === undefined ? [null] : await readTraces(deps, t, [id], maxBytes, range);
    if (!found) return v3ErrorResponse(404, 'No traces found');
    // v3 has nowhere to say a trace is partial: as Tempo's v1 API, refuse it rather than send part silently.
    if (found.partial) return v3ErrorResponse(422, `${partialTraceMessage(maxBytes).replace(/, a partial trace is returned$/, '')}; /jaeger/api/traces/{id} returns the spans that fit`);
    return json(`{"result":${encodeOtlpJson(found.trace)}}`);
  });

  app.get('/api/v3/traces', async (c) => {
    const q = findQuery(c);
    const t = await tenant(c);
    // A search shows many traces: one over MAX_BYTES_PER_TRACE is sent cut (earliest spans) rather than failing them all.
    const found = t === undefined ? [] : await readTraces(deps, t, await findTraceIds(deps, t, q), await maxBytesPerTrace(c, deps));
    const traces = found.flatMap((x): TracesData[] => (x === null ? [] : [x.trace]));
    if (traces.length === 0) return v3ErrorResponse(404, 'No traces found');
    return json(`{"result":${encodeOtlpJson({ resourceSpans: traces.flatMap((td) => td.resourceSpans) })}}`);
  });

  app.get('/api/v3/trace-summaries', async (c) => {
    const q = findQuery(c);
    const t = await tenant(c);
    const summaries = t === undefined ? [] : await traceSummaries(t.db, t.tenantId, await findTraceIds(deps, t, q));
    return c.json({
      summaries: summaries.map((s) => ({
        traceId: s.traceId,
        rootServiceName: s.rootServiceName,
        rootOperationName: s.rootOperationName,
        minStartTimeUnixNano: s.minStartNs.toString(),
        maxEndTimeUnixNano: s.maxEndNs.toString(),
        spanCount: s.spanCount,
        errorSpanCount: s.errorSpanCount,
        orphanSpanCount: s.orphanSpanCount,
        services: s.services,
      })),
    });
  });

  return app;
}

/** A parameter by its canonical name, else its deprecated alias: [value, name used]. */
function param(c: Context, canonical: string, deprecated: string): [string | undefined, string] {
  const v = c.req.query(canonical);
  if (v) return [v, canonical];
  return [c.req.query(deprecated) || undefined, deprecated];
}

function findQuery(c: Context): FindQuery {
  const [service] = param(c, 'query.serviceName', 'query.service_name');
  const [operation] = param(c, 'query.operationName', 'query.operation_name');
  const [min, minName] = param(c, 'query.startTimeMin', 'query.start_time_min');
  const [max, maxName] = param(c, 'query.startTimeMax', 'query.start_time_max');
  if (min === undefined || max === undefined) throw new ApiError('badRequest', 'query.startTimeMin and query.startTimeMax are required');
  const startNs = parseRfc3339(minName, min);
  const endNs = parseRfc3339(maxName, max);
  if (startNs >= endNs) throw new ApiError('badRequest', 'query.startTimeMin must be before query.startTimeMax');
  if (c.req.query('query.filter')) {
    throw new ApiError('badRequest', 'malformed parameter query.filter: structured filters are not supported; use query.attributes');
  }
  let [depth, depthName] = param(c, 'query.searchDepth', 'query.search_depth');
  if (depth === undefined && c.req.query('query.num_traces')) [depth, depthName] = [c.req.query('query.num_traces'), 'query.num_traces'];
  let limit = DEFAULT_SEARCH_DEPTH;
  if (depth !== undefined) {
    if (!/^\d{1,9}$/.test(depth) || Number(depth) < 1) throw new ApiError('badRequest', `malformed parameter ${depthName}: expected a positive integer, got ${JSON.stringify(depth.slice(0, 40))}`);
    if (Number(depth) > MAX_SEARCH_DEPTH) throw new ApiError('badRequest', `malformed parameter ${depthName}: must be at most ${MAX_SEARCH_DEPTH}`);
    limit = Number(depth);
  }
  const [dmin, dminName] = param(c, 'query.durationMin', 'query.duration_min');
  const [dmax, dmaxName] = param(c, 'query.durationMax', 'query.duration_max');
  const [raw, rawName] = param(c, 'query.rawTraces', 'query.raw_traces');
  parseBool(rawName, raw);
  const tags = new Map<string, string>();
  const attrs = c.req.query('query.attributes');
  if (attrs) {
    let obj: unknown;
    try {
      obj = JSON.parse(attrs);
    } catch (e) {
      throw new ApiError('badRequest', `malformed parameter query.attributes: ${(e as Error).message}`);
    }
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw new ApiError('badRequest', 'malformed parameter query.attributes: expected a JSON object of string values');
    for (const [k, v] of Object.entries(obj)) {
      if (typeof v !== 'string') throw new ApiError('badRequest', `malformed parameter query.attributes: the value of ${JSON.stringify(k)} must be a string`);
      tags.set(k, v);
    }
  }
  const q: FindQuery = {
    service,
    operation,
    tags,
    minDurationNs: dmin !== undefined ? parseDuration(dminName, dmin) : undefined,
    maxDurationNs: dmax !== undefined ? parseDuration(dmaxName, dmax) : undefined,
    startNs,
    endNs,
    limit,
  };
  return q;
}
