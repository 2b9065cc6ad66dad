/**
 * Field expressions (the inside of `{ }`) compiled to SQL over one row of the search's `sp` CTE,
 * alias `s`: span columns plus `r_attrs` (its resource's attributes), `t_start_ns`, `t_end_ns`,
 * `t_root_name`, `t_root_service` (its trace's summary) and, when `Params.uses` says so, `events`,
 * `links`, `sc_name`, `sc_version`, `sc_attrs` (its instrumentation scope). Every literal and
 * attribute name goes into `params`; the SQL text holds only column names, operators and `$n`
 * placeholders. Boolean results are never SQL NULL, so `!` and `||` follow TraceQL's
 * "missing attribute => false" rule. How attributes of each scope are read: compile-refs.ts.
 */
import type { BinaryExpr, FieldExpr, Static } from './ast.ts';
import { Params, type Value, unsupported } from './compile-params.ts';
import { type Bindings, attributeSql, intrinsicValue, quantify } from './compile-refs.ts';
import { regexForPostgres } from './compile-regex.ts';
import { printNode } from './print.ts';

export { Params } from './compile-params.ts';
export { regexForPostgres } from './compile-regex.ts';

const STATUS_CODES = { unset: 0, ok: 1, error: 2 } as const;
const KIND_CODES = { unspecified: 0, internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

const SQL_CMP: Record<string, string> = { '=': '=', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

function staticValue(e: Static, p: Params): Value {
  switch (e.type) {
    case 'string':
      return { t: 'text', sql: p.add(e.value, 'text') };
    case 'int':
    case 'duration':
      return { t: 'num', sql: p.add(e.value.toString(), 'numeric') };
    case 'float':
      return { t: 'num', sql: p.add(String(e.value), 'numeric') };
    case 'bool':
      return { t: 'bool', sql: p.add(e.value, 'boolean') };
    case 'status':
      return { t: 'code', sql: p.add(STATUS_CODES[e.value], 'int2') };
    case 'kind':
      return { t: 'code', sql: p.add(KIND_CODES[e.value], 'int2') };
    case 'nil':
      return { t: 'nil', sql: 'null' };
  }
}

/** Numeric value of a JSON attribute (NULL unless it is a JSON number; arrays don't take part in arithmetic). */
const jsonNum = (sql: string) => `(case when jsonb_typeof(${sql}) = 'number' then (${sql})::text::numeric end)`;

/** The value of `e`; `b` binds event/link/unscoped references inside a condition (null elsewhere). */
function value(e: FieldExpr, p: Params, b: Bindings | null): Value {
  switch (e.kind) {
    case 'static':
      return staticValue(e, p);
    case 'attribute':
      return { t: 'json', sql: attributeSql(e, p, b) };
    case 'intrinsic':
      return intrinsicValue(e, p, b);
    case 'unary':
      if (e.op === '-') return { t: 'num', sql: `(-${numeric(e.operand, p, b)})` };
      return { t: 'bool', sql: boolExpr(e, p) };
    case 'binary':
      switch (e.op) {
        case '+': case '-': case '*': case '/': case '%': case '^':
          return { t: 'num', sql: arithmetic(e, p, b) };
        default:
          return { t: 'bool', sql: boolExpr(e, p) };
      }
  }
}

function numeric(e: FieldExpr, p: Params, b: Bindings | null): string {
  const v = value(e, p, b);
  if (v.t === 'num') return v.sql;
  if (v.t === 'json') return jsonNum(v.sql);
  return unsupported('arithmetic on non-numeric values', e);
}

function arithmetic(e: BinaryExpr, p: Params, bind: Bindings | null): string {
  // Tempo divides ints as ints and floats as floats; only a float literal operand tells us which.
  if (e.op === '/' && !isFloatLiteral(e.lhs) && !isFloatLiteral(e.rhs)) {
    unsupported('division without a float literal operand', e, 'write e.g. `.a / 2.0`');
  }
  const a = numeric(e.lhs, p, bind);
  const b = numeric(e.rhs, p, bind);
  switch (e.op) {
    case '/':
      return `(${a} / nullif(${b}, 0))`;
    case '%':
      return `mod(${a}, nullif(${b}, 0))`;
    case '^':
      return power(a, b);
    default:
      return `(${a} ${e.op} ${b})`;
  }
}

/** `a ^ b`, NULL where it has no real value (Postgres would fail the whole query instead). */
export function power(a: string, b: string): string {
  return `(case when ${a} = 0 and ${b} < 0 then null when ${a} < 0 and ${b} <> trunc(${b}) then null else power(${a}, ${b}) end)`;
}

function isFloatLiteral(e: FieldExpr): boolean {
  return e.kind === 'static' && e.type === 'float';
}

/** Every element of a JSON value (the value itself when it is not an array). */
const elements = (sql: string) =>
  `jsonb_array_elements(case when jsonb_typeof(${sql}) = 'array' then ${sql} else jsonb_build_array(${sql}) end) as el(v)`;

const isNil = (e: FieldExpr) => e.kind === 'static' && e.type === 'nil';

/** `lhs op rhs` where op is a comparison or regex operator, quantified over events and links. */
function comparison(e: BinaryExpr, p: Params): string {
  if (isNil(e.lhs) || isNil(e.rhs)) {
    // `x = nil`: no event, link or scope holds x; `x != nil`: one does.
    const other = isNil(e.lhs) ? e.rhs : e.lhs;
    if (isNil(other)) return e.op === '=' ? 'true' : 'false';
    const has = quantify(other, p, (b) => `(${value(other, p, b).sql} is not null)`);
    return e.op === '=' ? `(not ${has})` : has;
  }
  return quantify(e, p, (b) => (e.op === '=~' || e.op === '!~' ? regexMatch(e, p, b) : compare(e, p, b)));
}

const FLIP: Record<string, string> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=' };

function compare(e: BinaryExpr, p: Params, b: Bindings): string {
  const mark = p.values.length;
  const never = () => {
    p.reset(mark);
    return 'false';
  };
  let l = value(e.lhs, p, b);
  let r = value(e.rhs, p, b);
  let op = e.op;
  // Put a JSON attribute on the left.
  if (r.t === 'json' && l.t !== 'json') {
    [l, r] = [r, l];
    op = (FLIP[op] ?? op) as typeof op;
  }
  if (l.t === 'json') {
    if (r.t === 'json') return compareAttributes(l.sql, op, r.sql);
    if (r.t === 'code') return never(); // an attribute is never a status/kind
    const sqlOp = SQL_CMP[op];
    const elOp = op === '!=' ? '=' : sqlOp;
    if (r.t === 'text') return elementTest(l.sql, 'string', `(el.v #>> '{}') COLLATE "C" ${elOp} ${r.sql}`, op === '!=');
    if (r.t === 'num') return elementTest(l.sql, 'number', `(el.v)::text::numeric ${elOp} ${r.sql}`, op === '!=');
    return elementTest(l.sql, 'boolean', `(el.v)::text::boolean ${elOp} ${r.sql}`, op === '!=');
  }
  if ((l.t === 'num') !== (r.t === 'num') || (l.t !== r.t && l.t !== 'num')) return never();
  const coll = l.t === 'text' ? ' COLLATE "C"' : '';
  return `coalesce(${l.sql}${coll} ${SQL_CMP[op]} ${r.sql}, false)`;
}

/**
 * Two attributes compared: only scalars of the same JSON type compare (strings as text, numbers
 * by value, booleans); arrays, and values of different types, never match.
 */
function compareAttributes(l: string, op: string, r: string): string {
  const o = SQL_CMP[op];
  return (
    `coalesce(case when jsonb_typeof(${l}) = 'string' and jsonb_typeof(${r}) = 'string' then (${l} #>> '{}') COLLATE "C" ${o} (${r} #>> '{}') ` +
    `when jsonb_typeof(${l}) = 'number' and jsonb_typeof(${r}) = 'number' then (${l})::text::numeric ${o} (${r})::text::numeric ` +
    `when jsonb_typeof(${l}) = 'boolean' and jsonb_typeof(${r}) = 'boolean' then (${l})::text::boolean ${o} (${r})::text::boolean end, false)`
  );
}

/** `lhs =~ "re"` / `lhs !~ "re"`: the pattern must be a literal (validate ensures it is a string). */
function regexMatch(e: BinaryExpr, p: Params, b: Bindings): string {
  if (e.rhs.kind !== 'static' || e.rhs.type !== 'string') return unsupported('regex with a non-literal pattern', e);
  const mark = p.values.length;
  const l = value(e.lhs, p, b);
  const re = regexForPostgres(e.rhs.value, e.rhs);
  const pat = p.add(re.source, 'text');
  const m = re.caseInsensitive ? '~*' : '~';
  if (l.t === 'json') return elementTest(l.sql, 'string', `(el.v #>> '{}') ${m} ${pat}`, e.op === '!~');
  if (l.t !== 'text') {
    p.reset(mark);
    return 'false';
  }
  return `coalesce(${l.sql} ${e.op === '!~' ? '!' : ''}${m} ${pat}, false)`;
}

/**
 * One test over a JSON attribute's elements of one JSON type: any element passes; when `none`,
 * at least one element of the type exists and none passes (3.0's array `!=` / `!~`).
 */
function elementTest(json: string, jsonType: string, test: string, none: boolean): string {
  const typed = `jsonb_typeof(el.v) = '${jsonType}'`;
  if (!none) return `coalesce(exists (select 1 from ${elements(json)} where ${typed} and ${test}), false)`;
  return `coalesce(exists (select 1 from ${elements(json)} where ${typed}) and not exists (select 1 from ${elements(json)} where ${typed} and ${test}), false)`;
}

/** Compiles a field expression used as a condition; the result is never NULL. */
export function boolExpr(e: FieldExpr, p: Params): string {
  switch (e.kind) {
    case 'static':
      if (e.type === 'bool') return e.value ? 'true' : 'false';
      return unsupported(`non-boolean filter ${printNode(e)}`, e);
    case 'attribute':
      return quantify(e, p, (b) => `coalesce(${attributeSql(e, p, b)} = 'true'::jsonb, false)`);
    case 'intrinsic':
      return unsupported(`non-boolean filter ${printNode(e)}`, e);
    case 'unary':
      if (e.op === '!') return `(not ${boolExpr(e.operand, p)})`;
      return unsupported(`non-boolean filter ${printNode(e)}`, e);
    case 'binary':
      switch (e.op) {
        case '&&':
          return `(${boolExpr(e.lhs, p)} and ${boolExpr(e.rhs, p)})`;
        case '||':
          return `(${boolExpr(e.lhs, p)} or ${boolExpr(e.rhs, p)})`;
        case '=': case '!=': case '<': case '<=': case '>': case '>=': case '=~': case '!~':
          if ((e.op === '=' || e.op === '!=') && isBoolValued(e.lhs) && isBoolValued(e.rhs)) {
            const a = boolExpr(e.lhs, p);
            const b = boolExpr(e.rhs, p);
            return `(${a} ${e.op === '=' ? '=' : '<>'} ${b})`;
          }
          return comparison(e, p);
        default:
          return unsupported(`non-boolean filter ${printNode(e)}`, e);
      }
  }
}

function isBoolValued(e: FieldExpr): boolean {
  if (e.kind === 'static') return e.type === 'bool';
  if (e.kind === 'unary') return e.op === '!';
  if (e.kind === 'binary') return !['+', '-', '*', '/', '%', '^'].includes(e.op);
  return false;
}

/**
 * A numeric per-span value for aggregates (NULL when absent or not a number). Event and link
 * references read the first event or link that has them.
 */
export function numericExpr(e: FieldExpr, p: Params): string {
  return numeric(e, p, null);
}

/** The per-span value of `e` where one value is needed (`by()`); see {@link numericExpr}. */
export function valueExpr(e: FieldExpr, p: Params): Value {
  return value(e, p, null);
}
