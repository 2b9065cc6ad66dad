/**
 * Field expressions (inside `{ }`, `by( )` and aggregate arguments), attribute references and
 * static literals. Pratt parsing over the shared precedence table.
 */
import type {
  Attribute,
  AttributeScope,
  FieldBinaryOp,
  FieldExpr,
  Intrinsic,
  IntrinsicName,
  KindValue,
  Pos,
  Static,
  StatusValue,
} from './ast.ts';
import { INTRINSICS, KIND_VALUES, STATUS_VALUES } from './ast.ts';
import { Cursor, describe, posOf } from './cursor.ts';
import type { Token } from './lexer.ts';
import { BINARY_PRECEDENCE, PREFIX_PRECEDENCE } from './precedence.ts';

const FIELD_BINARY_OPS: ReadonlySet<string> = new Set([
  '=', '!=', '<', '<=', '>', '>=', '=~', '!~', '&&', '||', '+', '-', '*', '/', '%', '^',
]);

/** Legacy unscoped spelling -> canonical intrinsic. */
const LEGACY_INTRINSICS: ReadonlyMap<string, IntrinsicName> = new Map(
  Object.entries(INTRINSICS).flatMap(([name, info]) => (info.legacy ? [[info.legacy, name as IntrinsicName]] : [])),
);
/** Intrinsics with only a bare spelling. */
const BARE_INTRINSICS: ReadonlySet<string> = new Set(['nestedSetLeft', 'nestedSetRight', 'nestedSetParent', 'parent']);
/** Scope + keyword spellings, Tempo's `scopedIntrinsicField` (e.g. trace:rootService, not rootServiceName). */
const SCOPED_INTRINSICS: ReadonlySet<string> = new Set(
  Object.keys(INTRINSICS).filter((n) => n.includes(':')),
);

const MIN_INT = -9223372036854775808n;
const MAX_INT = 9223372036854775807n;

/** Parses a field expression. */
export function parseFieldExpr(cur: Cursor, minPrec = 0): FieldExpr {
  return cur.nested(() => parseFieldLoop(cur, minPrec));
}

function parseFieldLoop(cur: Cursor, minPrec: number): FieldExpr {
  let lhs = parseFieldPrefix(cur);
  for (;;) {
    const t = cur.peek();
    if (t.type !== 'op' || !FIELD_BINARY_OPS.has(t.text)) return lhs;
    // `nil` binds tightest (Tempo: %nonassoc NIL): `.a = nil + 1` is `(.a = nil) + 1`.
    if (isNil(lhs) && t.text !== '=' && t.text !== '!=') return lhs;
    const info = BINARY_PRECEDENCE.get(t.text)!;
    if (info.prec < minPrec) return lhs;
    cur.next();
    const rhs = parseFieldExpr(cur, info.right ? info.prec : info.prec + 1);
    const op = t.text as FieldBinaryOp;
    for (const side of [lhs, rhs]) {
      if (isNil(side) && op !== '=' && op !== '!=') throw cur.error(side.pos, `nil can only be compared with = or !=, not ${op}`);
    }
    lhs = cur.grow({ kind: 'binary', op, lhs, rhs, pos: lhs.pos, opPos: posOf(t) }, t, lhs, rhs);
  }
}

/** Parses a field expression that stands on its own (filter body, by(), aggregate argument). */
export function parseWholeFieldExpr(cur: Cursor): FieldExpr {
  const e = parseFieldExpr(cur);
  if (isNil(e)) throw cur.error(e.pos, 'nil can only be compared with = or !=');
  return e;
}

function isNil(e: FieldExpr): boolean {
  return e.kind === 'static' && e.type === 'nil';
}

function parseFieldPrefix(cur: Cursor): FieldExpr {
  const t = cur.peek();
  if (t.type === 'op' && PREFIX_PRECEDENCE.has(t.text)) {
    cur.next();
    const operand = parseFieldExpr(cur, PREFIX_PRECEDENCE.get(t.text)! + 1);
    if (isNil(operand)) throw cur.error(operand.pos, `nil cannot be used with unary ${t.text}`);
    return cur.grow({ kind: 'unary', op: t.text as '!' | '-', operand, pos: posOf(t) }, t, operand);
  }
  if (cur.is('(', 'punct')) {
    cur.next();
    const e = parseFieldExpr(cur);
    if (isNil(e)) throw cur.error(e.pos, 'nil can only be compared with = or !=');
    cur.expect(')', "')' or an operator");
    return e;
  }
  if (t.type === 'keyword' && t.text === 'nil') {
    cur.next();
    return { kind: 'static', type: 'nil', value: null, pos: posOf(t) };
  }
  if (t.type === 'attrScope' || t.type === 'intrinsicScope' || (t.type === 'keyword' && (LEGACY_INTRINSICS.has(t.text) || BARE_INTRINSICS.has(t.text)))) {
    return parseAttributeRef(cur);
  }
  const s = tryParseStatic(cur);
  if (s) return s;
  throw cur.unexpected('a field expression');
}

