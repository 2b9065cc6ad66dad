import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFail, unsupported, valid, validateFail } from '../test/corpus.ts';
import { stripPos } from '../test/helpers.ts';
import { parse, print, TraceQLParseError, TraceQLUnsupportedError, TraceQLValidationError, validate } from './index.ts';

describe('corpus', () => {
  it('has enough lines in every category', () => {
    assert.ok(valid.length + parseFail.length + validateFail.length + unsupported.length >= 300);
    for (const list of [valid, parseFail, validateFail, unsupported]) assert.ok(list.length >= 20);
    const all = [...valid, ...parseFail, ...validateFail, ...unsupported];
    assert.equal(new Set(all).size, all.length, 'no query is listed twice');
  });

  it('valid queries parse and validate', () => {
    for (const q of valid) {
      assert.doesNotThrow(() => validate(parse(q)), `valid: ${q}`);
    }
  });

  it('parse-fail queries throw TraceQLParseError with a position', () => {
    for (const q of parseFail) {
      assert.throws(() => parse(q), (e: unknown) => {
        assert.ok(e instanceof TraceQLParseError, `parse-fail: ${q} threw ${String(e)}`);
        assert.match(e.message, /^parse error at line \d+, col \d+: .+/);
        assert.ok(e.line >= 1 && e.col >= 1);
        return true;
      }, `parse-fail: ${q}`);
    }
  });

  it('validate-fail queries parse, then throw TraceQLValidationError', () => {
    for (const q of validateFail) {
      const ast = parse(q);
      assert.throws(() => validate(ast), (e: unknown) => e instanceof TraceQLValidationError, `validate-fail: ${q}`);
    }
  });

  it('unsupported queries parse, then throw TraceQLUnsupportedError naming the construct', () => {
    for (const q of unsupported) {
      const ast = parse(q);
      assert.throws(() => validate(ast), (e: unknown) => {
        assert.ok(e instanceof TraceQLUnsupportedError, `unsupported: ${q} threw ${String(e)}`);
        assert.ok(e.construct.length > 0);
        assert.match(e.message, /not yet supported/);
        return true;
      }, `unsupported: ${q}`);
    }
  });

  it('round-trips: parse(print(parse(q))) equals parse(q) without positions', () => {
    for (const q of [...valid, ...validateFail, ...unsupported]) {
      const ast = parse(q);
      const printed = print(ast);
      let again;
      try {
        again = parse(printed);
      } catch (e) {
        assert.fail(`${q}\n printed as ${printed}\n does not parse: ${(e as Error).message}`);
      }
      assert.deepEqual(stripPos(again), stripPos(ast), `${q}\n printed as ${printed}`);
      assert.equal(print(again), printed, `printing is stable for ${q}`);
    }
  });
});
