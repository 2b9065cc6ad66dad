/**
 * Attributes and intrinsics as SQL over one row `s` of the search's `sp` relation, for every scope.
 *
 * Span, resource and instrumentation-scope attributes have one value per span. Events and links
 * are lists stored inline (`s.events`: `[{"t":ns since span start,"n":name,"a":{attrs}}]`,
 * `s.links`: `[{"t":trace hex,"s":span hex,"a":{attrs}}]`), so a reference to them has one value
 * per event or link. Their meaning depends on where they appear:
 * - in a condition ({@link quantify}), "any event of the span": the condition holds if it holds for
 *   some event, every event reference of one comparison reading the same event (likewise links);
 * - where one value is needed (aggregates, `by()`), the first event or link that has it.
 * Unscoped `.x` is looked up as Tempo does: span, then resource, then events, links and the
 * instrumentation scope; the first of those that has the key decides.
 */
import type { Attribute, FieldExpr, Intrinsic } from './ast.ts';
import { type Params, type Value, unsupported } from './compile-params.ts';

/** Which event, link or source each quantified reference of one condition reads. */
export interface Bindings {
  /** SQL of the chosen event element (jsonb). */
  event?: string;
  /** SQL of the chosen link element (jsonb). */
  link?: string;
  /** The source chosen for each unscoped attribute (jsonb, NULL when absent). */
  unscoped?: Map<Attribute, string>;
}

/** Hex of a uuid trace id without dashes, leading zeros stripped (Tempo's search form). */
const TRACE_ID_HEX = `ltrim(replace(s.trace_id::text, '-', ''), '0')`;

/** JSON null encodes an empty value: treat it as absent. */
const present = (json: string) => `nullif(${json}, 'null'::jsonb)`;

/** The value of key `k` in the first element of `list` that has it. */
const firstWith = (list: string, k: string, p: Params) => {
  const a = p.alias('f');
  return `(select ${present(`${a}.v -> 'a' -> ${k}`)} from jsonb_array_elements(${list}) with ordinality as ${a}(v, n) where ${present(`${a}.v -> 'a' -> ${k}`)} is not null order by ${a}.n limit 1)`;
};

/** An attribute's jsonb (NULL when absent). */
export function attributeSql(e: Attribute, p: Params, b: Bindings | null): string {
  if (e.parent) unsupported('parent scope', e);
  const key = () => p.add(e.name, 'text');
  switch (e.scope) {
    case 'span':
      return present(`s.attrs -> ${key()}`);
    case 'resource':
      return present(`s.r_attrs -> ${key()}`);
    case 'instrumentation':
      p.uses.add('scope');
      return present(`s.sc_attrs -> ${key()}`);
    case 'event':
      p.uses.add('events');
      return b?.event ? present(`${b.event} -> 'a' -> ${key()}`) : firstWith('s.events', key(), p);
    case 'link':
      p.uses.add('links');
      return b?.link ? present(`${b.link} -> 'a' -> ${key()}`) : firstWith('s.links', key(), p);
    case 'unscoped': {
      const bound = b?.unscoped?.get(e);
      if (bound) return bound;
      const k = key();
      useAllScopes(p);
      const sources = [present(`s.attrs -> ${k}`), present(`s.r_attrs -> ${k}`), firstWith('s.events', k, p), firstWith('s.links', k, p), present(`s.sc_attrs -> ${k}`)];
      return `coalesce(${sources.join(', ')})`;
    }
  }
}

function useAllScopes(p: Params): void {
  p.uses.add('events');
  p.uses.add('links');
  p.uses.add('scope');
}

