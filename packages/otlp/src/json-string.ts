/**
 * JSON string literal for `s`. Most strings in spans need no escaping, so a single regex test
 * lets them through with two concatenations; the rest go through JSON.stringify, which escapes
 * quotes, backslashes and control characters, and writes lone surrogates as `\udXXX` escapes
 * (so the output stays valid UTF-8 and the text survives unchanged).
 */
export function jsonString(s: string): string {
  return NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : '"' + s + '"';
}

const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
