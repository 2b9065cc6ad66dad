import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lex } from './lexer.ts';
import { parseDurationLiteral } from './lexer-numbers.ts';
import { decodeGoString, quoteString } from './lexer-strings.ts';

/** Tokens as `type:value` strings, without eof. */
const toks = (src: string) => lex(src).filter((t) => t.type !== 'eof').map((t) => `${t.type}:${t.value}`);

describe('lexer: attribute names', () => {
  const cases: [string, string[]][] = [
    ['.foo', ['attrScope:.', 'attrName:foo']],
    ['.foo-bar', ['attrScope:.', 'attrName:foo-bar']],
    ['.foo+bar', ['attrScope:.', 'attrName:foo+bar']],
    ['.foo3', ['attrScope:.', 'attrName:foo3']],
    ['.count', ['attrScope:.', 'attrName:count']],
    ['span.http.url', ['attrScope:span.', 'attrName:http.url']],
    ['span.a/b:c*d%e', ['attrScope:span.', 'attrName:a/b:c*d%e']],
    ['resource.service.name', ['attrScope:resource.', 'attrName:service.name']],
    ['event.foo', ['attrScope:event.', 'attrName:foo']],
    ['link.foo', ['attrScope:link.', 'attrName:foo']],
    ['instrumentation.foo', ['attrScope:instrumentation.', 'attrName:foo']],
    ['parent.foo', ['attrScope:parent.', 'attrName:foo']],
    ['parent.span.foo', ['attrScope:parent.span.', 'attrName:foo']],
    ['parent.resource.foo', ['attrScope:parent.resource.', 'attrName:foo']],
    ['span.resource.foo', ['attrScope:span.', 'attrName:resource.foo']],
    ['resource.span.foo', ['attrScope:resource.', 'attrName:span.foo']],
    ['span.3xx', ['attrScope:span.', 'attrName:3xx']],
    // quoted segments
    ['."foo bar"', ['attrScope:.', 'attrName:foo bar']],
    ['."foo".baz."bar"', ['attrScope:.', 'attrName:foo.baz.bar']],
    [String.raw`.foo."bar \" baz"`, ['attrScope:.', 'attrName:foo.bar " baz']],
    [String.raw`."a\\b"`, ['attrScope:.', 'attrName:a\\b']],
    ['span."x=y"', ['attrScope:span.', 'attrName:x=y']],
    // terminators: whitespace and { } ( ) = ~ ! < > & | ^ ,
    ['.foo .bar', ['attrScope:.', 'attrName:foo', 'attrScope:.', 'attrName:bar']],
    ['.foo}.bar', ['attrScope:.', 'attrName:foo', 'punct:}', 'attrScope:.', 'attrName:bar']],
    ['.foo{.bar', ['attrScope:.', 'attrName:foo', 'punct:{', 'attrScope:.', 'attrName:bar']],
    ['.foo(.bar)', ['attrScope:.', 'attrName:foo', 'punct:(', 'attrScope:.', 'attrName:bar', 'punct:)']],
    ['.foo,.bar', ['attrScope:.', 'attrName:foo', 'punct:,', 'attrScope:.', 'attrName:bar']],
    ['.a=1', ['attrScope:.', 'attrName:a', 'op:=', 'int:1']],
    ['.a!=1', ['attrScope:.', 'attrName:a', 'op:!=', 'int:1']],
    ['.a=~"x"', ['attrScope:.', 'attrName:a', 'op:=~', 'string:x']],
    ['.a>1', ['attrScope:.', 'attrName:a', 'op:>', 'int:1']],
    ['.a<1', ['attrScope:.', 'attrName:a', 'op:<', 'int:1']],
    ['.a&&.b', ['attrScope:.', 'attrName:a', 'op:&&', 'attrScope:.', 'attrName:b']],
    ['.a||.b', ['attrScope:.', 'attrName:a', 'op:||', 'attrScope:.', 'attrName:b']],
    ['.a^2', ['attrScope:.', 'attrName:a', 'op:^', 'int:2']],
    ['.a+1', ['attrScope:.', 'attrName:a+1']],
    ['.a\t.b', ['attrScope:.', 'attrName:a', 'attrScope:.', 'attrName:b']],
    // no name
    ['. foo', ['attrScope:.', 'ident:foo']],
    ['span. ', ['attrScope:span.']],
    // not attributes
    ['.3', ['float:.3']],
    ['.24h', ['duration:.24h']],
    ['trace.id', ['ident:trace', 'attrScope:.', 'attrName:id']],
  ];
  for (const [src, want] of cases) it(src, () => assert.deepEqual(toks(src), want));
});

