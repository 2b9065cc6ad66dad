// Field expressions (the inside of `{ }`, `by()`, aggregate arguments) evaluated on one span, for
// the reference evaluator. Semantics, from reference/tempo-api-and-traceql.md §2 and Tempo's
// attribute lookup:
// - a missing attribute makes a comparison false; `= nil` / `!= nil` test presence;
// - arrays: `=`, `=~`, `<`… hold if some element does; `!=` / `!~` if elements of the type exist
//   and none is equal / matches;
// - event and link attributes: a condition holds if it holds for some event (some link); all event
//   references of one comparison read the same event. Where one value is needed (by(),
//   aggregates) the first event or link that has the attribute is read;
// - unscoped `.x`: span, then resource, then events, links, instrumentation scope — the first of
//   these holding x decides (in a condition, any of its events/links may satisfy it).
import type { AnyValue } from '@tracegres/otlp';
import { type Attribute, type FieldExpr, translateRegex } from '@tracegres/traceql';
import type { EvalEvent, EvalLink, EvalSpan, EvalTrace } from './evaluator-data.ts';

export type Val =
  | { t: 'str'; v: string }
  | { t: 'num'; v: number; type: 'int' | 'float' | 'duration' | 'number' }
  | { t: 'bool'; v: boolean }
  | { t: 'code'; v: number; type: 'status' | 'kind' }
  | { t: 'any'; v: AnyValue }
  | undefined;

/** The event, link and unscoped sources one condition reads; null = "first one" lookups. */
interface Choice {
  event?: EvalEvent;
  link?: EvalLink;
  unscoped: Map<Attribute, AnyValue | undefined>;
}

