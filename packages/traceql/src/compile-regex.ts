/**
 * TraceQL regexes (Go RE2, fully anchored) as Postgres regexes: only the subset whose meaning is
 * the same in RE2 and Postgres ARE is accepted; anything else is rejected by name rather than
 * matched differently.
 */
import { TraceQLUnsupportedError } from './errors.ts';
import { translateRegex } from './regex.ts';

function unsupported(construct: string, e: { pos: { line: number; col: number } }, detail?: string): never {
  throw new TraceQLUnsupportedError(construct, e.pos, detail);
}

/** A regex as Postgres ARE: only the subset whose meaning is the same in RE2 and ARE passes. */
export function regexForPostgres(pattern: string, at: { pos: { line: number; col: number } }): { source: string; caseInsensitive: boolean } {
  translateRegex(pattern); // RE2 syntax check (validate did this too)
  let body = pattern;
  let caseInsensitive = false;
  if (body.startsWith('(?i)')) {
    caseInsensitive = true;
    body = body.slice(4);
  }
  // Literals, `.`, groups, alternation, repeats, bracket classes of literals/ranges, escaped punctuation.
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') {
      const n = body[i + 1] ?? '';
      if (!/[.^$*+?()[\]{}|\\\-/]/.test(n)) unsupported(`regex escape \\${n}`, at, 'use literal characters or bracket classes');
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      else if (c === '[') unsupported('regex nested or POSIX character class', at);
      continue;
    }
    if (c === '[') {
      inClass = true;
      if (body[i + 1] === '^') i++;
      if (body[i + 1] === ']') i++;
      continue;
    }
    if (c === '(' && body[i + 1] === '?') unsupported('regex group flags (?...)', at);
    if (c === '{') {
      // Bounded repeats only, within ARE's limit of 255; a literal `{` is rejected rather than guessed.
      const m = /^\{(\d{1,3})(,(\d{0,3}))?\}/.exec(body.slice(i));
      if (!m || Number(m[1]) > 255 || (m[3] !== undefined && m[3] !== '' && Number(m[3]) > 255)) unsupported('regex repeat counts above 255 or a literal {', at);
      i += m[0].length - 1;
      continue;
    }
    if (c === '^' || c === '$') unsupported('regex anchors ^ $ inside a pattern', at, 'TraceQL regexes are already anchored');
    if (c.codePointAt(0)! < 0x20) unsupported('regex control characters', at);
  }
  return { source: `^(?:${body})$`, caseInsensitive };
}
