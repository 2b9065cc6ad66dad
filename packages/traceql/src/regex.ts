/**
 * TraceQL regexes are Go RE2, matched fully anchored with dot-matches-newline (Prometheus'
 * FastRegexMatcher compiles `^(?s:re)$`). This module checks a pattern against RE2's syntax and
 * translates it to an equivalent JavaScript RegExp (flag `u`), rejecting what RE2 rejects
 * (backreferences, lookaround, bad repeats…) and what JavaScript cannot express faithfully
 * (e.g. `(?i)` switched on mid-pattern).
 */

import { regexBoundsProblem } from './regex-bounds.ts';

/** A translated regex: `new RegExp(source, flags)` matches exactly the strings Tempo matches. */
export interface TranslatedRegex {
  source: string;
  flags: string;
}

/** Thrown (internally) for patterns that RE2 rejects or JS cannot represent. */
export class RegexError extends Error {}

const MAX_REPEAT = 1000;
const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7f', blank: '\\t ', cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9', graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~', space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z', word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};
const PERL: Record<string, string> = { d: '0-9', s: '\\t\\n\\f\\r ', w: '0-9A-Za-z_' };
const GENERAL_CATEGORIES = /^(?:L[ultmo]?|M[nce]?|N[dlo]?|P[cdseifo]?|S[mcko]?|Z[slp]?|C[cfson]?)$/;

const lit = (cp: number): string => `\\u{${cp.toString(16)}}`;

