/**
 * TraceQL lexer. Follows Tempo's lexer (Go `text/scanner` in GoTokens mode plus TraceQL rules):
 * - whitespace is space, tab, CR, LF; `//` and `/* *\/` comments are skipped (Go scanner default);
 * - after `.`, `span.`, `resource.`, `parent.` (+`span.`/`resource.`), `event.`, `link.`,
 *   `instrumentation.` an attribute name runs until whitespace or one of `{ } ( ) = ~ ! < > & | ^ ,`;
 *   `"…"` segments inside it may hold anything (escapes `\"` and `\\` only);
 * - `.3` is a float, `.24h` a duration; a number followed by duration units is a duration
 *   (Prometheus units first, then Go's: `1d`, `1h15m30.5s`, `1µs`); `1t` is int 1 then `t`;
 * - operators are matched longest-first (`!<<`, `&>>`, `=~`…).
 * Never throws: problems become `invalid` tokens that the parser reports.
 */
import { parseDurationLiteral } from './lexer-numbers.ts';
import { decodeGoString } from './lexer-strings.ts';

/** Coarse token types used by the parser. */
export type TokenType =
  | 'punct' // { } ( ) ,
  | 'op' // operators, incl. | && || structural
  | 'keyword' // reserved words: true, nil, ok, server, count, rate, by, duration, name, …
  | 'ident' // any other identifier (minInt, maxInt, hint names, unknown words)
  | 'string'
  | 'int'
  | 'float'
  | 'duration'
  | 'attrScope' // `.`, `span.`, `resource.`, `parent.`, `parent.span.`, `event.`, …
  | 'attrName' // the name after an attrScope (quotes removed)
  | 'intrinsicScope' // `span:`, `trace:`, `event:`, `link:`, `instrumentation:`
  | 'comment'
  | 'invalid'
  | 'eof';

/** One token. Offsets are UTF-16 indexes into the source; line/col are 1-based, col in code points. */
export interface Token {
  type: TokenType;
  /** Source text of the token. */
  text: string;
  /** Decoded value: the string contents, the attribute name, or the normalised scope. */
  value: string;
  /** Numeric value of int / duration (bigint, ns for durations) and float (number) tokens. */
  num: bigint | number | null;
  start: number;
  end: number;
  line: number;
  col: number;
  /** For `invalid` tokens: what is wrong. */
  error?: string;
}

/** Words the lexer reserves (Tempo's token map). */
export const KEYWORDS: ReadonlySet<string> = new Set([
  'true', 'false', 'nil', 'ok', 'error', 'unset',
  'unspecified', 'internal', 'server', 'client', 'producer', 'consumer',
  'duration', 'childCount', 'name', 'status', 'statusMessage', 'kind', 'rootName', 'rootServiceName',
  'rootService', 'traceDuration', 'nestedSetLeft', 'nestedSetRight', 'nestedSetParent', 'id',
  'traceID', 'spanID', 'parentID', 'timeSinceStart', 'version', 'parent',
  'count', 'avg', 'max', 'min', 'sum', 'by', 'coalesce', 'select',
  'rate', 'count_over_time', 'min_over_time', 'max_over_time', 'avg_over_time', 'sum_over_time',
  'quantile_over_time', 'histogram_over_time', 'compare', 'topk', 'bottomk', 'with',
]);

const OPERATORS: ReadonlySet<string> = new Set([
  '=', '!=', '=~', '!~', '>', '>=', '<', '<=', '+', '-', '/', '%', '*', '^', '&&', '||', '!', '|',
  '>>', '<<', '~', '!>', '!<', '!>>', '!<<', '&~', '&>', '&<', '&>>', '&<<',
]);
const ATTR_SCOPES: ReadonlySet<string> = new Set(['parent.', 'resource.', 'span.', 'event.', 'link.', 'instrumentation.']);
const INTRINSIC_SCOPES: ReadonlySet<string> = new Set(['trace:', 'span:', 'event:', 'link:', 'instrumentation:']);

