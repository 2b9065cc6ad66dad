import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tokenize } from './index.ts';

describe('tokenize', () => {
  it('classifies tokens with ranges', () => {
    const q = '{ span.http.url =~ "/api.*" && duration > 1s } | rate() by (resource.service.name) with(sample=0.1)';
    const toks = tokenize(q);
    assert.deepEqual(toks.map((t) => [t.kind, t.text]), [
      ['punctuation', '{'], ['scope', 'span.'], ['attribute', 'http.url'], ['operator', '=~'], ['string', '"/api.*"'],
      ['operator', '&&'], ['intrinsic', 'duration'], ['operator', '>'], ['duration', '1s'], ['punctuation', '}'],
      ['operator', '|'], ['function', 'rate'], ['punctuation', '('], ['punctuation', ')'], ['function', 'by'], ['punctuation', '('],
      ['scope', 'resource.'], ['attribute', 'service.name'], ['punctuation', ')'], ['keyword', 'with'], ['punctuation', '('],
      ['identifier', 'sample'], ['operator', '='], ['number', '0.1'], ['punctuation', ')'],
    ]);
    for (const t of toks) assert.equal(q.slice(t.start, t.end), t.text);
  });

  it('never throws on broken input and marks what is wrong', () => {
    const toks = tokenize('{ .a = "unterminated\n  span:status = ok } @ /* x');
    assert.deepEqual(toks.map((t) => t.kind), ['punctuation', 'scope', 'attribute', 'operator', 'invalid', 'scope', 'intrinsic', 'operator', 'literal', 'punctuation', 'invalid', 'invalid']);
    assert.equal(toks[4].error, 'literal not terminated');
    assert.deepEqual([toks[5].line, toks[5].col], [2, 3]);
    assert.equal(toks[11].error, 'comment not terminated');
    for (const s of ['', '"', '`', '.', '."', '\\', '\u0000', '\ud800', '/*', '1e99999', '."\\x"']) assert.ok(Array.isArray(tokenize(s)));
  });

  it('comments, literals and constants', () => {
    assert.deepEqual(tokenize('// hi\n{ nil != maxInt } // bye').map((t) => t.kind), ['comment', 'punctuation', 'literal', 'operator', 'literal', 'punctuation', 'comment']);
  });
});
