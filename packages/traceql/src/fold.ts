/**
 * Constant folding for literal arithmetic outside `{ }` (scalar filters, metrics filters, metrics
 * math), with Tempo's semantics: int with int stays int (64-bit wrap-around, `/` truncates,
 * division by zero is an error), anything with a float is float, durations may be negated but
 * not combined. Returns an error message instead of a result when Tempo's parser rejects it.
 */
import type { NumericStatic, Pos } from './ast.ts';

/** Arithmetic allowed between literals. */
export type FoldOp = '+' | '-' | '*' | '/';

/** Folds `lhs op rhs`; the result takes `pos`. */
export function foldBinary(op: FoldOp, lhs: NumericStatic, rhs: NumericStatic, pos: Pos): NumericStatic | { error: string } {
  if (lhs.type === 'duration' || rhs.type === 'duration') return { error: 'duration cannot be used in scalar arithmetic' };
  if (lhs.type === 'int' && rhs.type === 'int') {
    const a = lhs.value;
    const b = rhs.value;
    if (op === '/' && b === 0n) return { error: 'division by zero' };
    const v = op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : a / b;
    return { kind: 'static', type: 'int', value: BigInt.asIntN(64, v), pos };
  }
  const a = Number(lhs.value);
  const b = Number(rhs.value);
  const v = op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : a / b;
  if (!Number.isFinite(v)) return { error: 'constant expression does not evaluate to a finite number' };
  return { kind: 'static', type: 'float', value: v, pos };
}

/** Folds `-x`; durations stay durations. */
export function foldNegate(x: NumericStatic, pos: Pos): NumericStatic {
  if (x.type === 'float') return { kind: 'static', type: 'float', value: -x.value, pos };
  return { kind: 'static', type: x.type, value: BigInt.asIntN(64, -x.value), pos };
}