/** An intrinsic's value. Event and link intrinsics read the bound element, else the first one. */
export function intrinsicValue(e: Intrinsic, p: Params, b: Bindings | null): Value {
  const ev = () => {
    p.uses.add('events');
    return b?.event ?? `(s.events -> 0)`;
  };
  const lk = () => {
    p.uses.add('links');
    return b?.link ?? `(s.links -> 0)`;
  };
  switch (e.name) {
    case 'span:name':
      return { t: 'text', sql: 's.name' };
    case 'span:status':
      return { t: 'code', sql: 's.status_code' };
    case 'span:kind':
      return { t: 'code', sql: 's.kind' };
    case 'span:statusMessage':
      return { t: 'text', sql: `coalesce(s.status_message, '')` };
    case 'span:duration':
      return { t: 'num', sql: 's.duration_ns::numeric' };
    case 'span:id':
      return { t: 'text', sql: `encode(s.span_id, 'hex')` };
    case 'span:parentID':
      return { t: 'text', sql: `encode(s.parent_span_id, 'hex')` };
    case 'trace:duration':
      return { t: 'num', sql: '(s.t_end_ns - s.t_start_ns)::numeric' };
    case 'trace:rootName':
      return { t: 'text', sql: 's.t_root_name' };
    case 'trace:rootService':
      return { t: 'text', sql: 's.t_root_service' };
    case 'trace:id':
      return { t: 'text', sql: TRACE_ID_HEX };
    case 'event:name':
      return { t: 'text', sql: `(${ev()} ->> 'n')` };
    case 'event:timeSinceStart':
      return { t: 'num', sql: `(${ev()} ->> 't')::numeric` };
    case 'link:traceID':
      return { t: 'text', sql: `(${lk()} ->> 't')` };
    case 'link:spanID':
      return { t: 'text', sql: `(${lk()} ->> 's')` };
    case 'instrumentation:name':
      p.uses.add('scope');
      return { t: 'text', sql: 's.sc_name' };
    case 'instrumentation:version':
      p.uses.add('scope');
      return { t: 'text', sql: `coalesce(s.sc_version, '')` };
    default:
      return unsupported(`intrinsic ${e.name}`, e);
  }
}

interface Refs {
  event: boolean;
  link: boolean;
  unscoped: Attribute[];
}

function refsOf(e: FieldExpr, out: Refs = { event: false, link: false, unscoped: [] }): Refs {
  switch (e.kind) {
    case 'attribute':
      if (e.scope === 'event') out.event = true;
      else if (e.scope === 'link') out.link = true;
      else if (e.scope === 'unscoped') out.unscoped.push(e);
      break;
    case 'intrinsic':
      if (e.name.startsWith('event:')) out.event = true;
      if (e.name.startsWith('link:')) out.link = true;
      break;
    case 'unary':
      refsOf(e.operand, out);
      break;
    case 'binary':
      refsOf(e.lhs, out);
      refsOf(e.rhs, out);
      break;
  }
  return out;
}

/**
 * A condition over `e`'s references, existentially quantified over the events and links they
 * read, with each unscoped attribute resolved to the first scope that has it. `build` compiles
 * the condition for one choice; its result must never be SQL NULL.
 */
export function quantify(e: FieldExpr, p: Params, build: (b: Bindings) => string): string {
  return expand(refsOf(e), p, build, {});
}

function expand(r: Refs, p: Params, build: (b: Bindings) => string, b: Bindings): string {
  if (r.event && !b.event) {
    p.uses.add('events');
    const a = p.alias('ev');
    return `coalesce(exists (select 1 from jsonb_array_elements(s.events) as ${a}(v) where ${expand(r, p, build, { ...b, event: `${a}.v` })}), false)`;
  }
  if (r.link && !b.link) {
    p.uses.add('links');
    const a = p.alias('lk');
    return `coalesce(exists (select 1 from jsonb_array_elements(s.links) as ${a}(v) where ${expand(r, p, build, { ...b, link: `${a}.v` })}), false)`;
  }
  const next = r.unscoped.find((x) => !b.unscoped?.has(x));
  if (!next) return build(b);
  if (next.parent) unsupported('parent scope', next);
  useAllScopes(p);
  const k = p.add(next.name, 'text');
  const using = (src: string) => expand(r, p, build, { ...b, unscoped: new Map(b.unscoped).set(next, src) });
  const span = present(`s.attrs -> ${k}`);
  const res = present(`s.r_attrs -> ${k}`);
  const anyOf = (list: string) => {
    const a = p.alias('u');
    const v = present(`${a}.v -> 'a' -> ${k}`);
    return {
      has: `exists (select 1 from jsonb_array_elements(${list}) as ${a}(v) where ${v} is not null)`,
      test: `coalesce(exists (select 1 from jsonb_array_elements(${list}) as ${a}(v) where ${v} is not null and ${using(v)}), false)`,
    };
  };
  const ev = anyOf('s.events');
  const lk = anyOf('s.links');
  return (
    `(case when ${span} is not null then ${using(span)} when ${res} is not null then ${using(res)} ` +
    `when ${ev.has} then ${ev.test} when ${lk.has} then ${lk.test} else ${using(present(`s.sc_attrs -> ${k}`))} end)`
  );
}
