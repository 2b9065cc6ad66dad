/**
 * The one operator-precedence table of TraceQL, from Tempo's grammar (`expr.y`), low to high:
 *   `|`  <  `&&` `||`  <  comparisons, regex and spanset/structural operators  <  `+ -`  <  prefix `!`
 *   <  `* / %`  <  `^` (right-associative)  <  unary minus on literals.
 * `&&` and `||` share a level (so `a || b && c` is `(a || b) && c`), as do `=` and `>>`.
 * Prefix `-` inside field expressions takes the `+ -` level (yacc gives `SUB expr` SUB's precedence:
 * `-.a * 2` is `-(.a * 2)`); on literals outside `{ }` it binds tightest (`-2 * x` is `(-2) * x`).
 * Every parser in this package reads operator strength from here.
 */

/** Binding power and associativity of a binary operator. */
export interface BinaryPrecedence {
  prec: number;
  right: boolean;
}

const level = (prec: number, ops: string[], right = false): [string, BinaryPrecedence][] =>
  ops.map((op) => [op, { prec, right }]);

/** Binary operators (by source spelling) and their strength. */
export const BINARY_PRECEDENCE: ReadonlyMap<string, BinaryPrecedence> = new Map([
  ...level(1, ['|']),
  ...level(2, ['&&', '||']),
  ...level(3, [
    '=', '!=', '<', '<=', '>', '>=', '=~', '!~',
    '>>', '<<', '~', '!>', '!<', '!>>', '!<<', '&>', '&<', '&>>', '&<<', '&~',
  ]),
  ...level(4, ['+', '-']),
  ...level(6, ['*', '/', '%']),
  ...level(7, ['^'], true),
]);

/** Prefix operators of field expressions: the operand binds operators stronger than this level. */
export const PREFIX_PRECEDENCE: ReadonlyMap<string, number> = new Map([
  ['!', 5],
  ['-', 4],
]);

/** Unary minus applied to literals in scalar contexts (scalar filters, metrics math). */
export const LITERAL_NEGATION_PRECEDENCE = 8;