/** Go's unicode.IsSpace. */
export function isGoSpace(c: string): boolean {
  switch (c) {
    case ' ': case '\t': case '\n': case '\v': case '\f': case '\r': case '\u0085': case '\u00a0':
    case '\u1680': case '\u2028': case '\u2029': case '\u202f': case '\u205f': case '\u3000':
      return true;
  }
  return c >= '\u2000' && c <= '\u200a';
}

/** Whether `c` may appear unquoted in an attribute name. */
export function isAttributeChar(c: string): boolean {
  if (c === '' || isGoSpace(c)) return false;
  return !'{}()=~!<>&|^,'.includes(c);
}

const identStart = /[\p{L}_]/u;
const identPart = /[\p{L}\p{Nd}_]/u;
const durationRun = /[\p{N}.nsumhµdwy]/u;

/** Lexes the whole source. Never throws; the last token is always `eof`. */
export function lex(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let line = 1;
  let col = 1;
  /** Code point at UTF-16 index j ('' at the end). */
  const at = (j: number): string => {
    if (j >= src.length) return '';
    const c = src.charCodeAt(j);
    if (c >= 0xd800 && c <= 0xdbff && j + 1 < src.length) {
      const d = src.charCodeAt(j + 1);
      if (d >= 0xdc00 && d <= 0xdfff) return src.slice(j, j + 2);
    }
    return src[j];
  };
  const advance = (): string => {
    const c = at(i);
    i += c.length;
    if (c === '\n') {
      line++;
      col = 1;
    } else {
      col++;
    }
    return c;
  };
  const push = (type: TokenType, start: number, sl: number, sc: number, value?: string, num: bigint | number | null = null, error?: string) => {
    const text = src.slice(start, i);
    const t: Token = { type, text, value: value ?? text, num, start, end: i, line: sl, col: sc };
    if (error !== undefined) t.error = error;
    out.push(t);
  };

  const lexAttributeName = () => {
    if (!isAttributeChar(at(i))) return; // missing name: the parser reports it
    const start = i, sl = line, sc = col;
    let name = '';
    while (isAttributeChar(at(i))) {
      if (at(i) !== '"') {
        name += advance();
        continue;
      }
      advance();
      let closed = false;
      while (i < src.length) {
        const c = advance();
        if (c === '"') {
          closed = true;
          break;
        }
        if (c === '\\') {
          const e = at(i);
          if (e !== '"' && e !== '\\') return push('invalid', start, sl, sc, undefined, null, 'invalid escape sequence in quoted attribute name');
          name += advance();
        } else {
          name += c;
        }
      }
      if (!closed) return push('invalid', start, sl, sc, undefined, null, 'unexpected EOF, expecting "');
    }
    push('attrName', start, sl, sc, name);
  };

  while (i < src.length) {
    const c = at(i);
    const start = i, sl = line, sc = col;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      advance();
      continue;
    }
    if (c === '/' && (at(i + 1) === '/' || at(i + 1) === '*')) {
      advance();
      if (advance() === '/') {
        while (i < src.length && at(i) !== '\n') advance();
      } else {
        let closed = false;
        while (i < src.length) {
          if (at(i) === '*' && at(i + 1) === '/') {
            advance();
            advance();
            closed = true;
            break;
          }
          advance();
        }
        if (!closed) {
          push('invalid', start, sl, sc, undefined, null, 'comment not terminated');
          continue;
        }
      }
      push('comment', start, sl, sc);
      continue;
    }
    if (c === '"' || c === '`') {
      advance();
      let closed = false;
      while (i < src.length) {
        const d = at(i);
        if (d === c) {
          advance();
          closed = true;
          break;
        }
        if (c === '"' && d === '\n') break;
        advance();
        if (c === '"' && d === '\\' && i < src.length && at(i) !== '\n') advance();
      }
      if (!closed) {
        push('invalid', start, sl, sc, undefined, null, 'literal not terminated');
        continue;
      }
      const decoded = decodeGoString(src.slice(start, i));
      if (typeof decoded === 'string') push('string', start, sl, sc, decoded);
      else push('invalid', start, sl, sc, undefined, null, decoded.error);
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(at(i + 1)))) {
      lexNumber(start, sl, sc);
      continue;
    }
    if (identStart.test(c)) {
      while (i < src.length && identPart.test(at(i))) advance();
      const word = src.slice(start, i);
      const next = at(i);
      if ((next === '.' && ATTR_SCOPES.has(word + next)) || (next === ':' && INTRINSIC_SCOPES.has(word + next))) {
        advance();
        if (next === ':') {
          push('intrinsicScope', start, sl, sc);
          continue;
        }
        let scope = word + next;
        if (scope === 'parent.') {
          for (const inner of ['span.', 'resource.']) {
            if (src.startsWith(inner, i)) {
              for (let k = 0; k < inner.length; k++) advance();
              scope += inner;
              break;
            }
          }
        }
        push('attrScope', start, sl, sc, scope);
        lexAttributeName();
        continue;
      }
      push(KEYWORDS.has(word) ? 'keyword' : 'ident', start, sl, sc);
      continue;
    }
    if (c === '.') {
      advance();
      push('attrScope', start, sl, sc, '.');
      lexAttributeName();
      continue;
    }
    if ('{}(),'.includes(c)) {
      advance();
      push('punct', start, sl, sc);
      continue;
    }
    let op = c;
    for (let n = at(i + 1); n !== '' && OPERATORS.has(op + n); n = at(i + op.length)) op += n;
    if (OPERATORS.has(op)) {
      for (let k = 0; k < op.length; k++) advance();
      push('op', start, sl, sc);
      continue;
    }
    advance();
    push('invalid', start, sl, sc, undefined, null, `unexpected character ${JSON.stringify(c)}`);
  }
  out.push({ type: 'eof', text: '', value: '', num: null, start: i, end: i, line, col });
  return out;

  function lexNumber(start: number, sl: number, sc: number) {
    // Go scanner: digits [. digits] [e[+-]digits]  |  . digits [e…]
    while (/[0-9]/.test(at(i))) advance();
    let isFloat = false;
    if (at(i) === '.') {
      isFloat = true;
      advance();
      while (/[0-9]/.test(at(i))) advance();
    }
    if (/[eE]/.test(at(i))) {
      const sign = /[+-]/.test(at(i + 1)) ? 1 : 0;
      if (/[0-9]/.test(at(i + 1 + sign))) {
        isFloat = true;
        advance();
        if (sign) advance();
        while (/[0-9]/.test(at(i))) advance();
      }
    }
    const numText = src.slice(start, i);
    // A run of digits, '.', and duration units right after the number may make it a duration.
    let j = i;
    while (j < src.length && durationRun.test(at(j))) j += at(j).length;
    if (j > i) {
      const ns = parseDurationLiteral(src.slice(start, j));
      if (ns !== null) {
        while (i < j) advance();
        return push('duration', start, sl, sc, undefined, ns);
      }
    }
    if (isFloat) {
      const f = Number(numText);
      if (!Number.isFinite(f)) return push('invalid', start, sl, sc, undefined, null, `strconv.ParseFloat: parsing "${numText}": value out of range`);
      return push('float', start, sl, sc, undefined, f);
    }
    if (/^0[0-9]*[89]/.test(numText)) return push('invalid', start, sl, sc, undefined, null, `invalid digit in octal literal ${numText}`);
    const n = BigInt(numText);
    if (n > 9223372036854775807n) return push('invalid', start, sl, sc, undefined, null, `strconv.Atoi: parsing "${numText}": value out of range`);
    push('int', start, sl, sc, undefined, n);
  }
}
