// A small in-memory TraceQL search evaluator over TracesData: the reference the SQL compiler's
// results are checked against. Written for tests, straight from the semantics in
// reference/tempo-api-and-traceql.md §2 (per-trace evaluation, missing attribute => false,
// unscoped = span then resource, arrays match any element, `!=`/`!~` on arrays = none).
import type { AnyValue, KeyValue, TracesData } from '@tracegres/otlp';
import {
  type FieldExpr,
  type Pipeline,
  type PipelineStage,
  type Query,
  type ScalarExpr,
  type SpansetExpr,
  translateRegex,
} from '@tracegres/traceql';

export interface EvalSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  status: number;
  statusMessage: string;
  start: bigint;
  end: bigint;
  attrs: Map<string, AnyValue>;
  resource: Map<string, AnyValue>;
}

export interface EvalTrace {
  traceId: string;
  start: bigint;
  end: bigint;
  rootName: string;
  rootService: string;
  spans: EvalSpan[];
}

/** Groups spans of any number of TracesData by trace id. */
export function collectTraces(data: TracesData[]): Map<string, EvalTrace> {
  const out = new Map<string, EvalTrace>();
  const toMap = (kvs: KeyValue[]) => new Map(kvs.filter((k) => k.value.type !== 'empty').map((k) => [k.key, k.value]));
  for (const td of data) {
    for (const rs of td.resourceSpans) {
      const resource = toMap(rs.resource.attributes);
      for (const ss of rs.scopeSpans) {
        for (const s of ss.spans) {
          let t = out.get(s.traceId);
          if (!t) {
            t = { traceId: s.traceId, start: s.startTimeUnixNano, end: s.endTimeUnixNano, rootName: '', rootService: '', spans: [] };
            out.set(s.traceId, t);
          }
          if (s.startTimeUnixNano < t.start) t.start = s.startTimeUnixNano;
          if (s.endTimeUnixNano > t.end) t.end = s.endTimeUnixNano;
          if (s.parentSpanId === '') {
            t.rootName = s.name;
            const svc = resource.get('service.name');
            t.rootService = svc?.type === 'string' ? svc.value : 'unknown_service';
          }
          t.spans.push({
            traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId, name: s.name, kind: s.kind, status: s.status.code,
            statusMessage: s.status.message, start: s.startTimeUnixNano, end: s.endTimeUnixNano, attrs: toMap(s.attributes), resource,
          });
        }
      }
    }
  }
  return out;
}

type Val =
  | { t: 'str'; v: string }
  | { t: 'num'; v: number }
  | { t: 'bool'; v: boolean }
  | { t: 'code'; v: number }
  | { t: 'any'; v: AnyValue }
  | undefined;

