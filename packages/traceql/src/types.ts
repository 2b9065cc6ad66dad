/**
 * Static type inference over the AST, as Tempo's `impliedType()`: what the compiler and the
 * validator know about an expression before looking at data. Attributes are `attribute` (their
 * type is only known per span); intrinsics have fixed types.
 */
import type { FieldExpr, ScalarExpr } from './ast.ts';
import { INTRINSICS } from './ast.ts';

/** Types an expression can have; `attribute` means "an attribute, type known only at run time". */
export type FieldType = 'string' | 'int' | 'float' | 'bool' | 'duration' | 'status' | 'kind' | 'nil' | 'attribute';

const BOOLEAN_OPS: ReadonlySet<string> = new Set(['=', '!=', '<', '<=', '>', '>=', '=~', '!~', '&&', '||']);

/** The static type of a field expression. Arithmetic takes the type of its first typed operand. */
export function typeOf(e: FieldExpr): FieldType {
  switch (e.kind) {
    case 'static':
      return e.type;
    case 'attribute':
      return 'attribute';
    case 'intrinsic':
      return INTRINSICS[e.name].type;
    case 'unary':
      return typeOf(e.operand);
    case 'binary': {
      if (BOOLEAN_OPS.has(e.op)) return 'bool';
      const l = typeOf(e.lhs);
      return l !== 'attribute' ? l : typeOf(e.rhs);
    }
  }
}

/** The static type of a scalar-filter operand (`count()` is int). */
export function scalarTypeOf(e: ScalarExpr): FieldType {
  switch (e.kind) {
    case 'static':
      return e.type;
    case 'aggregate':
      return e.fn === 'count' || !e.expr ? 'int' : typeOf(e.expr);
    case 'scalarPipeline':
      return scalarTypeOf(e.aggregate);
    case 'scalarBinary': {
      const l = scalarTypeOf(e.lhs);
      return l !== 'attribute' ? l : scalarTypeOf(e.rhs);
    }
  }
}

/** int, float or duration. */
export function isNumericType(t: FieldType): boolean {
  return t === 'int' || t === 'float' || t === 'duration';
}

/** Whether two operand types may meet in one binary operation (Tempo's isMatchingOperand). */
export function isMatchingOperand(a: FieldType, b: FieldType): boolean {
  return a === 'attribute' || b === 'attribute' || a === b || (isNumericType(a) && isNumericType(b)) || a === 'nil' || b === 'nil';
}

/** Whether `op` applies to a value of type `t` (Tempo's binaryTypeValid). */
export function isOperatorValidFor(op: string, t: FieldType): boolean {
  switch (t) {
    case 'attribute':
      return true;
    case 'bool':
      return op === '&&' || op === '||' || op === '=' || op === '!=';
    case 'int':
    case 'float':
    case 'duration':
      return ['+', '-', '*', '/', '%', '^', '=', '!=', '>', '>=', '<', '<='].includes(op);
    case 'string':
      return ['=', '!=', '=~', '!~', '>', '>=', '<', '<='].includes(op);
    case 'nil':
    case 'status':
    case 'kind':
      return op === '=' || op === '!=';
  }
}

/** Whether the expression reads anything from the span (an attribute or intrinsic). */
export function referencesSpan(e: FieldExpr): boolean {
  switch (e.kind) {
    case 'static':
      return false;
    case 'attribute':
    case 'intrinsic':
      return true;
    case 'unary':
      return referencesSpan(e.operand);
    case 'binary':
      return referencesSpan(e.lhs) || referencesSpan(e.rhs);
  }
}
