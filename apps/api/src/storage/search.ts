import { type Db, type Queryable, type StoredSpanRow, HASH_JOINS_ONLY } from '@tracegres/schema';
import { ApiError } from '../errors.ts';
import type { CompiledSql, SearchSqlRow } from '@tracegres/traceql';
import { type AttributeSource, type KeyValue, anyValueJson, attributeReader, spansetAttributes } from './search-spansets.ts';

export type { KeyValue } from './search-spansets.ts';

/** What the response needs to show for each matched span. */
export interface SpanWanted {
  /** Attributes to show: bare key and where to read it. */
  attributes: { key: string; scope: AttributeSource }[];
  status: boolean;
  kind: boolean;
  statusMessage: boolean;
  name: boolean;
}

export interface FoundSpan {
  spanID: string;
  name?: string;
  startTimeUnixNano: string;
  durationNanos: string;
  attributes: KeyValue[];
}

/** One spanset of a trace: its shown spans, how many matched, and its `by()` attributes. */
export interface FoundSpanSet {
  spans: FoundSpan[];
  matched: number;
  attributes?: KeyValue[];
}

export interface FoundTraceSummary {
  traceID: string;
  rootServiceName: string;
  rootTraceName: string;
  startTimeUnixNano: string;
  durationMs?: number;
  spanSet: FoundSpanSet;
  spanSets: FoundSpanSet[];
  serviceStats: Record<string, { spanCount: number; errorCount?: number }>;
}

export interface SearchResult {
  traces: FoundTraceSummary[];
  metrics: { inspectedTraces: number; inspectedBytes: string };
}

const STATUS_NAMES = ['unset', 'ok', 'error'];
const KIND_NAMES = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

/** Tempo writes trace ids in search results as lowercase hex without leading zeros. */
export function searchTraceId(uuid: string): string {
  return uuid.replace(/-/g, '').replace(/^0+/, '') || '0';
}

/** Compiles the search for traces starting in [from, to] (open where undefined), at most `limit`. */
export type SliceCompiler = (slice: { fromNs?: bigint; toNs: bigint; limit: number }) => CompiledSql;

export interface SearchWindow {
  startNs: bigint;
  endNs: bigint;
  limit: number;
  /**
   * First slice's length; later slices double. Default: 1/64 of the window, at least 15 s: most
   * searches fill their limit from the newest minute, and each slice costs in proportion to its spans.
   */
  firstSliceNs?: bigint;
}

const MIN_FIRST_SLICE_NS = 15_000_000_000n;

/**
 * Runs a search inside one transaction (on Postgres with a statement timeout), newest slice of
 * the window first: each slice looks only at traces that started in it, and the search stops
 * once `limit` traces are found, so a common query over a busy window reads a small part of
 * it. Slices are disjoint and searched newest first, so results stay newest-first overall; the
 * last slice is open below, for traces that started before the window but overlap it.
 */
export async function runSearch(
  db: Db,
  tenantId: number,
  compile: SliceCompiler,
  w: SearchWindow,
  want: SpanWanted,
  spss: number,
  timeoutMs: number,
): Promise<SearchResult> {
  return db
    .transaction(async (tx) => {
    if (db.driver === 'postgres') await tx.query(`set local statement_timeout = ${Math.max(1, Math.floor(timeoutMs))}`);
    // The compiled statement is a chain of CTEs whose row counts the planner cannot estimate
    // (it guesses a handful of rows), so it picks nested loops between CTE scans: quadratic in
    // the spans of the window (a `>` query over 100k spans did not finish in 60 s; with hash
    // joins it takes ~0.4 s). The spans of the window are read once through their time range.
    await tx.query(HASH_JOINS_ONLY);
    const rows: SearchSqlRow[] = [];
    const found = new Set<string>();
    let inspected = 0;
    let slice = w.firstSliceNs ?? ((w.endNs - w.startNs) / 64n > MIN_FIRST_SLICE_NS ? (w.endNs - w.startNs) / 64n : MIN_FIRST_SLICE_NS);
    for (let to = w.endNs; found.size < w.limit; ) {
      const last = to - slice < w.startNs;
      const fromNs = last ? undefined : to - slice + 1n;
      const sql = compile({ fromNs, toNs: to, limit: w.limit - found.size });
      const got = await tx.query<SearchSqlRow>(sql.text, sql.params);
      for (const r of got) {
        found.add(r.trace_id);
        rows.push(r);
      }
      inspected += got.length ? Number(got[0].inspected) : 0;
      if (last) break;
      to = fromNs! - 1n;
      slice *= 2n;
    }
    return assemble(tx, tenantId, rows, want, spss, inspected);
  })
    .catch((err: unknown) => {
      if ((err as { code?: string }).code === '57014') {
        throw new ApiError('timeout', `search exceeded its time limit of ${Math.round(timeoutMs / 1000)}s; narrow the time range or the query`);
      }
      throw err;
    });
}