describe('lexer: intrinsics, operators, numbers', () => {
  it('scoped intrinsics are a scope token then a keyword', () => {
    assert.deepEqual(toks('span:duration'), ['intrinsicScope:span:', 'keyword:duration']);
    assert.deepEqual(toks('trace:rootService'), ['intrinsicScope:trace:', 'keyword:rootService']);
    assert.deepEqual(toks('instrumentation:version'), ['intrinsicScope:instrumentation:', 'keyword:version']);
    assert.deepEqual(toks('foo:bar'), ['ident:foo', 'invalid::', 'ident:bar']);
  });

  it('matches the longest operator', () => {
    assert.deepEqual(toks('&& || ! | >> << ~ !> !< !>> !<< !~ &> &< &>> &<< &~ =~ != >= <='),
      ['&&', '||', '!', '|', '>>', '<<', '~', '!>', '!<', '!>>', '!<<', '!~', '&>', '&<', '&>>', '&<<', '&~', '=~', '!=', '>=', '<='].map((o) => `op:${o}`));
    assert.deepEqual(toks('>>='), ['op:>>', 'op:=']);
    assert.deepEqual(toks('=='), ['op:=', 'op:=']);
    assert.deepEqual(toks('& x'), ['invalid:&', 'ident:x']);
  });

  it('numbers and durations', () => {
    assert.deepEqual(toks('1t'), ['int:1', 'ident:t']);
    assert.deepEqual(toks('1'), ['int:1']);
    assert.deepEqual(toks('007'), ['int:007']);
    assert.deepEqual(toks('1.5 1e3 1.5e-3 1.'), ['float:1.5', 'float:1e3', 'float:1.5e-3', 'float:1.']);
    assert.deepEqual(toks('1e'), ['int:1', 'ident:e']);
    for (const d of ['1ns', '1us', '1µs', '1ms', '1s', '1m', '1h', '1d', '1w', '1y', '1h15m30.918273645s', '2d12h', '.5s', '1.5h']) {
      assert.deepEqual(toks(d), [`duration:${d}`], d);
    }
    assert.deepEqual(toks('1hour'), ['duration:1h', 'ident:our']);
    assert.deepEqual(toks('1.5d'), ['float:1.5', 'ident:d']);
    assert.deepEqual(toks('1h1d'), ['int:1', 'ident:h1d']);
    assert.deepEqual(toks('08'), ['invalid:08']);
    assert.deepEqual(toks('9223372036854775807'), ['int:9223372036854775807']);
    assert.deepEqual(toks('9223372036854775808'), ['invalid:9223372036854775808']);
    assert.deepEqual(toks('1e999'), ['invalid:1e999']);
  });

  it('duration values', () => {
    const DAY = 86_400_000_000_000n;
    assert.equal(parseDurationLiteral('1y'), 365n * DAY);
    assert.equal(parseDurationLiteral('1w'), 7n * DAY);
    assert.equal(parseDurationLiteral('1y2w3d4h5m6s7ms'), 365n * DAY + 14n * DAY + 3n * DAY + 4n * 3_600_000_000_000n + 5n * 60_000_000_000n + 6_007_000_000n);
    assert.equal(parseDurationLiteral('1h15m30.918273645s'), 4_530_918_273_645n);
    assert.equal(parseDurationLiteral('1.5h'), 5_400_000_000_000n);
    assert.equal(parseDurationLiteral('1ms1ns'), 1_000_001n);
    assert.equal(parseDurationLiteral('1s1s'), 2_000_000_000n); // Go accepts repeated units
    assert.equal(parseDurationLiteral('1d1d'), null);
    assert.equal(parseDurationLiteral('1sm'), null);
    assert.equal(parseDurationLiteral('9999999999999h'), null);
    assert.equal(parseDurationLiteral('.s'), null);
  });

  it('strings follow Go unquoting', () => {
    assert.equal(decodeGoString(String.raw`"a\tb\n\"\\"`), 'a\tb\n"\\');
    assert.equal(decodeGoString(String.raw`"\x41\101\u00e9\U0001F600"`), 'AAé😀');
    assert.equal(decodeGoString(String.raw`"\xc3\xa9"`), 'é');
    assert.equal(decodeGoString('`raw \\n\r\nx`'), 'raw \\n\nx');
    assert.deepEqual(decodeGoString(String.raw`"\q"`), { error: 'invalid char escape' });
    assert.deepEqual(decodeGoString(String.raw`"\'"`), { error: 'invalid char escape' });
    assert.ok(typeof decodeGoString(String.raw`"\ud800"`) === 'object');
    for (const s of ['', 'plain', 'quote " and \\ back', 'ctl \x01\x7f', 'nl\n\r\t', 'é😀']) {
      assert.equal(decodeGoString(quoteString(s)), s);
    }
  });

  it('comments and positions', () => {
    const t = lex('// c\n{ /* x\ny */ .a }');
    assert.deepEqual(t.map((x) => [x.type, x.line, x.col]), [
      ['comment', 1, 1], ['punct', 2, 1], ['comment', 2, 3], ['attrScope', 3, 6], ['attrName', 3, 7], ['punct', 3, 9], ['eof', 3, 10],
    ]);
    assert.deepEqual(lex('"😀" x').map((x) => [x.col, x.start]), [[1, 0], [5, 5], [6, 6]]);
  });
});