const STATUS = { unset: 0, ok: 1, error: 2 } as const;
const KIND = { unspecified: 0, internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

export function anyNum(a: AnyValue): number | undefined {
  if (a.type === 'int') return Number(a.value);
  if (a.type === 'double' && Number.isFinite(a.value)) return a.value;
  return undefined;
}

const firstWith = (items: { attrs: Map<string, AnyValue> }[], k: string) => items.find((x) => x.attrs.has(k))?.attrs.get(k);

function attribute(e: Attribute, s: EvalSpan, c: Choice | null): AnyValue | undefined {
  switch (e.scope) {
    case 'span': return s.attrs.get(e.name);
    case 'resource': return s.resource.get(e.name);
    case 'instrumentation': return s.scope.attrs.get(e.name);
    case 'event': return c?.event ? c.event.attrs.get(e.name) : firstWith(s.events, e.name);
    case 'link': return c?.link ? c.link.attrs.get(e.name) : firstWith(s.links, e.name);
    case 'unscoped':
      if (c?.unscoped.has(e)) return c.unscoped.get(e);
      return s.attrs.get(e.name) ?? s.resource.get(e.name) ?? firstWith(s.events, e.name) ?? firstWith(s.links, e.name) ?? s.scope.attrs.get(e.name);
  }
}

/** The value of `e` on span `s`; `c` fixes event/link/unscoped sources inside a condition. */
export function valueOf(e: FieldExpr, s: EvalSpan, t: EvalTrace, c: Choice | null = null): Val {
  switch (e.kind) {
    case 'static':
      switch (e.type) {
        case 'string': return { t: 'str', v: e.value };
        case 'int': return { t: 'num', v: Number(e.value), type: 'int' };
        case 'duration': return { t: 'num', v: Number(e.value), type: 'duration' };
        case 'float': return { t: 'num', v: e.value, type: 'float' };
        case 'bool': return { t: 'bool', v: e.value };
        case 'status': return { t: 'code', v: STATUS[e.value], type: 'status' };
        case 'kind': return { t: 'code', v: KIND[e.value], type: 'kind' };
        case 'nil': return undefined;
      }
      break;
    case 'attribute': {
      const a = attribute(e, s, c);
      return a ? { t: 'any', v: a } : undefined;
    }
    case 'intrinsic': {
      const ev = c?.event ?? s.events[0];
      const lk = c?.link ?? s.links[0];
      const str = (v: string | undefined): Val => (v === undefined ? undefined : { t: 'str', v });
      const dur = (v: bigint | undefined): Val => (v === undefined ? undefined : { t: 'num', v: Number(v), type: 'duration' });
      switch (e.name) {
        case 'span:name': return str(s.name);
        case 'span:status': return { t: 'code', v: s.status, type: 'status' };
        case 'span:kind': return { t: 'code', v: s.kind, type: 'kind' };
        case 'span:statusMessage': return str(s.statusMessage);
        case 'span:duration': return dur(s.end - s.start);
        case 'span:id': return str(s.spanId);
        case 'span:parentID': return str(s.parentSpanId || undefined);
        case 'trace:duration': return dur(t.end - t.start);
        case 'trace:rootName': return str(t.rootName || undefined);
        case 'trace:rootService': return str(t.rootService || undefined);
        case 'trace:id': return str(t.traceId.replace(/^0+/, ''));
        case 'event:name': return str(ev?.name);
        case 'event:timeSinceStart': return dur(ev?.sinceStart);
        case 'link:traceID': return str(lk?.traceId);
        case 'link:spanID': return str(lk?.spanId);
        case 'instrumentation:name': return str(s.scope.name);
        case 'instrumentation:version': return str(s.scope.version);
      }
      throw new Error(`evaluator: intrinsic ${e.name}`);
    }
    case 'unary':
      if (e.op === '!') return { t: 'bool', v: !truth(e.operand, s, t) };
      {
        const n = num(valueOf(e.operand, s, t, c));
        return n === undefined ? undefined : { t: 'num', v: -n, type: 'number' };
      }
    case 'binary': {
      if (!['+', '-', '*', '/', '%', '^'].includes(e.op)) return { t: 'bool', v: truth(e, s, t) };
      const a = num(valueOf(e.lhs, s, t, c));
      const b = num(valueOf(e.rhs, s, t, c));
      if (a === undefined || b === undefined) return undefined;
      // Results without a finite value (0 ^ -1, (-8) ^ 0.5) are nil, like division by zero.
      const r = (v: number): Val => (Number.isFinite(v) ? { t: 'num', v, type: 'number' } : undefined);
      switch (e.op) {
        case '+': return r(a + b);
        case '-': return r(a - b);
        case '*': return r(a * b);
        case '/': return b === 0 ? undefined : r(a / b);
        case '%': return b === 0 ? undefined : r(a % b);
        default: return r(a ** b);
      }
    }
  }
  return undefined;
}

export function num(v: Val): number | undefined {
  if (!v) return undefined;
  if (v.t === 'num') return v.v;
  if (v.t === 'any') return anyNum(v.v);
  return undefined;
}

/** A TraceQL comparison operator applied to two values of one type. */
export function cmp<T extends string | number | boolean>(a: T, op: string, b: T): boolean {
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

/** A scalar attribute as a comparable value, or undefined for arrays and other values. */
function scalarOf(a: AnyValue): string | number | boolean | undefined {
  if (a.type === 'string' || a.type === 'bool') return a.value;
  return anyNum(a);
}

const FLIP: Record<string, string> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=' };

/** A comparison, regex or bare attribute under one choice of sources. */
function leaf(e: FieldExpr, s: EvalSpan, t: EvalTrace, c: Choice): boolean {
  if (e.kind === 'attribute') {
    const v = attribute(e, s, c);
    return v?.type === 'bool' && v.value;
  }
  if (e.kind !== 'binary') return false;
  if (e.op === '=~' || e.op === '!~') {
    const pat = e.rhs.kind === 'static' && e.rhs.type === 'string' ? e.rhs.value : '';
    const tr = translateRegex(pat);
    const re = new RegExp(`^(?:${tr.source})$`, tr.flags);
    const v = valueOf(e.lhs, s, t, c);
    if (!v) return false;
    const xs = v.t === 'any' ? (elems(v.v, 'str') as string[]) : v.t === 'str' ? [v.v] : [];
    if (xs.length === 0) return false;
    return e.op === '=~' ? xs.some((x) => re.test(x)) : !xs.some((x) => re.test(x));
  }
  let l = valueOf(e.lhs, s, t, c);
  let r = valueOf(e.rhs, s, t, c);
  let op: string = e.op;
  if (!l || !r) return false;
  if (r.t === 'any' && l.t !== 'any') {
    [l, r] = [r, l];
    op = FLIP[op] ?? op;
  }
  if (l.t === 'bool' && r.t === 'bool') return cmp(l.v, op, r.v);
  if (l.t === 'any') {
    if (r.t === 'any') {
      const a = scalarOf(l.v);
      const b = scalarOf(r.v);
      return a !== undefined && b !== undefined && typeof a === typeof b && cmp(a, op, b as typeof a);
    }
    if (r.t === 'code') return false;
    const xs = elems(l.v, r.t);
    if (xs.length === 0) return false;
    if (op === '!=') return !xs.some((x) => x === r.v);
    return xs.some((x) => cmp(x, op, r.v));
  }
  if (l.t !== r.t) return false;
  return cmp(l.v, op, r.v as never);
}

/** Event/link/unscoped references of one comparison. */
function refs(e: FieldExpr, out = { event: false, link: false, unscoped: [] as Attribute[] }) {
  if (e.kind === 'attribute') {
    if (e.scope === 'event') out.event = true;
    if (e.scope === 'link') out.link = true;
    if (e.scope === 'unscoped') out.unscoped.push(e);
  } else if (e.kind === 'intrinsic') {
    if (e.name.startsWith('event:')) out.event = true;
    if (e.name.startsWith('link:')) out.link = true;
  } else if (e.kind === 'unary') refs(e.operand, out);
  else if (e.kind === 'binary') {
    refs(e.lhs, out);
    refs(e.rhs, out);
  }
  return out;
}

/** The values an unscoped attribute may take in a condition: the first scope holding it decides. */
function unscopedCandidates(a: Attribute, s: EvalSpan): (AnyValue | undefined)[] {
  const one = s.attrs.get(a.name) ?? s.resource.get(a.name);
  if (one) return [one];
  for (const items of [s.events, s.links]) {
    const vs = items.map((x) => x.attrs.get(a.name)).filter((v) => v !== undefined);
    if (vs.length) return vs;
  }
  return [s.scope.attrs.get(a.name)];
}

/** Whether `test` holds for some choice of the events, links and unscoped sources `e` reads. */
function exists(e: FieldExpr, s: EvalSpan, test: (c: Choice) => boolean): boolean {
  const r = refs(e);
  const events: (EvalEvent | undefined)[] = r.event ? s.events : [undefined];
  const links: (EvalLink | undefined)[] = r.link ? s.links : [undefined];
  const pick = (i: number, m: Map<Attribute, AnyValue | undefined>, ev?: EvalEvent, lk?: EvalLink): boolean => {
    if (i === r.unscoped.length) return test({ event: ev, link: lk, unscoped: m });
    return unscopedCandidates(r.unscoped[i], s).some((v) => pick(i + 1, new Map(m).set(r.unscoped[i], v), ev, lk));
  };
  return events.some((ev) => links.some((lk) => pick(0, new Map(), ev, lk)));
}

const isNil = (e: FieldExpr) => e.kind === 'static' && e.type === 'nil';

/** Boolean literals, `!x` and comparisons/logic: compared as booleans, not per event. */
function isBoolValued(e: FieldExpr): boolean {
  if (e.kind === 'static') return e.type === 'bool';
  if (e.kind === 'unary') return e.op === '!';
  return e.kind === 'binary' && !['+', '-', '*', '/', '%', '^'].includes(e.op);
}

/** Whether a field expression holds for span s. */
export function truth(e: FieldExpr, s: EvalSpan, t: EvalTrace): boolean {
  switch (e.kind) {
    case 'static': return e.type === 'bool' && e.value;
    case 'intrinsic': return false;
    case 'attribute': return exists(e, s, (c) => leaf(e, s, t, c));
    case 'unary': return e.op === '!' ? !truth(e.operand, s, t) : false;
    case 'binary':
      if (e.op === '&&') return truth(e.lhs, s, t) && truth(e.rhs, s, t);
      if (e.op === '||') return truth(e.lhs, s, t) || truth(e.rhs, s, t);
      if ((e.op === '=' || e.op === '!=') && isBoolValued(e.lhs) && isBoolValued(e.rhs)) {
        return (truth(e.lhs, s, t) === truth(e.rhs, s, t)) === (e.op === '=');
      }
      if (isNil(e.lhs) || isNil(e.rhs)) {
        const other = isNil(e.lhs) ? e.rhs : e.lhs;
        if (isNil(other)) return e.op === '=';
        const present = exists(other, s, (c) => valueOf(other, s, t, c) !== undefined);
        return e.op === '=' ? !present : present;
      }
      return exists(e, s, (c) => leaf(e, s, t, c));
  }
}
