// The TraceQL editor's coloured layer: the query cut into runs of text with a highlighting class,
// whitespace included, so the layer lines up character for character with the textarea above it.
import { parse, tokenize, TraceQLParseError, TraceQLUnsupportedError, TraceQLValidationError, validate } from '@tracegres/traceql';

export interface Run {
  text: string;
  kind: string;
  /** This run is where the reported problem is. */
  error: boolean;
}

export interface QueryProblem {
  message: string;
  /** UTF-16 offset of the problem, if it has a position. */
  offset: number | undefined;
}

/** Offset in `text` of a 1-based line and column. */
export function offsetOf(text: string, line: number, col: number): number {
  let off = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', off);
    if (nl < 0) return text.length;
    off = nl + 1;
  }
  return Math.min(text.length, off + col - 1);
}

/** Parses and validates `text`; the first problem found, or undefined for a good query. */
export function checkQuery(text: string): QueryProblem | undefined {
  if (!text.trim()) return undefined;
  try {
    validate(parse(text));
    return undefined;
  } catch (e) {
    if (e instanceof TraceQLParseError) return { message: e.message, offset: offsetOf(text, e.line, e.col) };
    if (e instanceof TraceQLValidationError || e instanceof TraceQLUnsupportedError) {
      const pos = e.pos;
      return { message: e.message, offset: pos ? offsetOf(text, pos.line, pos.col) : undefined };
    }
    return { message: String(e), offset: undefined };
  }
}

/** Runs covering all of `text`; the run at `errorAt` (or a marker past the end) is flagged. */
export function highlightRuns(text: string, errorAt: number | undefined): Run[] {
  const runs: Run[] = [];
  let at = 0;
  let marked = false;
  const push = (s: string, kind: string, start: number) => {
    if (!s) return;
    const error = errorAt !== undefined && !marked && errorAt >= start && errorAt < start + s.length;
    if (error && kind === 'plain' && s.trim() === '') {
      // Whitespace at the error: mark just the one character there.
      const k = errorAt - start;
      if (k > 0) runs.push({ text: s.slice(0, k), kind, error: false });
      runs.push({ text: s[k], kind, error: true });
      if (k + 1 < s.length) runs.push({ text: s.slice(k + 1), kind, error: false });
    } else runs.push({ text: s, kind, error });
    if (error) marked = true;
  };
  for (const t of tokenize(text)) {
    if (t.start > at) push(text.slice(at, t.start), 'plain', at);
    push(text.slice(t.start, t.end), t.kind, t.start);
    at = t.end;
  }
  if (at < text.length) push(text.slice(at), 'plain', at);
  // A problem at the very end (a missing `}`) gets a visible marker after the text.
  if (errorAt !== undefined && !marked) runs.push({ text: ' ', kind: 'plain', error: true });
  return runs;
}
