import type { Context } from 'hono';
import type { TracesData } from '@tracegres/otlp';
import { TraceQLUnsupportedError, compileSearch, parse, validate } from '@tracegres/traceql';
import { type ReadScope, requestTenant } from '../../auth/request-tenant.ts';
import type { Deps } from '../../deps.ts';
import { ApiError } from '../../errors.ts';
import { readTrace } from '../../storage/read-trace.ts';
import { runSearch } from '../../storage/search.ts';

/** A Jaeger trace search (classic `/api/traces` and v3 `/api/v3/traces`), times in Unix ns. */
export interface FindQuery {
  service?: string;
  operation?: string;
  tags: Map<string, string>;
  minDurationNs?: bigint;
  maxDurationNs?: bigint;
  startNs: bigint;
  endNs: bigint;
  limit: number;
}

const str = (s: string) => JSON.stringify(s);
const attr = (key: string) => `."${key.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
const STATUS: Record<string, string> = { OK: 'ok', ERROR: 'error', UNSET: 'unset' };
const KINDS = ['internal', 'server', 'client', 'producer', 'consumer', 'unspecified'];

/** One Jaeger tag as a TraceQL condition. Jaeger's synthetic tags map to intrinsics. */
function tagCondition(key: string, value: string): string {
  const plain = `${attr(key)} = ${str(value)}`;
  // Tag values arrive as text; a value that reads as a number or bool also matches that type.
  const typed = /^-?\d{1,18}$/.test(value) || /^-?\d+\.\d+$/.test(value) || value === 'true' || value === 'false' ? ` || ${attr(key)} = ${value}` : '';
  const generic = typed ? `${plain}${typed}` : plain;
  if (key === 'error' && (value === 'true' || value === 'false')) {
    // TraceQL comparisons with a missing attribute are false, so `error=false` tests status only.
    return value === 'true' ? `(status = error || ${generic})` : 'status != error';
  }
  if (key === 'span.kind' && KINDS.includes(value)) return `(kind = ${value} || ${generic})`;
  if (key === 'otel.status_code' && STATUS[value]) return `(status = ${STATUS[value]} || ${generic})`;
  if (key === 'otel.status_description') return `(statusMessage = ${str(value)} || ${generic})`;
  return `(${generic})`;
}

/**
 * The search as one TraceQL spanset filter: Jaeger matches every condition against a single
 * span (tags in span or resource attributes) and returns the traces holding such a span.
 */
export function findToTraceQL(q: FindQuery): string {
  const conds: string[] = [];
  if (q.service) conds.push(`resource.service.name = ${str(q.service)}`);
  if (q.operation) conds.push(`name = ${str(q.operation)}`);
  for (const [k, v] of q.tags) conds.push(tagCondition(k, v));
  if (q.minDurationNs !== undefined && q.minDurationNs > 0n) conds.push(`duration >= ${q.minDurationNs}ns`);
  if (q.maxDurationNs !== undefined && q.maxDurationNs > 0n) conds.push(`duration <= ${q.maxDurationNs}ns`);
  return `{ ${conds.length ? conds.join(' && ') : 'true'} }`;
}

/** Ids (32 hex) of the newest traces matching the search, at most `limit`. */
export async function findTraceIds(deps: Deps, scope: ReadScope, q: FindQuery): Promise<string[]> {
  const { tenantId } = scope;
  const text = findToTraceQL(q);
  let query;
  try {
    query = parse(text);
    validate(query);
  } catch (e) {
    throw new ApiError('badRequest', `cannot search for these parameters: ${(e as Error).message}`);
  }
  const compile = (slice: { fromNs?: bigint; toNs: bigint; limit: number }) =>
    compileSearch(query, {
      tenantId,
      startNs: q.startNs,
      endNs: q.endNs,
      limit: slice.limit,
      traceStartFromNs: slice.fromNs,
      traceStartToNs: slice.toNs,
    });
  try {
    compile({ toNs: q.endNs, limit: q.limit });
  } catch (e) {
    if (e instanceof TraceQLUnsupportedError) throw new ApiError('badRequest', e.message);
    throw e;
  }
  const want = { attributes: [], status: false, kind: false, statusMessage: false, name: false };
  const res = await runSearch(scope.db, tenantId, compile, { startNs: q.startNs, endNs: q.endNs, limit: q.limit }, want, 1, deps.config.limits.queryTimeoutMs);
  return res.traces.map((t) => t.traceID.padStart(32, '0'));
}

/** A trace read for a Jaeger answer; `partial` when it was cut at MAX_BYTES_PER_TRACE. */
export interface JaegerTrace {
  /** 32 hex. */
  traceId: string;
  trace: TracesData;
  partial: boolean;
}

/**
 * Reads traces by id (32 hex) within an optional time range; missing ones are null. Each is cut
 * at `maxBytes` of stored spans (MAX_BYTES_PER_TRACE, earliest spans kept), as Tempo's reads are.
 */
export async function readTraces(
  deps: Deps,
  scope: ReadScope,
  ids: string[],
  maxBytes: number,
  range: { startNs?: bigint; endNs?: bigint } = {},
): Promise<(JaegerTrace | null)[]> {
  const found = await Promise.all(ids.map((id) => readTrace(scope.db, scope.tenantId, id, deps.partitions.intervalNs, range, maxBytes)));
  return found.map((f, i) => (f ? { traceId: ids[i], trace: f.trace.toTracesData(), partial: f.partial } : null));
}

/** The requesting tenant's MAX_BYTES_PER_TRACE (its override, else the global value). */
export async function maxBytesPerTrace(c: Context, deps: Deps): Promise<number> {
  return (await deps.limits.overrides.forTenant(requestTenant(c, deps, 'query'), deps.now())).maxBytesPerTrace;
}

/** Operations are listed from spans of the whole retention window. */
export function operationWindow(deps: Deps): [bigint, bigint] {
  const now = BigInt(deps.now()) * 1_000_000n;
  return [now - BigInt(deps.config.retentionSeconds) * 1_000_000_000n, now + 86_400n * 1_000_000_000n];
}