const STATUS = { unset: 0, ok: 1, error: 2 } as const;
const KIND = { unspecified: 0, internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

function anyNum(a: AnyValue): number | undefined {
  if (a.type === 'int') return Number(a.value);
  if (a.type === 'double' && Number.isFinite(a.value)) return a.value;
  return undefined;
}

function val(e: FieldExpr, s: EvalSpan, t: EvalTrace): Val {
  switch (e.kind) {
    case 'static':
      switch (e.type) {
        case 'string': return { t: 'str', v: e.value };
        case 'int': case 'duration': return { t: 'num', v: Number(e.value) };
        case 'float': return { t: 'num', v: e.value };
        case 'bool': return { t: 'bool', v: e.value };
        case 'status': return { t: 'code', v: STATUS[e.value] };
        case 'kind': return { t: 'code', v: KIND[e.value] };
        case 'nil': return undefined;
      }
      break;
    case 'attribute': {
      const a = e.scope === 'span' ? s.attrs.get(e.name) : e.scope === 'resource' ? s.resource.get(e.name) : (s.attrs.get(e.name) ?? s.resource.get(e.name));
      return a ? { t: 'any', v: a } : undefined;
    }
    case 'intrinsic':
      switch (e.name) {
        case 'span:name': return { t: 'str', v: s.name };
        case 'span:status': return { t: 'code', v: s.status };
        case 'span:kind': return { t: 'code', v: s.kind };
        case 'span:statusMessage': return { t: 'str', v: s.statusMessage };
        case 'span:duration': return { t: 'num', v: Number(s.end - s.start) };
        case 'span:id': return { t: 'str', v: s.spanId };
        case 'span:parentID': return s.parentSpanId ? { t: 'str', v: s.parentSpanId } : undefined;
        case 'trace:duration': return { t: 'num', v: Number(t.end - t.start) };
        case 'trace:rootName': return t.rootName ? { t: 'str', v: t.rootName } : undefined;
        case 'trace:rootService': return t.rootService ? { t: 'str', v: t.rootService } : undefined;
        case 'trace:id': return { t: 'str', v: t.traceId.replace(/^0+/, '') };
      }
      throw new Error(`evaluator: intrinsic ${e.name}`);
    case 'unary':
      if (e.op === '!') return { t: 'bool', v: !truth(e.operand, s, t) };
      {
        const n = num(val(e.operand, s, t));
        return n === undefined ? undefined : { t: 'num', v: -n };
      }
    case 'binary': {
      if (['+', '-', '*', '/', '%', '^'].includes(e.op)) {
        const a = num(val(e.lhs, s, t));
        const b = num(val(e.rhs, s, t));
        if (a === undefined || b === undefined) return undefined;
        switch (e.op) {
          case '+': return { t: 'num', v: a + b };
          case '-': return { t: 'num', v: a - b };
          case '*': return { t: 'num', v: a * b };
          case '/': return b === 0 ? undefined : { t: 'num', v: a / b };
          case '%': return b === 0 ? undefined : { t: 'num', v: a % b };
          default: return { t: 'num', v: a ** b };
        }
      }
      return { t: 'bool', v: truth(e, s, t) };
    }
  }
  return undefined;
}

function num(v: Val): number | undefined {
  if (!v) return undefined;
  if (v.t === 'num') return v.v;
  if (v.t === 'any') return anyNum(v.v);
  return undefined;
}

function cmp<T extends string | number | boolean>(a: T, op: string, b: T): boolean {
  switch (op) {
    case '=': return a === b;
    case '!=': return a !== b;
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    default: return a >= b;
  }
}

/** Elements of an attribute value of one kind (the value itself when not an array). */
function elems(a: AnyValue, kind: 'str' | 'num' | 'bool'): (string | number | boolean)[] {
  const all = a.type === 'array' ? a.value : [a];
  const out: (string | number | boolean)[] = [];
  for (const x of all) {
    if (kind === 'str' && x.type === 'string') out.push(x.value);
    if (kind === 'bool' && x.type === 'bool') out.push(x.value);
    if (kind === 'num') {
      const n = anyNum(x);
      if (n !== undefined) out.push(n);
    }
  }
  return out;
}

const FLIP: Record<string, string> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=' };

/** Whether a field expression holds for span s. */
export function truth(e: FieldExpr, s: EvalSpan, t: EvalTrace): boolean {
  if (e.kind === 'static') return e.type === 'bool' && e.value;
  if (e.kind === 'attribute') {
    const v = val(e, s, t);
    return v?.t === 'any' && v.v.type === 'bool' && v.v.value;
  }
  if (e.kind === 'unary') return e.op === '!' ? !truth(e.operand, s, t) : false;
  if (e.kind !== 'binary') return false;
  if (e.op === '&&') return truth(e.lhs, s, t) && truth(e.rhs, s, t);
  if (e.op === '||') return truth(e.lhs, s, t) || truth(e.rhs, s, t);
  if (e.op === '=~' || e.op === '!~') {
    const pat = e.rhs.kind === 'static' && e.rhs.type === 'string' ? e.rhs.value : '';
    const tr = translateRegex(pat);
    const re = new RegExp(`^(?:${tr.source})$`, tr.flags);
    const v = val(e.lhs, s, t);
    if (!v) return false;
    const xs = v.t === 'any' ? (elems(v.v, 'str') as string[]) : v.t === 'str' ? [v.v] : [];
    if (xs.length === 0) return false;
    return e.op === '=~' ? xs.some((x) => re.test(x)) : !xs.some((x) => re.test(x));
  }
  let l = val(e.lhs, s, t);
  let r = val(e.rhs, s, t);
  let op: string = e.op;
  const nilL = e.lhs.kind === 'static' && e.lhs.type === 'nil';
  const nilR = e.rhs.kind === 'static' && e.rhs.type === 'nil';
  if (nilL || nilR) {
    const other = nilL ? r : l;
    return op === '=' ? other === undefined : other !== undefined;
  }
  if (!l || !r) return false;
  if (r.t === 'any' && l.t !== 'any') {
    [l, r] = [r, l];
    op = FLIP[op] ?? op;
  }
  if (l.t === 'bool' && r.t === 'bool') return cmp(l.v, op, r.v);
  if (l.t === 'any') {
    if (r.t === 'any' || r.t === 'code') return false;
    const xs = elems(l.v, r.t);
    if (xs.length === 0) return false;
    if (op === '!=') return !xs.some((x) => x === r.v);
    return xs.some((x) => cmp(x, op, r.v));
  }
  if (l.t !== r.t) return false;
  return cmp(l.v, op, r.v as never);
}

type SpanSet = Set<EvalSpan>;

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

function spanset(e: SpansetExpr, input: SpanSet, t: EvalTrace): SpanSet {
  if (e.kind === 'spansetFilter') return new Set([...input].filter((s) => truth(e.expr, s, t)));
  if (e.kind === 'pipeline') return pipeline(e, input, t);
  const l = spanset(e.lhs, input, t);
  const r = spanset(e.rhs, input, t);
  if (e.op === '||') return new Set([...l, ...r]);
  if (e.op === '&&') return l.size && r.size ? new Set([...l, ...r]) : new Set();
  const byId = new Map(t.spans.map((s) => [s.spanId, s]));
  const base = e.op.replace(/^[!&]/, '');
  const rel = (b: EvalSpan) => [...l].some((a) => related(base, b, a, byId));
  if (e.op.startsWith('!')) return new Set([...r].filter((b) => !rel(b)));
  const right = [...r].filter(rel);
  if (e.op.startsWith('&')) return new Set([...right, ...[...l].filter((a) => [...r].some((b) => related(base, b, a, byId)))]);
  return new Set(right);
}

function scalar(e: ScalarExpr, set: SpanSet, t: EvalTrace): number | undefined {
  switch (e.kind) {
    case 'static': return Number(e.value);
    case 'aggregate': {
      if (e.fn === 'count') return set.size;
      const xs = [...set].map((s) => num(val(e.expr!, s, t))).filter((x): x is number => x !== undefined);
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

function stage(st: PipelineStage, input: SpanSet, t: EvalTrace): SpanSet {
  if (st.kind === 'scalarFilter') {
    const a = scalar(st.lhs, input, t);
    const b = scalar(st.rhs, input, t);
    return a !== undefined && b !== undefined && input.size > 0 && cmp(a, st.op, b) ? input : new Set();
  }
  if (st.kind === 'spansetFilter' || st.kind === 'spansetOp' || st.kind === 'pipeline') return spanset(st, input, t);
  if (st.kind === 'select') return input;
  throw new Error(`evaluator: ${st.kind}`);
}

function pipeline(p: Pipeline, input: SpanSet, t: EvalTrace): SpanSet {
  let cur = input;
  for (const st of p.stages) cur = stage(st, cur, t);
  return cur;
}

/** The matched span ids of a trace, or null when the trace does not match. */
export function evaluateTrace(q: Query, t: EvalTrace): Set<string> | null {
  if (q.body.kind !== 'pipeline') throw new Error('evaluator: metrics');
  const out = pipeline(q.body, new Set(t.spans), t);
  return out.size ? new Set([...out].map((s) => s.spanId)) : null;
}

/** Matching traces, newest first (ties by trace id), at most `limit`. */
export function evaluateSearch(q: Query, traces: Iterable<EvalTrace>, limit = Infinity): { traceId: string; spans: Set<string> }[] {
  const hits: { t: EvalTrace; spans: Set<string> }[] = [];
  for (const t of traces) {
    const m = evaluateTrace(q, t);
    if (m) hits.push({ t, spans: m });
  }
  hits.sort((a, b) => (a.t.start === b.t.start ? (a.t.traceId < b.t.traceId ? -1 : 1) : a.t.start > b.t.start ? -1 : 1));
  return hits.slice(0, limit).map((h) => ({ traceId: h.t.traceId, spans: h.spans }));
}
