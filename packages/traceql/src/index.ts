/**
 * @tracegres/traceql: the TraceQL lexer, parser, AST, validator, printer and SQL compiler.
 * No runtime dependencies, so the web UI can use it for highlighting and checks.
 *
 * The language itself arrives with the TraceQL issue; until then this package only states the
 * Tempo API level the parser will follow.
 */
export const TRACEQL_DIALECT = 'tempo-2.9' as const;
