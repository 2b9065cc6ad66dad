// A small in-memory TraceQL search evaluator over TracesData: the reference the SQL compiler's
// results are checked against. Written for tests, straight from the semantics in
// reference/tempo-api-and-traceql.md §2: per-trace evaluation; a pipeline passes a list of
// spansets from stage to stage (one per trace to start with; `by()` splits them, `coalesce()`
// merges them, filters, spanset operators and aggregates work on each); structure from parent
// links. Field semantics: evaluator-fields.ts; data model: evaluator-data.ts.
import type { Pipeline, PipelineStage, Query, ScalarExpr, SpansetExpr } from '@tracegres/traceql';
import { print } from '@tracegres/traceql';
import type { EvalSpan, EvalTrace } from './evaluator-data.ts';
import { type Val, anyNum, cmp, num, truth, valueOf } from './evaluator-fields.ts';

export { collectTraces, type EvalSpan, type EvalTrace } from './evaluator-data.ts';

/** A `by()` value: its type (as the search response types it) and value. */
export interface GroupValue {
  type: string;
  value: string | number | boolean | null;
}

/** A spanset: its spans and the `by()` values that made it. */
export interface EvalSpanset {
  spans: Set<EvalSpan>;
  by: { label: string; value: GroupValue }[];
}

function ancestors(s: EvalSpan, byId: Map<string, EvalSpan>): Set<string> {
  const out = new Set<string>();
  let p = s.parentSpanId;
  while (p && !out.has(p)) {
    out.add(p);
    p = byId.get(p)?.parentSpanId ?? '';
  }
  return out;
}

function related(op: string, b: EvalSpan, a: EvalSpan, byId: Map<string, EvalSpan>): boolean {
  switch (op) {
    case '>': return !!b.parentSpanId && a.spanId === b.parentSpanId;
    case '<': return !!a.parentSpanId && b.spanId === a.parentSpanId;
    case '~': return !!a.parentSpanId && a.parentSpanId === b.parentSpanId && a.spanId !== b.spanId;
    case '>>': return ancestors(b, byId).has(a.spanId);
    default: return ancestors(a, byId).has(b.spanId);
  }
}

/** Thrown where Tempo refuses: a spanset operator whose side produced several spansets. */
export class MultipleSpansetsError extends Error {}

function spansetExpr(e: SpansetExpr, input: EvalSpanset, t: EvalTrace): EvalSpanset[] {
  const keep = (spans: EvalSpan[]) => (spans.length ? [{ spans: new Set(spans), by: input.by }] : []);
  if (e.kind === 'spansetFilter') return keep([...input.spans].filter((s) => truth(e.expr, s, t)));
  if (e.kind === 'pipeline') return pipeline(e, [input], t);
  const ls = spansetExpr(e.lhs, input, t);
  const rs = spansetExpr(e.rhs, input, t);
  if (ls.length > 1 || rs.length > 1) throw new MultipleSpansetsError(print(e));
  const l = [...(ls[0]?.spans ?? [])];
  const r = [...(rs[0]?.spans ?? [])];
  if (e.op === '||') return keep([...new Set([...l, ...r])]);
  if (e.op === '&&') return l.length && r.length ? keep([...new Set([...l, ...r])]) : [];
  const byId = new Map(t.spans.map((s) => [s.spanId, s]));
  const base = e.op.replace(/^[!&]/, '');
  const rel = (b: EvalSpan) => l.some((a) => related(base, b, a, byId));
  if (e.op.startsWith('!')) return keep(r.filter((b) => !rel(b)));
  const right = r.filter(rel);
  if (e.op.startsWith('&')) return keep([...new Set([...right, ...l.filter((a) => r.some((b) => related(base, b, a, byId)))])]);
  return keep(right);
}

function scalar(e: ScalarExpr, set: Set<EvalSpan>, t: EvalTrace): number | undefined {
  switch (e.kind) {
    case 'static': return Number(e.value);
    case 'aggregate': {
      if (e.fn === 'count') return set.size;
      const xs = [...set].map((s) => num(valueOf(e.expr!, s, t))).filter((x): x is number => x !== undefined);
      if (xs.length === 0) return undefined;
      if (e.fn === 'sum') return xs.reduce((a, b) => a + b, 0);
      if (e.fn === 'avg') return xs.reduce((a, b) => a + b, 0) / xs.length;
      return e.fn === 'min' ? Math.min(...xs) : Math.max(...xs);
    }
    case 'scalarBinary': {
      const a = scalar(e.lhs, set, t);
      const b = scalar(e.rhs, set, t);
      if (a === undefined || b === undefined) return undefined;
      switch (e.op) {
        case '+': return a + b;
        case '-': return a - b;
        case '*': return a * b;
        case '/': return b === 0 ? undefined : a / b;
        case '%': return b === 0 ? undefined : a % b;
        default: return a ** b;
      }
    }
    default: throw new Error('evaluator: scalar pipeline');
  }
}

