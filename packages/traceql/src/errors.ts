/**
 * The three errors this package throws, and nothing else: a query either does not parse, parses
 * but is invalid, or is valid TraceQL that Tempo itself rejects as unsupported. The query API maps
 * the first two to 400 and the third to 400/501 with the construct named.
 */
import type { Pos } from './ast.ts';

/** The query text is not TraceQL. Message: `parse error at line L, col C: <what>` (Tempo's form). */
export class TraceQLParseError extends Error {
  /** 1-based line of the offending token. */
  readonly line: number;
  /** 1-based column (in characters) of the offending token. */
  readonly col: number;
  /** The message without the position prefix. */
  readonly detail: string;

  constructor(detail: string, line: number, col: number) {
    super(`parse error at line ${line}, col ${col}: ${detail}`);
    this.name = 'TraceQLParseError';
    this.line = line;
    this.col = col;
    this.detail = detail;
  }
}

/** The query parses but is not valid (type errors, bad regex, `topk(0)`, unknown hint…). */
export class TraceQLValidationError extends Error {
  /** Position of the construct at fault. */
  readonly pos: Pos | undefined;

  constructor(message: string, pos?: Pos) {
    super(message);
    this.name = 'TraceQLValidationError';
    this.pos = pos;
  }
}

/**
 * The query is valid TraceQL that Tempo parses but rejects as not supported (parent scope,
 * comparisons between aggregates, …). `construct` names the feature.
 */
export class TraceQLUnsupportedError extends Error {
  /** The unsupported feature, e.g. `parent scope`. */
  readonly construct: string;
  /** Position of the construct. */
  readonly pos: Pos | undefined;

  constructor(construct: string, pos?: Pos, detail?: string) {
    super(`${construct} not yet supported${detail ? `: ${detail}` : ''}`);
    this.name = 'TraceQLUnsupportedError';
    this.construct = construct;
    this.pos = pos;
  }
}
