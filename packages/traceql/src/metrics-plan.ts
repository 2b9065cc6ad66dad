/**
 * The plan of a TraceQL metrics query: what the SQL compiler and the executor need, read off a
 * validated AST. Only the shapes Tracegres evaluates are accepted; everything else throws
 * TraceQLUnsupportedError naming the construct (the API answers 400).
 *
 * The span filter of a metrics query is a pipeline of spanset filters (`{a} | {b}` means a span
 * matching both, `{a} || {b}` one matching either), so it is a per-span condition. Trace-level
 * spanset operations (`&&`, structural operators, scalar filters) are not evaluated yet.
 */
import type { AttributeRef, FieldExpr, MetricsFn, MetricsQuery, Pipeline, PipelineStage, Query, SecondStage, SpansetExpr } from './ast.ts';
import { INTRINSICS } from './ast.ts';
import { TraceQLUnsupportedError } from './errors.ts';
import { printAttributeRef } from './print.ts';

/** How a group-by value comes back from SQL (as text) and becomes a typed label. */
export type MetricsColumnKind =
  /** typed jsonb text of an attribute value (see packages/schema codec/attr-json.ts) */
  | 'json'
  /** plain text */
  | 'text'
  /** span status code (0 unset, 1 ok, 2 error) */
  | 'status'
  /** span kind code (0 unspecified … 5 consumer) */
  | 'kind'
  /** nanoseconds; the label is a Go duration string as Tempo writes it */
  | 'duration';

/** One `by (…)` attribute: its label name (the TraceQL spelling) and value kind. */
export interface MetricsColumn {
  ref: AttributeRef;
  label: string;
  kind: MetricsColumnKind;
}

/** The plan of one metrics query. */
export interface MetricsPlan {
  fn: MetricsFn | 'compare';
  /** Span conditions, all of which must hold (each an OR of alternatives). */
  filters: FieldExpr[];
  /** The aggregated attribute of `*_over_time(attr)` and `quantile_over_time`. */
  value: AttributeRef | null;
  /** Values of duration type are reported in seconds, as Tempo does. */
  valueIsDuration: boolean;
  quantiles: number[];
  by: MetricsColumn[];
  second: SecondStage[];
  /** compare(): the selection condition, top values per attribute, optional selection window. */
  compare: { selection: FieldExpr; topN: number; startNs: bigint | null; endNs: bigint | null } | null;
  /** `with(exemplars=…)`: a count, `false` = none, `true`/absent = the request's (null). */
  exemplarsHint: number | null;
}

const unsupported = (construct: string, at: { pos: { line: number; col: number } }, detail?: string): never => {
  throw new TraceQLUnsupportedError(construct, at.pos, detail);
};

/** Intrinsics usable in `by (…)` and how their values come back. */
const BY_INTRINSICS: Partial<Record<keyof typeof INTRINSICS, MetricsColumnKind>> = {
  'span:name': 'text',
  'span:status': 'status',
  'span:statusMessage': 'text',
  'span:kind': 'kind',
  'span:duration': 'duration',
  'span:id': 'text',
  'span:parentID': 'text',
  'trace:id': 'text',
  'trace:rootName': 'text',
  'trace:rootService': 'text',
  'trace:duration': 'duration',
  'instrumentation:name': 'text',
  'instrumentation:version': 'text',
  'event:name': 'text',
  'event:timeSinceStart': 'duration',
  'link:traceID': 'text',
  'link:spanID': 'text',
};

/** Intrinsics `*_over_time()` can aggregate: the durations (reported in seconds). */
const VALUE_INTRINSICS = new Set(['span:duration', 'trace:duration', 'event:timeSinceStart']);

function column(ref: AttributeRef): MetricsColumn {
  const label = printAttributeRef(ref);
  if (ref.kind === 'attribute') {
    if (ref.parent) unsupported('parent scope', ref);
    return { ref, label, kind: 'json' };
  }
  const kind = BY_INTRINSICS[ref.name];
  if (!kind) return unsupported(`intrinsic ${ref.name} in by()`, ref);
  return { ref, label, kind };
}

/** `{a} | {b} | select(…)` -> [a, b]; `{a} || {b}` -> [a || b]. */
function spanConditions(pl: Pipeline): FieldExpr[] {
  const out: FieldExpr[] = [];
  const stage = (st: PipelineStage): void => {
    switch (st.kind) {
      case 'select':
        return; // only changes what search shows
      case 'pipeline':
        for (const s of st.stages) stage(s);
        return;
      case 'spansetFilter':
      case 'spansetOp':
        out.push(orOfFilters(st));
        return;
      case 'scalarFilter':
        return unsupported('scalar filters in metrics queries', st);
      case 'groupBy':
        return unsupported('by() in the spanset part of metrics queries', st);
      case 'coalesce':
        return unsupported('coalesce() in metrics queries', st);
    }
  };
  for (const st of pl.stages) stage(st);
  return out;
}

function orOfFilters(e: SpansetExpr): FieldExpr {
  if (e.kind === 'spansetFilter') return e.expr;
  if (e.kind === 'spansetOp' && e.op === '||') {
    return { kind: 'binary', op: '||', lhs: orOfFilters(e.lhs), rhs: orOfFilters(e.rhs), pos: e.pos, opPos: e.opPos };
  }
  const what = e.kind === 'pipeline' ? 'nested pipelines' : `spanset operator ${e.op}`;
  return unsupported(`${what} in metrics queries`, e);
}

function exemplarsHint(q: Query): number | null {
  let n: number | null = null;
  for (const h of q.hints) {
    if (h.name !== 'exemplars') continue;
    if (h.value.type === 'bool') n = h.value.value ? null : 0;
    else if (h.value.type === 'int') n = Number(h.value.value > 1_000_000n ? 1_000_000n : h.value.value);
  }
  return n;
}

/**
 * The plan of a validated metrics query. Throws TraceQLUnsupportedError for metrics arithmetic,
 * trace-level spanset operations, and attributes or intrinsics Tracegres cannot group by.
 * Sampling hints are accepted and ignored: answers are always computed from every span.
 */
export function planMetrics(q: Query): MetricsPlan {
  if (q.body.kind === 'pipeline') return unsupported('a search query on the metrics API', q.body, 'add a metrics function, e.g. `| rate()`');
  if (q.body.kind === 'metricsBinary') return unsupported('metrics arithmetic', { pos: q.body.opPos });
  const m: MetricsQuery = q.body;
  const filters = spanConditions(m.pipeline);
  const base = { filters, second: m.second, exemplarsHint: exemplarsHint(q) };
  const f = m.first;
  if (f.kind === 'compare') {
    const compare = { selection: f.filter.expr, topN: Number(f.topN ?? 10n), startNs: f.start || null, endNs: f.end || null };
    return { ...base, fn: 'compare', value: null, valueIsDuration: false, quantiles: [], by: [], compare };
  }
  const value = f.attr;
  if (value?.kind === 'attribute' && value.parent) unsupported('parent scope', value);
  if (value?.kind === 'intrinsic' && !VALUE_INTRINSICS.has(value.name)) unsupported(`intrinsic ${value.name} in ${f.fn}()`, value);
  const valueIsDuration = value?.kind === 'intrinsic';
  return { ...base, fn: f.fn, value, valueIsDuration, quantiles: f.quantiles, by: f.by.map(column), compare: null };
}