const STATUS_NAMES = ['unset', 'ok', 'error'];
const KIND_NAMES = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

/** The typed value a span is grouped by. */
export function groupValue(v: Val): GroupValue {
  if (!v) return { type: 'nil', value: null };
  switch (v.t) {
    case 'str': return { type: 'string', value: v.v };
    case 'bool': return { type: 'bool', value: v.v };
    case 'code': return { type: v.type, value: v.type === 'status' ? STATUS_NAMES[v.v] : KIND_NAMES[v.v] };
    case 'num': return { type: v.type, value: v.v };
    case 'any': {
      const a = v.v;
      if (a.type === 'string' || a.type === 'bool') return { type: a.type === 'bool' ? 'bool' : 'string', value: a.value };
      if (a.type === 'int') return { type: 'int', value: Number(a.value) };
      if (a.type === 'double' && Number.isFinite(a.value)) return { type: 'float', value: a.value };
      if (a.type === 'array') return { type: 'array', value: JSON.stringify(a.value.map((x) => (x.type === 'int' ? Number(x.value) : 'value' in x ? x.value : null))) };
      return { type: 'other', value: JSON.stringify(anyNum(a) ?? a.type) };
    }
  }
}

function stage(st: PipelineStage, input: EvalSpanset[], t: EvalTrace): EvalSpanset[] {
  switch (st.kind) {
    case 'spansetFilter':
    case 'spansetOp':
    case 'pipeline':
      return input.flatMap((ss) => spansetExpr(st, ss, t));
    case 'scalarFilter':
      return input.filter((ss) => {
        const a = scalar(st.lhs, ss.spans, t);
        const b = scalar(st.rhs, ss.spans, t);
        return a !== undefined && b !== undefined && ss.spans.size > 0 && cmp(a, st.op, b);
      });
    case 'groupBy':
      return input.flatMap((ss) => {
        const groups = new Map<string, EvalSpanset>();
        for (const s of ss.spans) {
          const value = groupValue(valueOf(st.expr, s, t));
          const key = JSON.stringify(value);
          let g = groups.get(key);
          if (!g) {
            g = { spans: new Set(), by: [...ss.by, { label: print(st), value }] };
            groups.set(key, g);
          }
          g.spans.add(s);
        }
        return [...groups.values()];
      });
    case 'coalesce': {
      const spans = new Set(input.flatMap((ss) => [...ss.spans]));
      return spans.size ? [{ spans, by: [] }] : [];
    }
    case 'select':
      return input;
  }
}

function pipeline(p: Pipeline, input: EvalSpanset[], t: EvalTrace): EvalSpanset[] {
  let cur = input;
  for (const st of p.stages) cur = stage(st, cur, t);
  return cur;
}

/** The spansets a trace yields (empty when it does not match). */
export function evaluateSpansets(q: Query, t: EvalTrace): EvalSpanset[] {
  if (q.body.kind !== 'pipeline') throw new Error('evaluator: metrics');
  return pipeline(q.body, [{ spans: new Set(t.spans), by: [] }], t).filter((ss) => ss.spans.size > 0);
}

/** The matched span ids of a trace (over all its spansets), or null when the trace does not match. */
export function evaluateTrace(q: Query, t: EvalTrace): Set<string> | null {
  const sets = evaluateSpansets(q, t);
  return sets.length ? new Set(sets.flatMap((ss) => [...ss.spans].map((s) => s.spanId))) : null;
}

/** Matching traces with their spansets, newest first (ties by trace id), at most `limit`. */
export function evaluateSearchSpansets(q: Query, traces: Iterable<EvalTrace>, limit = Infinity): { trace: EvalTrace; sets: EvalSpanset[] }[] {
  const hits: { trace: EvalTrace; sets: EvalSpanset[] }[] = [];
  for (const trace of traces) {
    const sets = evaluateSpansets(q, trace);
    if (sets.length) hits.push({ trace, sets });
  }
  hits.sort((a, b) => (a.trace.start === b.trace.start ? (a.trace.traceId < b.trace.traceId ? -1 : 1) : a.trace.start > b.trace.start ? -1 : 1));
  return hits.slice(0, limit);
}

/** Matching traces, newest first (ties by trace id), at most `limit`, with all matched span ids. */
export function evaluateSearch(q: Query, traces: Iterable<EvalTrace>, limit = Infinity): { traceId: string; spans: Set<string> }[] {
  return evaluateSearchSpansets(q, traces, limit).map((h) => ({
    traceId: h.trace.traceId,
    spans: new Set(h.sets.flatMap((ss) => [...ss.spans].map((s) => s.spanId))),
  }));
}
