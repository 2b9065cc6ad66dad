/**
 * Field expressions (the inside of `{ }`) compiled to SQL over one row of the search's `sp` CTE,
 * alias `s`: span columns plus `r_attrs` (its resource's attributes) and `t_start_ns`, `t_end_ns`,
 * `t_root_name`, `t_root_service` (its trace's summary). Every literal and attribute name goes
 * into `params`; the SQL text holds only column names, operators and `$n` placeholders. Boolean
 * results are never SQL NULL, so `!` and `||` follow TraceQL's "missing attribute => false" rule.
 */
import type { Attribute, BinaryExpr, FieldExpr, Intrinsic, Static } from './ast.ts';
import { TraceQLUnsupportedError } from './errors.ts';
import { printNode } from './print.ts';
import { translateRegex } from './regex.ts';

/** Collects parameters and hands out `$n` placeholders. */
export class Params {
  readonly values: unknown[] = [];
  add(v: unknown, cast: string): string {
    this.values.push(v);
    return `$${this.values.length}::${cast}`;
  }
  /** Drops parameters added after `mark` (for SQL that ended up not referencing them). */
  reset(mark: number): void {
    this.values.length = mark;
  }
}

/** A compiled value: `num` numeric, `text`, `bool`, `code` (status/kind smallint), `json` (an attribute, jsonb). */
type Value =
  | { t: 'num' | 'text' | 'bool' | 'code'; sql: string }
  | { t: 'json'; sql: string }
  | { t: 'nil'; sql: 'null' };

const STATUS_CODES = { unset: 0, ok: 1, error: 2 } as const;
const KIND_CODES = { unspecified: 0, internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

const SQL_CMP: Record<string, string> = { '=': '=', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

/** Hex of a uuid trace id without dashes, leading zeros stripped (Tempo's search form). */
const TRACE_ID_HEX = `ltrim(replace(s.trace_id::text, '-', ''), '0')`;

function unsupported(construct: string, e: { pos: { line: number; col: number } }, detail?: string): never {
  throw new TraceQLUnsupportedError(construct, e.pos, detail);
}

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

function attributeValue(e: Attribute, p: Params): Value {
  if (e.parent) unsupported('parent scope', e);
  const key = () => p.add(e.name, 'text');
  // JSON null encodes an empty value: treat it as absent.
  switch (e.scope) {
    case 'span':
      return { t: 'json', sql: `nullif(s.attrs -> ${key()}, 'null'::jsonb)` };
    case 'resource':
      return { t: 'json', sql: `nullif(s.r_attrs -> ${key()}, 'null'::jsonb)` };
    case 'unscoped': {
      const k = key();
      return { t: 'json', sql: `coalesce(nullif(s.attrs -> ${k}, 'null'::jsonb), nullif(s.r_attrs -> ${k}, 'null'::jsonb))` };
    }
    default:
      return unsupported(`${e.scope} scope attributes`, e);
  }
}

function intrinsicValue(e: Intrinsic): Value {
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
    default:
      return unsupported(`intrinsic ${e.name}`, e);
  }
}

/** Numeric value of a JSON attribute (NULL unless it is a JSON number; arrays don't take part in arithmetic). */
const jsonNum = (sql: string) => `(case when jsonb_typeof(${sql}) = 'number' then (${sql})::text::numeric end)`;

function value(e: FieldExpr, p: Params): Value {
  switch (e.kind) {
    case 'static':
      return staticValue(e, p);
    case 'attribute':
      return attributeValue(e, p);
    case 'intrinsic':
      return intrinsicValue(e);
    case 'unary':
      if (e.op === '-') return { t: 'num', sql: `(-${numeric(e.operand, p)})` };
      return { t: 'bool', sql: boolExpr(e, p) };
    case 'binary':
      switch (e.op) {
        case '+': case '-': case '*': case '/': case '%': case '^':
          return { t: 'num', sql: arithmetic(e, p) };
        default:
          return { t: 'bool', sql: boolExpr(e, p) };
      }
  }
}

function numeric(e: FieldExpr, p: Params): string {
  const v = value(e, p);
  if (v.t === 'num') return v.sql;
  if (v.t === 'json') return jsonNum(v.sql);
  return unsupported('arithmetic on non-numeric values', e);
}

function arithmetic(e: BinaryExpr, p: Params): string {
  // Tempo divides ints as ints and floats as floats; only a float literal operand tells us which.
  if (e.op === '/' && !isFloatLiteral(e.lhs) && !isFloatLiteral(e.rhs)) {
    unsupported('division without a float literal operand', e, 'write e.g. `.a / 2.0`');
  }
  const a = numeric(e.lhs, p);
  const b = numeric(e.rhs, p);
  switch (e.op) {
    case '/':
      return `(${a} / nullif(${b}, 0))`;
    case '%':
      return `mod(${a}, nullif(${b}, 0))`;
    case '^':
      return `power(${a}, ${b})`;
    default:
      return `(${a} ${e.op} ${b})`;
  }
}

function isFloatLiteral(e: FieldExpr): boolean {
  return e.kind === 'static' && e.type === 'float';
}

/** Every element of a JSON value (the value itself when it is not an array). */
const elements = (sql: string) =>
  `jsonb_array_elements(case when jsonb_typeof(${sql}) = 'array' then ${sql} else jsonb_build_array(${sql}) end) as el(v)`;

/** A regex as Postgres ARE: only the subset whose meaning is the same in RE2 and ARE passes. */
export function regexForPostgres(pattern: string, at: { pos: { line: number; col: number } }): { source: string; caseInsensitive: boolean } {
  translateRegex(pattern); // RE2 syntax check (validate did this too)
  let body = pattern;
  let caseInsensitive = false;
  if (body.startsWith('(?i)')) {
    caseInsensitive = true;
    body = body.slice(4);
  }
  // Literals, `.`, groups, alternation, repeats, bracket classes of literals/ranges, escaped punctuation.
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') {
      const n = body[i + 1] ?? '';
      if (!/[.^$*+?()[\]{}|\\\-/]/.test(n)) unsupported(`regex escape \\${n}`, at, 'use literal characters or bracket classes');
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      else if (c === '[') unsupported('regex nested or POSIX character class', at);
      continue;
    }
    if (c === '[') {
      inClass = true;
      if (body[i + 1] === '^') i++;
      if (body[i + 1] === ']') i++;
      continue;
    }
    if (c === '(' && body[i + 1] === '?') unsupported('regex group flags (?...)', at);
    if (c === '{') {
      // Bounded repeats only, within ARE's limit of 255; a literal `{` is rejected rather than guessed.
      const m = /^\{(\d{1,3})(,(\d{0,3}))?\}/.exec(body.slice(i));
      if (!m || Number(m[1]) > 255 || (m[3] !== undefined && m[3] !== '' && Number(m[3]) > 255)) unsupported('regex repeat counts above 255 or a literal {', at);
      i += m[0].length - 1;
      continue;
    }
    if (c === '^' || c === '$') unsupported('regex anchors ^ $ inside a pattern', at, 'TraceQL regexes are already anchored');
    if (c.codePointAt(0)! < 0x20) unsupported('regex control characters', at);
  }
  return { source: `^(?:${body})$`, caseInsensitive };
}

