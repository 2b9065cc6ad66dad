/**
 * @tracegres/traceql: the TraceQL lexer, parser, AST, validator and printer (the SQL compiler
 * lives beside them). No runtime dependencies and no Node APIs, so the web UI can use it for
 * highlighting and checks. Follows Grafana Tempo's TraceQL (`pkg/traceql`).
 */
import type { Attribute, Intrinsic, Node, Query } from './ast.ts';
import { TraceQLParseError } from './errors.ts';
import { parseQuery } from './parser.ts';
import { printNode } from './print.ts';
import { validateQuery, type ValidateOptions } from './validate.ts';

/** The Tempo TraceQL this package follows: Tempo main after 3.0 (metrics arithmetic, `extrapolate`). */
export const TRACEQL_DIALECT = 'tempo-3.1-dev' as const;
export * from './ast.ts';
export { TraceQLParseError, TraceQLUnsupportedError, TraceQLValidationError } from './errors.ts';
export { tokenize, type HighlightKind, type HighlightToken } from './tokenize.ts';
export { typeOf, scalarTypeOf, isNumericType, isMatchingOperand, isOperatorValidFor, referencesSpan, type FieldType } from './types.ts';
export { translateRegex, type TranslatedRegex } from './regex.ts';
export { SAFE_HINTS, UNSAFE_HINTS, type ValidateOptions } from './validate.ts';
export { compileSearch, regexForPostgres, type CompiledSql, type SearchSqlOptions, type SearchSqlRow } from './compile-sql.ts';
export { formatDuration, formatFloat, printAttributeRef } from './print.ts';
export * from './metrics.ts';

/** Parses a TraceQL query into its AST. Throws TraceQLParseError (with `line`, `col`) only. */
export function parse(query: string): Query {
  return parseQuery(query);
}

/**
 * Checks a parsed query as Tempo does (types, regexes, nil, aggregates, metrics stages, hints).
 * Throws TraceQLValidationError, or TraceQLUnsupportedError for valid TraceQL that Tempo rejects.
 */
export function validate(ast: Query, opts?: ValidateOptions): void {
  validateQuery(ast, opts);
}

/** Prints a query (or any node) as canonical TraceQL; `parse(print(q))` equals `q` minus positions. */
export function print(ast: Node): string {
  return printNode(ast);
}

/**
 * Parses one attribute or intrinsic as Tempo's tag-values v2 endpoint takes it:
 * `resource.service.name`, `.foo`, `span:status`, `status`, `span."quoted name"`.
 * Throws TraceQLParseError.
 */
export function parseIdentifier(identifier: string): Attribute | Intrinsic {
  let q: Query;
  try {
    q = parseQuery(`{${identifier}}`);
  } catch (e) {
    if (e instanceof TraceQLParseError && e.line === 1) throw new TraceQLParseError(e.detail, 1, Math.max(1, e.col - 1));
    throw e;
  }
  const stage = q.body.kind === 'pipeline' && q.body.stages.length === 1 ? q.body.stages[0] : null;
  if (!stage || stage.kind !== 'spansetFilter' || stage.empty || (stage.expr.kind !== 'attribute' && stage.expr.kind !== 'intrinsic')) {
    throw new TraceQLParseError(`expected a single attribute or intrinsic, got ${JSON.stringify(identifier)}`, 1, 1);
  }
  const e = stage.expr;
  return { ...e, pos: { line: e.pos.line, col: e.pos.line === 1 ? e.pos.col - 1 : e.pos.col } };
}