/** Translates an RE2 pattern into an anchored JS regex. Throws RegexError. */
export function translateRegex(pattern: string): TranslatedRegex {
  // Bounded first, so an oversized pattern is not parsed at all (regex-bounds.ts).
  const tooBig = regexBoundsProblem(pattern);
  if (tooBig !== null) throw new RegexError(tooBig);
  const chars = [...pattern];
  let i = 0;
  let depth = 0;
  // Flags in force; `i` may only be set for the whole pattern (JS has no inline modifiers here).
  const flags = { i: false, m: false, s: true, U: false };
  let globalI = false;
  if (pattern.startsWith('(?i)')) {
    globalI = true;
    flags.i = true;
    i = 4;
  }

  const peek = (k = 0) => chars[i + k] ?? '';
  const fail = (msg: string): never => {
    throw new RegexError(msg);
  };

  function parseAlternation(): string {
    const parts = [parseConcat()];
    while (peek() === '|') {
      i++;
      parts.push(parseConcat());
    }
    return parts.join('|');
  }

  function parseConcat(): string {
    let out = '';
    let lastAtom: string | null = null; // last repeatable atom, not yet appended
    let lastWasRepeat = false;
    const flush = () => {
      if (lastAtom !== null) out += lastAtom;
      lastAtom = null;
    };
    while (i < chars.length && peek() !== '|' && peek() !== ')') {
      const c = peek();
      if (c === '*' || c === '+' || c === '?' || (c === '{' && repeatAhead())) {
        if (lastAtom === null) fail(lastWasRepeat ? `invalid nested repetition operator: ${c}` : `missing argument to repetition operator: ${c}`);
        let q = c;
        if (c === '{') q = parseRepeatBraces();
        else i++;
        let lazy = false;
        if (peek() === '?') {
          lazy = true;
          i++;
        }
        if (flags.U) lazy = !lazy;
        if (peek() !== '' && '*+?{'.includes(peek()) && (peek() !== '{' || repeatAhead())) fail(`invalid nested repetition operator: ${q}${peek()}`);
        out += `(?:${lastAtom})${q}${lazy ? '?' : ''}`;
        lastAtom = null;
        lastWasRepeat = true;
        continue;
      }
      flush();
      lastWasRepeat = false;
      const atom = parseAtom();
      if (atom.repeatable) lastAtom = atom.src;
      else out += atom.src;
    }
    flush();
    return out;
  }

  function repeatAhead(): boolean {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(chars.slice(i, i + 24).join(''));
    return m !== null;
  }

  function parseRepeatBraces(): string {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(chars.slice(i, i + 24).join(''))!;
    i += [...m[0]].length;
    const min = Number(m[1]);
    const max = m[3] === undefined ? (m[2] ? -1 : min) : m[3] === '' ? -1 : Number(m[3]);
    if (min > MAX_REPEAT || max > MAX_REPEAT || (max !== -1 && max < min)) fail(`invalid repeat count: ${m[0]}`);
    return m[0];
  }

  function parseAtom(): { src: string; repeatable: boolean } {
    const c = chars[i++];
    switch (c) {
      case '(':
        return { src: parseGroup(), repeatable: true };
      case '[':
        return { src: parseClass(), repeatable: true };
      case '.':
        return { src: flags.s ? '[^]' : '[^\\n]', repeatable: true };
      case '^':
        return { src: flags.m ? '(?<=^|\\n)' : '^', repeatable: false };
      case '$':
        return { src: flags.m ? '(?=\\n|$)' : '$', repeatable: false };
      case '\\':
        return parseEscape(false);
      default:
        return { src: literal(c.codePointAt(0)!), repeatable: true };
    }
  }

  function literal(cp: number): string {
    if (flags.i && !globalI) fail('case-insensitive matching (?i) is only supported for the whole regex, as a leading (?i)');
    return lit(cp);
  }

  function parseGroup(): string {
    if (++depth > 1000) fail('regex nests too deeply');
    let capture = true;
    const saved = { ...flags };
    if (peek() === '?') {
      i++;
      if (peek() === 'P' && peek(1) === '<') i++;
      if (peek() === '<' && peek(1) !== '=' && peek(1) !== '!') {
        const m = /^<([A-Za-z0-9_]+)>/.exec(chars.slice(i, i + 64).join(''));
        if (!m) fail('invalid named capture');
        i += m![0].length;
      } else if (peek() === '=' || peek() === '!' || peek() === '<' || peek() === 'P' || peek() === '>') {
        fail('invalid or unsupported Perl syntax: lookarounds, backreferences and atomic groups are not RE2');
      } else {
        let neg = false;
        let any = false;
        for (;;) {
          const f = peek();
          i++;
          if (f === '-' && !neg) {
            neg = true;
            continue;
          }
          if (f === 'i' || f === 'm' || f === 's' || f === 'U') {
            flags[f] = !neg;
            any = true;
            continue;
          }
          if ((f === ')' && any) || (f === ':' && (any || !neg))) {
            if (f === ')') {
              // (?flags) applies to the rest of the enclosing group: keep them, emit nothing.
              if (flags.i !== saved.i && !(globalI && flags.i)) fail('case-insensitive matching (?i) is only supported for the whole regex, as a leading (?i)');
              depth--;
              return '';
            }
            capture = false;
            break;
          }
          fail('invalid or unsupported Perl syntax in group flags');
        }
        if (flags.i && !globalI) fail('case-insensitive matching (?i) is only supported for the whole regex, as a leading (?i)');
      }
    }
    const inner = parseAlternation();
    if (peek() !== ')') fail('missing closing )');
    i++;
    depth--;
    Object.assign(flags, saved);
    return capture ? `(${inner})` : `(?:${inner})`;
  }

  function parseEscape(inClass: boolean): { src: string; repeatable: boolean } {
    const c = chars[i++];
    if (c === undefined) fail('trailing backslash at end of expression');
    if (/[0-7]/.test(c) && (c === '0' || /[0-7]/.test(peek()))) {
      let v = c;
      while (v.length < 3 && /[0-7]/.test(peek())) v += chars[i++];
      return { src: lit(parseInt(v, 8)), repeatable: true };
    }
    if (/[1-9]/.test(c)) fail('invalid escape sequence: backreferences are not supported by RE2');
    if (c in PERL || c.toLowerCase() in PERL) {
      const set = PERL[c.toLowerCase()];
      return { src: inClass ? (c === c.toLowerCase() ? set : fail(`cannot use \\${c} inside a class here`)) : c === c.toLowerCase() ? `[${set}]` : `[^${set}]`, repeatable: true };
    }
    switch (c) {
      case 'a': return { src: lit(7), repeatable: true };
      case 'f': return { src: lit(12), repeatable: true };
      case 't': return { src: lit(9), repeatable: true };
      case 'n': return { src: lit(10), repeatable: true };
      case 'r': return { src: lit(13), repeatable: true };
      case 'v': return { src: lit(11), repeatable: true };
      case 'x': {
        const m = /^(?:\{([0-9A-Fa-f]{1,8})\}|([0-9A-Fa-f]{2}))/.exec(chars.slice(i, i + 10).join(''));
        if (!m) fail('invalid escape sequence: \\x');
        i += m![0].length;
        const v = parseInt(m![1] ?? m![2], 16);
        if (v > 0x10ffff) fail('invalid escape sequence: \\x out of range');
        return { src: lit(v), repeatable: true };
      }
      case 'p':
      case 'P': {
        let name = chars[i++] ?? '';
        if (name === '{') {
          const end = chars.indexOf('}', i);
          if (end < 0) fail('invalid character class range: missing }');
          name = chars.slice(i, end).join('');
          i = end + 1;
        }
        let neg = c === 'P';
        if (name.startsWith('^')) {
          neg = !neg;
          name = name.slice(1);
        }
        const prop = name === 'Any' ? null : GENERAL_CATEGORIES.test(name) ? name : `Script=${name}`;
        const body = prop === null ? (neg ? '' : '\\u{0}-\\u{10ffff}') : `\\${neg ? 'P' : 'p'}{${prop}}`;
        try {
          new RegExp(`[${body}]`, 'u');
        } catch {
          fail(`invalid character class range: \\p{${name}}`);
        }
        if (flags.i) fail('\\p classes with case-insensitive matching are not supported');
        return { src: inClass ? body : `[${body}]`, repeatable: true };
      }
      case 'A': return inClass ? fail('invalid escape sequence: \\A') : { src: '^', repeatable: false };
      case 'z': return inClass ? fail('invalid escape sequence: \\z') : { src: '$', repeatable: false };
      case 'b': case 'B': return inClass ? fail(`invalid escape sequence: \\${c}`) : { src: `\\${c}`, repeatable: false };
      case 'Q': {
        const end = pattern.indexOf('\\E', i);
        const text = end < 0 ? chars.slice(i).join('') : chars.slice(i, end).join('');
        i += [...text].length + (end < 0 ? 0 : 2);
        if (inClass) fail('\\Q…\\E inside a character class is not supported');
        return { src: [...text].map((ch) => literal(ch.codePointAt(0)!)).join(''), repeatable: true };
      }
    }
    const cp = c.codePointAt(0)!;
    if (cp < 0x80 && !/[0-9A-Za-z]/.test(c)) return { src: inClass ? lit(cp) : literal(cp), repeatable: true };
    return fail(`invalid escape sequence: \\${c}`);
  }

  function parseClass(): string {
    let neg = false;
    if (peek() === '^') {
      neg = true;
      i++;
    }
    const items: string[] = [];
    let first = true;
    for (;;) {
      const c = peek();
      if (c === '') fail('missing closing ]');
      if (c === ']' && !first) {
        i++;
        break;
      }
      first = false;
      if (c === '[' && peek(1) === ':') {
        const m = /^\[:(\^?)([a-z]+):\]/.exec(chars.slice(i, i + 16).join(''));
        if (m && POSIX[m[2]] !== undefined) {
          if (m[1]) fail('negated POSIX classes inside a class are not supported');
          items.push(POSIX[m[2]]);
          i += m[0].length;
          continue;
        }
        if (m) fail(`invalid character class range: ${m[0]}`);
      }
      const lo = classChar();
      if (lo.set !== null) {
        items.push(lo.set);
        continue;
      }
      if (peek() === '-' && peek(1) !== ']' && peek(1) !== '') {
        i++;
        const hi = classChar();
        if (hi.set !== null || hi.cp < lo.cp) fail('invalid character class range');
        items.push(`${lit(lo.cp)}-${lit(hi.cp)}`);
      } else {
        items.push(lit(lo.cp));
      }
    }
    if (flags.i && !globalI) fail('case-insensitive matching (?i) is only supported for the whole regex, as a leading (?i)');
    if (!items.length) return neg ? '[^]' : '[]';
    return `[${neg ? '^' : ''}${items.join('')}]`;
  }

  function classChar(): { cp: number; set: string | null } {
    const c = chars[i++];
    if (c !== '\\') return { cp: c.codePointAt(0)!, set: null };
    const e = parseEscape(true);
    const m = /^\\u\{([0-9a-f]+)\}$/.exec(e.src);
    return m ? { cp: parseInt(m[1], 16), set: null } : { cp: -1, set: e.src };
  }

  const body = parseAlternation();
  if (i < chars.length) fail(peek() === ')' ? 'unexpected )' : `unexpected ${peek()}`);
  const source = `^(?:${body})$`;
  const out = { source, flags: globalI ? 'iu' : 'u' };
  try {
    new RegExp(out.source, out.flags);
  } catch (e) {
    fail(`cannot be represented in JavaScript: ${(e as Error).message}`);
  }
  return out;
}
