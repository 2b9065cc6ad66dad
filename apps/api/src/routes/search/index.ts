import { Hono } from 'hono';
import {
  type Attribute,
  type Intrinsic,
  type Node,
  type Query,
  TraceQLParseError,
  TraceQLUnsupportedError,
  TraceQLValidationError,
  compileSearch,
  parse,
  validate,
} from '@tracegres/traceql';
import type { Deps } from '../../deps.ts';
import { ApiError } from '../../errors.ts';
import { type SpanWanted, runSearch } from '../../storage/search.ts';
import { readScope, requestTenant } from '../../auth/request-tenant.ts';

// Tempo's defaults; the maxima are SEARCH_MAX_LIMIT, SEARCH_MAX_SPANS_PER_SPAN_SET, MAX_SEARCH_DURATION.
const DEFAULT_LIMIT = 20;
const DEFAULT_SPSS = 3;
const DEFAULT_WINDOW_S = 3600n;
const MAX_QUERY_BYTES = 128 * 1024;
const NS = 1_000_000_000n;

const UNITS: Record<string, number> = { ns: 1, us: 1e3, 'µs': 1e3, 'μs': 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** A Go duration (`100ms`, `1h2m`, `1.5s`) in nanoseconds. */
export function parseGoDuration(name: string, v: string): bigint {
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;
  let total = 0;
  let i = 0;
  if (v === '0') return 0n;
  while (i < v.length) {
    re.lastIndex = i;
    const m = re.exec(v);
    if (!m) throw new ApiError('badRequest', `invalid ${name}: ${JSON.stringify(v)} is not a duration (e.g. 100ms, 1.5s, 1h)`);
    total += Number(m[1]) * UNITS[m[2]];
    i = re.lastIndex;
  }
  if (v.length === 0) throw new ApiError('badRequest', `invalid ${name}: empty duration`);
  return BigInt(Math.round(total));
}

function intParam(name: string, v: string | undefined, def: number, min: number, max: number): number {
  if (v === undefined || v === '') return def;
  if (!/^\d{1,10}$/.test(v)) throw new ApiError('badRequest', `invalid ${name}: expected a non-negative integer, got ${JSON.stringify(v)}`);
  const n = Number(v);
  if (n < min) throw new ApiError('badRequest', `invalid ${name}: must be at least ${min}`);
  if (n > max) throw new ApiError('badRequest', `invalid ${name}: must be at most ${max}`);
  return n;
}

function formatSeconds(s: number): string {
  return s % 3600 === 0 ? `${s / 3600}h` : s % 60 === 0 ? `${s / 60}m` : `${s}s`;
}

function unixSeconds(name: string, v: string): bigint {
  if (!/^\d{1,12}$/.test(v)) throw new ApiError('badRequest', `invalid ${name}: expected unix seconds, got ${JSON.stringify(v)}`);
  return BigInt(v);
}

/** Legacy `tags=k=v k2="v 2"` (logfmt) as TraceQL: exact matches, `name` and `status.code` as intrinsics. */
export function tagsToTraceQL(tags: string): string {
  const re = /\s*([^\s=]+)=("(?:[^"\\]|\\.)*"|\S*)/y;
  const conds: string[] = [];
  const seen = new Set<string>();
  let i = 0;
  while (i < tags.length) {
    if (/^\s*$/.test(tags.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(tags);
    if (!m) throw new ApiError('badRequest', `invalid tags: expected key=value pairs (logfmt), got ${JSON.stringify(tags)}`);
    i = re.lastIndex;
    const key = m[1];
    const value = m[2].startsWith('"') ? unquoteLogfmt(m[2], tags) : m[2];
    if (seen.has(key)) throw new ApiError('badRequest', `invalid tags: tag ${JSON.stringify(key)} given more than once`);
    seen.add(key);
    const lit = JSON.stringify(value);
    if (key === 'name') conds.push(`name = ${lit}`);
    else if (key === 'status.code' && ['ok', 'error', 'unset'].includes(value)) conds.push(`status = ${value}`);
    else {
      const attr = `."${key.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
      // Tag values are text; a value that reads as a number or bool also matches that type.
      const typed = /^-?\d{1,18}$/.test(value) || /^-?\d+\.\d+$/.test(value) || value === 'true' || value === 'false' ? ` || ${attr} = ${value}` : '';
      conds.push(typed ? `(${attr} = ${lit}${typed})` : `${attr} = ${lit}`);
    }
  }
  return `{ ${conds.length ? conds.join(' && ') : 'true'} }`;
}

/** A quoted logfmt value; a bad escape is the client's error, named, not a crash. */
function unquoteLogfmt(quoted: string, tags: string): string {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    throw new ApiError('badRequest', `invalid tags: bad escape in quoted value ${quoted.slice(0, 80)} of ${JSON.stringify(tags.slice(0, 200))}`);
  }
}

/** What the response shows for matched spans: the attributes and intrinsics the query touched. */
function wantedOf(q: Query): SpanWanted {
  const want: SpanWanted = { attributes: [], status: false, kind: false, statusMessage: false, name: false };
  const visit = (n: unknown): void => {
    if (!n || typeof n !== 'object') return;
    if (Array.isArray(n)) return n.forEach(visit);
    const node = n as Node;
    if (node.kind === 'attribute') {
      const a = node as Attribute;
      if (!a.parent) want.attributes.push({ key: a.name, scope: a.scope });
      return;
    }
    if (node.kind === 'intrinsic') {
      const name = (node as Intrinsic).name;
      if (name === 'span:status') want.status = true;
      if (name === 'span:kind') want.kind = true;
      if (name === 'span:statusMessage') want.statusMessage = true;
      if (name === 'span:name') want.name = true;
      return;
    }
    for (const [k, v] of Object.entries(node)) if (k !== 'pos' && k !== 'opPos') visit(v);
  };
  visit(q.body);
  return want;
}

function parseQueryText(text: string): Query {
  if (new TextEncoder().encode(text).length > MAX_QUERY_BYTES) throw new ApiError('badRequest', `invalid q: query is larger than ${MAX_QUERY_BYTES} bytes`);
  try {
    const q = parse(text);
    validate(q);
    return q;
  } catch (e) {
    if (e instanceof TraceQLParseError || e instanceof TraceQLValidationError || e instanceof TraceQLUnsupportedError) {
      throw new ApiError('badRequest', e.message);
    }
    throw e;
  }
}

/** Tempo's `GET /api/search`: TraceQL (or legacy tags) search, newest traces first. */
export function searchRoutes(deps: Deps): Hono {
  const app = new Hono();
  app.get('/api/search', async (c) => {
    const qp = (n: string) => c.req.query(n);
    const q = qp('q');
    const tags = qp('tags');
    if (q !== undefined && q !== '' && tags !== undefined && tags !== '') throw new ApiError('badRequest', "invalid parameters: can't specify tags and q");
    const limits = await deps.limits.overrides.forTenant(requestTenant(c, deps, 'query'), deps.now());
    const limit = intParam('limit', qp('limit'), Math.min(DEFAULT_LIMIT, limits.maxSearchLimit), 1, limits.maxSearchLimit);
    const spss = intParam('spss', qp('spss'), DEFAULT_SPSS, 0, deps.config.limits.searchMaxSpansPerSpanSet);
    const minD = qp('minDuration') ? parseGoDuration('minDuration', qp('minDuration')!) : undefined;
    const maxD = qp('maxDuration') ? parseGoDuration('maxDuration', qp('maxDuration')!) : undefined;
    if (minD !== undefined && maxD !== undefined && maxD < minD) throw new ApiError('badRequest', 'invalid maxDuration: must be greater than minDuration');
    const start = qp('start');
    const end = qp('end');
    let startS: bigint;
    let endS: bigint;
    if (start === undefined && end === undefined) {
      endS = BigInt(Math.floor(deps.now() / 1000));
      startS = endS - DEFAULT_WINDOW_S;
    } else {
      if (start === undefined || end === undefined) throw new ApiError('badRequest', 'invalid start/end: start and end must be given together');
      startS = unixSeconds('start', start);
      endS = unixSeconds('end', end);
      if (endS < startS) throw new ApiError('badRequest', 'invalid end: must not be before start');
      const maxS = limits.maxSearchDurationSeconds;
      if (maxS > 0 && Number(endS - startS) > maxS) {
        throw new ApiError('badRequest', `invalid start/end: range specified by start and end exceeds ${formatSeconds(maxS)} (MAX_SEARCH_DURATION)`);
      }
    }

    const text = q !== undefined && q !== '' ? q : tags !== undefined && tags !== '' ? tagsToTraceQL(tags) : '{}';
    const query = parseQueryText(text);
    const scope = await readScope(c, deps);
    const tenantId = scope?.tenantId;
    const window = { startNs: startS * NS, endNs: endS * NS + NS - 1n, limit };
    const compile = (slice: { fromNs?: bigint; toNs: bigint; limit: number }) =>
      compileSearch(query, {
        tenantId: tenantId ?? -1,
        startNs: window.startNs,
        endNs: window.endNs,
        limit: slice.limit,
        minDurationNs: minD,
        maxDurationNs: maxD,
        traceStartFromNs: slice.fromNs,
        traceStartToNs: slice.toNs,
      });
    try {
      compile({ toNs: window.endNs, limit }); // reject unsupported constructs before touching the database
    } catch (e) {
      if (e instanceof TraceQLUnsupportedError) throw new ApiError('badRequest', e.message);
      throw e;
    }
    if (scope === undefined) return c.json({ traces: [], metrics: { inspectedTraces: 0, inspectedBytes: '0' } });
    const result = await runSearch(scope.db, scope.tenantId, compile, window, wantedOf(query), spss, deps.config.limits.queryTimeoutMs);
    return c.json(result);
  });
  return app;
}
