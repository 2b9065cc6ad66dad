import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TraceQLValidationError, parse, validate } from './index.ts';
import { MAX_REGEX_LENGTH, regexBoundsProblem } from './regex-bounds.ts';

test('regex bounds: nested repeat counts multiply; single repeats (Postgres caps them at 255 itself) and stars pass', () => {
  for (const ok of ['a{1,255}', '(a{1,15}){1,15}', '((a{1,5}){1,5}){1,5}', '(.*){255}x', '(a*)*b', 'x{2}y{255}z{255}', '[{]{1,200}', '\\{{1,255}', '\\p{Greek}{1,255}', '(a{1,255})*', 'a{300}', '(a{256}|b)']) {
    assert.equal(regexBoundsProblem(ok), null, ok);
  }
  const cases: [string, number][] = [
    ['(a{1,16}){1,16}', 256],
    ['(a{1,50}){1,50}', 2500],
    ['((a{2}){10}){20}', 400],
    ['(x|(y{1,100})){3}', 300],
    ['(a{300,}){1}', 300],
    ['(a{2}b{200}){2}', 400],
    ['(?:[a-z]{1,20}){20}', 400],
  ];
  for (const [re, product] of cases) {
    assert.match(regexBoundsProblem(re) ?? '', new RegExp(`nested repeat counts multiply to ${product}, more than the limit of 255`), re);
  }
  assert.match(regexBoundsProblem('a'.repeat(MAX_REGEX_LENGTH + 1)) ?? '', /8193 characters long, more than the limit of 8192/);
  assert.equal(regexBoundsProblem('a|'.repeat(MAX_REGEX_LENGTH / 2 - 1) + 'a'), null);
});

test('regex bounds in validation: a 400-class error naming the regex, a long one by its start', () => {
  assert.throws(
    () => validate(parse('{ .payload =~ "(a{1,50}){1,50}" }')),
    (e: Error) => e instanceof TraceQLValidationError && /^invalid regex: "\(a\{1,50\}\)\{1,50\}": nested repeat counts multiply to 2500/.test(e.message),
  );
  const long = 'x'.repeat(MAX_REGEX_LENGTH + 10);
  assert.throws(
    () => validate(parse(`{ name !~ "${long}" }`)),
    (e: Error) => e instanceof TraceQLValidationError && e.message.startsWith(`invalid regex: "${'x'.repeat(99)}…: the pattern is 8202 characters long`),
  );
  validate(parse('{ .payload =~ "(a{1,15}){1,15}" }'));
});