/** Parses an attribute or intrinsic (`.a`, `span.x`, `parent.resource.x`, `duration`, `span:id`). */
export function parseAttributeRef(cur: Cursor): Attribute | Intrinsic {
  const t = cur.next();
  const pos = posOf(t);
  if (t.type === 'attrScope') {
    const nameTok = cur.peek();
    if (nameTok.type !== 'attrName' || nameTok.start !== t.end) {
      throw cur.error(nameTok, `syntax error: unexpected ${describe(nameTok)}, expecting an attribute name right after '${t.text}'`);
    }
    cur.next();
    return attributeFromScope(t.value, nameTok.value, pos);
  }
  if (t.type === 'intrinsicScope') {
    const nameTok = cur.peek();
    const full = t.text + nameTok.text;
    if (nameTok.type !== 'keyword' || !SCOPED_INTRINSICS.has(full)) {
      throw cur.error(nameTok, `syntax error: unknown intrinsic ${t.text}${nameTok.type === 'eof' ? '' : nameTok.text}`);
    }
    cur.next();
    return { kind: 'intrinsic', name: full as IntrinsicName, pos };
  }
  if (t.type === 'keyword') {
    const legacy = LEGACY_INTRINSICS.get(t.text);
    if (legacy) return { kind: 'intrinsic', name: legacy, legacy: true, pos };
    if (BARE_INTRINSICS.has(t.text)) return { kind: 'intrinsic', name: t.text as IntrinsicName, pos };
  }
  throw cur.unexpected('an attribute or intrinsic', t);
}

function attributeFromScope(scope: string, name: string, pos: Pos): Attribute {
  const parent = scope.startsWith('parent.');
  const rest = parent ? scope.slice('parent.'.length) : scope;
  const s: AttributeScope = rest === '' || rest === '.' ? 'unscoped' : (rest.slice(0, -1) as AttributeScope);
  return { kind: 'attribute', scope: s, name, parent, pos };
}

/**
 * Parses a static literal (Tempo's `static`: string, int, float, duration, bool, status, kind,
 * `minInt`/`maxInt`), or returns null if the current token does not start one. `nil` is not a
 * static here.
 */
export function tryParseStatic(cur: Cursor): Static | null {
  const t: Token = cur.peek();
  const pos = posOf(t);
  switch (t.type) {
    case 'string':
      cur.next();
      return { kind: 'static', type: 'string', value: t.value, pos };
    case 'int':
      cur.next();
      return { kind: 'static', type: 'int', value: t.num as bigint, pos };
    case 'float':
      cur.next();
      return { kind: 'static', type: 'float', value: t.num as number, pos };
    case 'duration':
      cur.next();
      return { kind: 'static', type: 'duration', value: t.num as bigint, pos };
    case 'keyword':
      if (t.text === 'true' || t.text === 'false') {
        cur.next();
        return { kind: 'static', type: 'bool', value: t.text === 'true', pos };
      }
      if ((STATUS_VALUES as readonly string[]).includes(t.text)) {
        cur.next();
        return { kind: 'static', type: 'status', value: t.text as StatusValue, pos };
      }
      if ((KIND_VALUES as readonly string[]).includes(t.text)) {
        cur.next();
        return { kind: 'static', type: 'kind', value: t.text as KindValue, pos };
      }
      return null;
    case 'ident':
      if (t.text === 'minInt' || t.text === 'maxInt') {
        cur.next();
        return { kind: 'static', type: 'int', value: t.text === 'minInt' ? MIN_INT : MAX_INT, pos };
      }
      throw cur.error(t, `unknown identifier: ${t.text}`);
    default:
      return null;
  }
}

/** Parses `attr {, attr}` (select(), metrics `by (…)`). */
export function parseAttributeList(cur: Cursor): (Attribute | Intrinsic)[] {
  const out = [parseAttributeRef(cur)];
  while (cur.is(',', 'punct')) {
    cur.next();
    out.push(parseAttributeRef(cur));
  }
  return out;
}