/** The stored span columns search shows, plus the resource's attributes. */
type SpanRow = Pick<
  StoredSpanRow,
  'trace_id' | 'span_id' | 'start_ns' | 'duration_ns' | 'name' | 'kind' | 'status_code' | 'status_message' | 'attrs'
> & { r_attrs: string | null; events: string | null; links: string | null; sc_attrs: string | null };

async function assemble(
  tx: Queryable,
  tenantId: number,
  rows: SearchSqlRow[],
  want: SpanWanted,
  spss: number,
  inspectedTraces: number,
): Promise<SearchResult> {
  const order: string[] = [];
  // Per trace, its spansets (one unless the query has by()) with their matched span ids.
  const matched = new Map<string, Map<string, string[]>>();
  for (const r of rows) {
    let sets = matched.get(r.trace_id);
    if (!sets) {
      sets = new Map();
      matched.set(r.trace_id, sets);
      order.push(r.trace_id);
    }
    const key = r.spanset ?? '';
    const m = sets.get(key) ?? [];
    m.push(r.span_id);
    sets.set(key, m);
  }
  if (order.length === 0) return { traces: [], metrics: { inspectedTraces, inspectedBytes: '0' } };

  const summaries = await tx.query<{ trace_id: string; start_ns: string; end_ns: string; root_service: string | null; root_name: string | null }>(
    `select trace_id::text, min(start_ns)::text as start_ns, max(end_ns)::text as end_ns, max(root_service) as root_service, max(root_name) as root_name
       from traces where tenant_id = $1 and trace_id = any($2::uuid[]) group by trace_id`,
    [tenantId, order],
  );
  const byId = new Map(summaries.map((s) => [s.trace_id, s]));
  let lo = BigInt(summaries[0].start_ns);
  let hi = BigInt(summaries[0].end_ns);
  for (const s of summaries) {
    if (BigInt(s.start_ns) < lo) lo = BigInt(s.start_ns);
    if (BigInt(s.end_ns) > hi) hi = BigInt(s.end_ns);
  }
  const bounds = [lo.toString(), hi.toString()];
  const [stats, spans] = await Promise.all([
    tx.query<{ trace_id: string; service_name: string; spans: number; errors: number }>(
      `select trace_id::text, service_name, count(*)::int as spans, count(*) filter (where status_code = 2)::int as errors
         from span_rows($1, $3::int8, $4::int8) where trace_id = any($2::uuid[])
        group by trace_id, service_name order by service_name`,
      [tenantId, order, ...bounds],
    ),
    tx.query<SpanRow>(
      `select s.trace_id::text, encode(s.span_id, 'hex') as span_id, s.start_ns::text, s.duration_ns::text, s.name, s.kind, s.status_code,
              s.status_message, s.attrs::text as attrs, r.attrs::text as r_attrs, s.events::text as events, s.links::text as links,
              sc.attrs::text as sc_attrs
         from span_rows($1, $3::int8, $4::int8) s left join resources r on r.tenant_id = s.tenant_id and r.resource_id = s.resource_id
         left join scopes sc on sc.tenant_id = s.tenant_id and sc.scope_id = s.scope_id
        where s.trace_id = any($2::uuid[])
        order by s.start_ns, s.span_id`,
      [tenantId, order, ...bounds],
    ),
  ]);
  const statsOf = new Map<string, FoundTraceSummary['serviceStats']>();
  for (const s of stats) {
    const m = statsOf.get(s.trace_id) ?? {};
    m[s.service_name] = s.errors ? { spanCount: s.spans, errorCount: s.errors } : { spanCount: s.spans };
    statsOf.set(s.trace_id, m);
  }
  const spansOf = new Map<string, SpanRow[]>();
  for (const s of spans) {
    const l = spansOf.get(s.trace_id) ?? [];
    l.push(s);
    spansOf.set(s.trace_id, l);
  }

  const traces = order.map((id): FoundTraceSummary => {
    const sum = byId.get(id);
    const sets = [...matched.get(id)!].map(([spanset, spanIds]): FoundSpanSet => {
      const ids = new Set(spanIds);
      const seen = new Set<string>();
      const picked = (spansOf.get(id) ?? []).filter((s) => ids.has(s.span_id) && !seen.has(s.span_id) && seen.add(s.span_id));
      const shown = spss === 0 ? picked : picked.slice(0, spss);
      const set: FoundSpanSet = { spans: shown.map((s) => spanOf(s, want)), matched: ids.size };
      if (spanset) set.attributes = spansetAttributes(spanset);
      return set;
    });
    const start = BigInt(sum?.start_ns ?? '0');
    const durMs = Number((BigInt(sum?.end_ns ?? '0') - start) / 1_000_000n);
    const t: FoundTraceSummary = {
      traceID: searchTraceId(id),
      rootServiceName: sum?.root_service || '<root span not yet received>',
      rootTraceName: sum?.root_name ?? '',
      startTimeUnixNano: start.toString(),
      spanSet: sets[0],
      spanSets: sets,
      serviceStats: statsOf.get(id) ?? {},
    };
    if (durMs > 0) t.durationMs = durMs;
    return t;
  });
  // Keep Tempo's field order (durationMs after startTimeUnixNano).
  const ordered = traces.map(({ traceID, rootServiceName, rootTraceName, startTimeUnixNano, durationMs, spanSet, spanSets, serviceStats }) => ({
    traceID,
    rootServiceName,
    rootTraceName,
    startTimeUnixNano,
    ...(durationMs === undefined ? {} : { durationMs }),
    spanSet,
    spanSets,
    serviceStats,
  }));
  let bytes = 0;
  for (const s of spans) bytes += (s.attrs?.length ?? 0) + 64;
  return { traces: ordered, metrics: { inspectedTraces, inspectedBytes: String(bytes) } };
}

function spanOf(s: SpanRow, want: SpanWanted): FoundSpan {
  const attributes: KeyValue[] = [];
  const read = attributeReader(s);
  for (const a of want.attributes) {
    const v = read(a.scope, a.key);
    if (v !== undefined && !attributes.some((x) => x.key === a.key)) attributes.push({ key: a.key, value: anyValueJson(v) });
  }
  if (want.status) attributes.push({ key: 'status', value: { stringValue: STATUS_NAMES[s.status_code] ?? 'unset' } });
  if (want.kind) attributes.push({ key: 'kind', value: { stringValue: KIND_NAMES[s.kind] ?? 'unspecified' } });
  if (want.statusMessage) attributes.push({ key: 'statusMessage', value: { stringValue: s.status_message ?? '' } });
  const out: FoundSpan = { spanID: s.span_id, startTimeUnixNano: s.start_ns, durationNanos: s.duration_ns, attributes };
  return want.name ? { spanID: s.span_id, name: s.name, startTimeUnixNano: s.start_ns, durationNanos: s.duration_ns, attributes } : out;
}