/** `lhs op rhs` where op is a comparison or regex operator. */
function comparison(e: BinaryExpr, p: Params): string {
  if (e.op === '=~' || e.op === '!~') return regexMatch(e, p);
  const mark = p.values.length;
  const never = () => {
    p.reset(mark);
    return 'false';
  };
  let l = value(e.lhs, p);
  let r = value(e.rhs, p);
  let op = e.op;
  // nil checks
  if (l.t === 'nil' || r.t === 'nil') {
    const other = l.t === 'nil' ? r : l;
    if (other.t === 'nil') return op === '=' ? 'true' : 'false';
    return op === '=' ? `(${other.sql} is null)` : `(${other.sql} is not null)`;
  }
  // Put a JSON attribute on the left.
  if (r.t === 'json' && l.t !== 'json') {
    [l, r] = [r, l];
    const flip: Record<string, string> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=' };
    op = (flip[op] ?? op) as typeof op;
  }
  if (l.t === 'json') {
    if (r.t === 'json') return unsupported('comparing two attributes', e);
    if (r.t === 'code') return never(); // an attribute is never a status/kind
    const sqlOp = SQL_CMP[op];
    if (r.t === 'text') return elementTest(l.sql, 'string', `(el.v #>> '{}') COLLATE "C" ${op === '!=' ? '=' : sqlOp} ${r.sql}`, op === '!=');
    if (r.t === 'num') return elementTest(l.sql, 'number', `(el.v)::text::numeric ${op === '!=' ? '=' : sqlOp} ${r.sql}`, op === '!=');
    return elementTest(l.sql, 'boolean', `(el.v)::text::boolean ${op === '!=' ? '=' : sqlOp} ${r.sql}`, op === '!=');
  }
  if ((l.t === 'num') !== (r.t === 'num') || (l.t !== r.t && l.t !== 'num')) return never();
  const coll = l.t === 'text' ? ' COLLATE "C"' : '';
  return `coalesce(${l.sql}${coll} ${SQL_CMP[op]} ${r.sql}, false)`;
}

/** `lhs =~ "re"` / `lhs !~ "re"`: the pattern must be a literal (validate ensures it is a string). */
function regexMatch(e: BinaryExpr, p: Params): string {
  if (e.rhs.kind !== 'static' || e.rhs.type !== 'string') return unsupported('regex with a non-literal pattern', e);
  const mark = p.values.length;
  const l = value(e.lhs, p);
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
    case 'attribute': {
      const v = attributeValue(e, p);
      return `coalesce(${v.sql} = 'true'::jsonb, false)`;
    }
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

/** A numeric per-span value for aggregates (NULL when absent or not a number). */
export function numericExpr(e: FieldExpr, p: Params): string {
  return numeric(e, p);
}
