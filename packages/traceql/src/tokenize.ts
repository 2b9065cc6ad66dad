/**
 * Tokens for syntax highlighting: what each piece of a (possibly broken) query is, with its range.
 * Never throws; unreadable input becomes `invalid` tokens carrying the lexer's message.
 */
import { lex, type Token } from './lexer.ts';

/** Highlighting classes. */
export type HighlightKind =
  | 'string' | 'number' | 'duration' | 'literal' | 'keyword' | 'function' | 'intrinsic'
  | 'scope' | 'attribute' | 'operator' | 'punctuation' | 'comment' | 'identifier' | 'invalid';

/** One highlighted token. `start`/`end` are UTF-16 offsets (for slicing); line/col are 1-based. */
export interface HighlightToken {
  kind: HighlightKind;
  text: string;
  start: number;
  end: number;
  line: number;
  col: number;
  /** For `invalid` tokens: what is wrong. */
  error?: string;
}

const LITERALS = new Set(['true', 'false', 'nil', 'ok', 'error', 'unset', 'unspecified', 'internal', 'server', 'client', 'producer', 'consumer']);
const FUNCTIONS = new Set([
  'count', 'avg', 'max', 'min', 'sum', 'by', 'coalesce', 'select', 'rate', 'count_over_time', 'min_over_time',
  'max_over_time', 'avg_over_time', 'sum_over_time', 'quantile_over_time', 'histogram_over_time', 'compare', 'topk', 'bottomk',
]);

function classify(t: Token): HighlightKind {
  switch (t.type) {
    case 'punct': return 'punctuation';
    case 'op': return 'operator';
    case 'string': return 'string';
    case 'int': case 'float': return 'number';
    case 'duration': return 'duration';
    case 'attrScope': case 'intrinsicScope': return 'scope';
    case 'attrName': return 'attribute';
    case 'comment': return 'comment';
    case 'ident': return t.text === 'minInt' || t.text === 'maxInt' ? 'literal' : 'identifier';
    case 'keyword':
      if (LITERALS.has(t.text)) return 'literal';
      if (FUNCTIONS.has(t.text)) return 'function';
      return t.text === 'with' ? 'keyword' : 'intrinsic';
    default: return 'invalid';
  }
}

/** Splits a query into highlighting tokens. Never throws. */
export function tokenize(query: string): HighlightToken[] {
  let tokens: Token[];
  try {
    tokens = lex(query);
  } catch (e) {
    return [{ kind: 'invalid', text: query, start: 0, end: query.length, line: 1, col: 1, error: String(e) }];
  }
  const out: HighlightToken[] = [];
  for (const t of tokens) {
    if (t.type === 'eof') continue;
    const h: HighlightToken = { kind: classify(t), text: t.text, start: t.start, end: t.end, line: t.line, col: t.col };
    if (t.error !== undefined) h.error = t.error;
    out.push(h);
  }
  return out;
}
