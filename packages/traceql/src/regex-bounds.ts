/**
 * Bounds on TraceQL regexes, beyond what RE2 itself rejects, so a single pattern cannot make the
 * database work for minutes. Postgres' regex engine does not backtrack, but it expands counted
 * repeats into copies of their operand, so nested counts multiply: measured on Postgres 15 over
 * 400 KB of text, `(a{1,10}){1,10}` takes 0.06 s, `(a{1,20}){1,20}` 1 s, `(a{1,30}){1,30}`
 * 5.6 s and `(a{1,50}){1,50}` 23 s, while a single `a{1,255}` takes 0.5 s. So the product of
 * nested repeat counts may not pass 255, the most one repeat may have. Long patterns are cheap
 * to match (an alternation of 3,000 names runs in 0.5 s) but are capped too, as input to parse.
 */

/**
 * Longest regex accepted, in characters: an alternation of 300 service names fits, and so does
 * a query carrying it in a GET URL (Node refuses request heads over 16 KB).
 */
export const MAX_REGEX_LENGTH = 8192;
/** Largest product of the counts of nested counted repeats (`{n}`, `{m,n}`, `{m,}`). */
export const MAX_REPEAT_PRODUCT = 255;

/** Why `pattern` is over the bounds, or null when it is within them. */
export function regexBoundsProblem(pattern: string): string | null {
  if (pattern.length > MAX_REGEX_LENGTH) {
    return `the pattern is ${pattern.length} characters long, more than the limit of ${MAX_REGEX_LENGTH}`;
  }
  const product = repeatProduct(pattern);
  if (product > MAX_REPEAT_PRODUCT) {
    return `nested repeat counts multiply to ${product}, more than the limit of ${MAX_REPEAT_PRODUCT} (e.g. (x{1,10}){1,20} is 200); use * or + for open-ended repeats`;
  }
  return null;
}

const REPEAT = /^\{(\d{1,9})(?:(,)(\d{0,9}))?\}/;

/** Copies of an atom the engine builds, and how many counted repeats multiplied to it. */
type Weight = { copies: number; repeats: number };
const ONE: Weight = { copies: 1, repeats: 0 };
const heavier = (a: Weight, b: Weight) => (b.copies > a.copies ? b : a);

/**
 * The largest product of counted-repeat counts along a nesting path of two or more of them: the
 * copies of its innermost atom the regex engine builds. `*`, `+` and `?` count 1; `{m,}` counts
 * m. A lone repeat is left to the compiler's own limit of 255. Syntax errors are left to the RE2
 * check; this only has to skip escapes and classes correctly.
 */
function repeatProduct(p: string): number {
  // Per open group: the heaviest weight inside it; `last` is the weight of the last atom, which
  // a following repeat multiplies.
  const stack: Weight[] = [ONE];
  let last = ONE;
  let best = 1;
  const atom = (w: Weight) => {
    last = w;
    stack[stack.length - 1] = heavier(stack[stack.length - 1], w);
    if (w.repeats > 1 && w.copies > best) best = w.copies;
  };
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') {
      i = skipEscape(p, i);
      atom(ONE);
    } else if (c === '[') {
      i = skipClass(p, i);
      atom(ONE);
    } else if (c === '(') {
      stack.push(ONE);
    } else if (c === ')') {
      atom(stack.length > 1 ? stack.pop()! : ONE);
    } else if (c === '{' && REPEAT.test(p.slice(i, i + 24))) {
      const m = REPEAT.exec(p.slice(i, i + 24))!;
      const count = m[2] && m[3] !== '' ? Number(m[3]) : Number(m[1]);
      atom({ copies: last.copies * Math.max(1, count), repeats: last.repeats + 1 });
      i += m[0].length - 1;
    } else if (c !== '*' && c !== '+' && c !== '?' && c !== '|') {
      atom(ONE);
    }
  }
  return best;
}

/** Index of the last character of the escape starting at `i` (`\x{..}`, `\p{..}`, `\Q..\E`). */
function skipEscape(p: string, i: number): number {
  const n = p[i + 1];
  if ((n === 'x' || n === 'p' || n === 'P') && p[i + 2] === '{') {
    const end = p.indexOf('}', i + 3);
    return end < 0 ? p.length : end;
  }
  if (n === 'Q') {
    const end = p.indexOf('\\E', i + 2);
    return end < 0 ? p.length : end + 1;
  }
  return i + 1;
}

/** Index of the `]` closing the class opened at `i` (a leading `]` or `^]` is a literal). */
function skipClass(p: string, i: number): number {
  let j = i + 1;
  if (p[j] === '^') j++;
  if (p[j] === ']') j++;
  for (; j < p.length; j++) {
    if (p[j] === '\\') j++;
    else if (p[j] === '[' && p[j + 1] === ':') {
      const end = p.indexOf(':]', j + 2);
      if (end > 0) j = end + 1;
    } else if (p[j] === ']') return j;
  }
  return p.length;
}
