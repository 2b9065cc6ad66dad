import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFail, unsupported, valid, validateFail } from '../test/corpus.ts';
import { stripPos } from '../test/helpers.ts';
import { parse, parseIdentifier, print, tokenize, TraceQLParseError, TraceQLUnsupportedError, TraceQLValidationError, validate } from './index.ts';

/** Small seeded PRNG (mulberry32) so failures reproduce. */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VOCAB = [
  '{', '}', '(', ')', ',', '|', '&&', '||', '!', '=', '!=', '<', '<=', '>', '>=', '=~', '!~', '>>', '<<', '~', '!>', '!<',
  '!>>', '!<<', '&>', '&>>', '&<', '&<<', '&~', '+', '-', '*', '/', '%', '^', '.a', 'span.b', 'resource.service.name',
  'parent.x', 'event.e', 'link.l', 'instrumentation.i', '."q x"', 'duration', 'name', 'status', 'kind', 'span:duration',
  'trace:id', 'span:', 'nestedSetLeft', 'parent', 'nil', 'true', 'false', 'ok', 'error', 'server', '1', '2.5', '.5', '1s',
  '1h30m', '-1', 'minInt', '"str"', '`raw`', 'count()', 'avg(', 'max(', 'by(', 'coalesce()', 'select(', 'rate()',
  'count_over_time()', 'quantile_over_time(', 'histogram_over_time(', 'compare(', 'topk(', 'bottomk(', 'with(', 'sample=0.1',
  'most_recent=true', 'foo', '\n', '//c\n', '/*', '*/', '"', '`', '\\', '@', 'é', '😀', '0x1', '08', '1e999',
];

function isOurs(e: unknown): boolean {
  return e instanceof TraceQLParseError || e instanceof TraceQLValidationError || e instanceof TraceQLUnsupportedError;
}

/** Parses (and validates, prints, re-parses) one input; only our errors may escape, quickly. */
function check(query: string, budgetMs = 250): void {
  const q = query;
  const show = (s: string) => JSON.stringify(s.length > 200 ? s.slice(0, 200) + '…' : s);
  const t0 = performance.now();
  let ast;
  try {
    ast = parse(q);
  } catch (e) {
    assert.ok(e instanceof TraceQLParseError, `parse(${show(q)}) threw ${String(e)}`);
    assert.match(e.message, /^parse error at line \d+, col \d+: /);
  }
  if (ast) {
    try {
      validate(ast, { allowUnsafeHints: true });
    } catch (e) {
      assert.ok(isOurs(e), `validate(${show(q)}) threw ${String(e)}`);
    }
    const printed = print(ast);
    let again;
    try {
      again = parse(printed);
    } catch (e) {
      assert.fail(`${show(q)} printed as ${show(printed)} does not parse: ${String(e)}`);
    }
    assert.deepEqual(stripPos(again), stripPos(ast), `${show(q)} printed as ${show(printed)}`);
  }
  const toks = tokenize(q);
  assert.ok(Array.isArray(toks));
  try {
    parseIdentifier(q);
  } catch (e) {
    assert.ok(e instanceof TraceQLParseError, `parseIdentifier(${show(q)}) threw ${String(e)}`);
  }
  const ms = performance.now() - t0;
  assert.ok(ms < budgetMs, `${show(q)} took ${ms.toFixed(1)} ms`);
}

const checkSlow = (q: string) => check(q, 3000);

describe('fuzz', () => {
  it('random token soup', () => {
    const r = rng(1);
    for (let n = 0; n < 3000; n++) {
      const len = 1 + Math.floor(r() * 14);
      const parts: string[] = [];
      for (let k = 0; k < len; k++) parts.push(VOCAB[Math.floor(r() * VOCAB.length)]);
      check(parts.join(r() < 0.5 ? ' ' : ''));
    }
  });

  it('mutated corpus lines', () => {
    const r = rng(2);
    const corpus = [...valid, ...parseFail, ...validateFail, ...unsupported];
    const chars = '{}()|&=!<>~+-*/%^.,":`\\ \n\t0123456789abcnsmh_éy';
    for (let n = 0; n < 4000; n++) {
      let q = corpus[Math.floor(r() * corpus.length)];
      const edits = 1 + Math.floor(r() * 3);
      for (let k = 0; k < edits; k++) {
        const at = Math.floor(r() * (q.length + 1));
        const op = r();
        if (op < 0.33) q = q.slice(0, at) + q.slice(at + 1);
        else if (op < 0.66) q = q.slice(0, at) + chars[Math.floor(r() * chars.length)] + q.slice(at);
        else q = q.slice(0, at) + VOCAB[Math.floor(r() * VOCAB.length)] + q.slice(at);
      }
      check(q);
    }
  });

  it('spliced corpus lines', () => {
    const r = rng(3);
    for (let n = 0; n < 1000; n++) {
      const a = valid[Math.floor(r() * valid.length)];
      const b = valid[Math.floor(r() * valid.length)];
      check(a.slice(0, Math.floor(r() * a.length)) + b.slice(Math.floor(r() * b.length)));
    }
  });

  it('pathological inputs finish fast', () => {
    const check = (q: string) => checkSlow(q);
    check('('.repeat(100_000));
    check('{ ' + '('.repeat(50_000) + '.a' + ')'.repeat(50_000) + ' }');
    check('{ ' + '!'.repeat(100_000) + 'true }');
    check('{ ' + '-'.repeat(100_000) + '1 = 1 }');
    check('{ .a = 1 }' + ' | { .a = 1 }'.repeat(5_000));
    check('{ ' + Array.from({ length: 990 }, (_, k) => `.a${k} = ${k}`).join(' && ') + ' }');
    check('"' + 'x'.repeat(200_000));
    check('/*' + '*'.repeat(100_000));
    check('{ .a =~ "' + '('.repeat(2_000) + '" }');
    check('{ .a =~ "' + '(a'.repeat(500) + ')'.repeat(500) + '" }');
    check('{ .' + 'a'.repeat(100_000) + ' = 1 }');
    check('1' + 's'.repeat(100_000));
    check('{ ' + Array.from({ length: 5_000 }, () => '.a = 1').join(' && ') + ' }');
    check(Array.from({ length: 5_000 }, () => '{ .a }').join(' >> '));
    check(Array.from({ length: 5_000 }, () => '({ } | rate())').join(' + '));
  });
});
