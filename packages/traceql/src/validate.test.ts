import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse, translateRegex, typeOf, scalarTypeOf, referencesSpan, type FieldExpr, type ScalarFilter } from './index.ts';
import { RegexError } from './regex.ts';

const field = (src: string): FieldExpr => {
  const q = parse(`{ ${src} }`);
  if (q.body.kind !== 'pipeline' || q.body.stages[0].kind !== 'spansetFilter') throw new Error('not a filter');
  return q.body.stages[0].expr;
};

describe('typeOf', () => {
  const cases: [string, string][] = [
    ['"a"', 'string'], ['1', 'int'], ['1.5', 'float'], ['true', 'bool'], ['1s', 'duration'], ['ok', 'status'],
    ['server', 'kind'], ['.a', 'attribute'], ['span.a', 'attribute'], ['duration', 'duration'], ['span:duration', 'duration'],
    ['name', 'string'], ['status', 'status'], ['kind', 'kind'], ['span:childCount', 'int'], ['trace:id', 'string'],
    ['event:timeSinceStart', 'duration'], ['nestedSetLeft', 'int'], ['traceDuration', 'duration'], ['minInt', 'int'],
    ['.a = 1', 'bool'], ['.a =~ "x"', 'bool'], ['.a && .b', 'bool'], ['.a + 1', 'int'], ['1.5 * .a', 'float'],
    ['.a * duration', 'duration'], ['-.a', 'attribute'], ['!.a', 'attribute'], ['-1s', 'duration'], ['.a = nil', 'bool'],
  ];
  for (const [src, want] of cases) it(src, () => assert.equal(typeOf(field(src)), want));

  it('scalar operands', () => {
    const f = (q: string) => (parse(q).body as { stages: ScalarFilter[] }).stages[0];
    assert.equal(scalarTypeOf(f('count() > 1').lhs), 'int');
    assert.equal(scalarTypeOf(f('avg(duration) > 1s').lhs), 'duration');
    assert.equal(scalarTypeOf(f('max(.a) > 1.5').lhs), 'attribute');
    assert.equal(scalarTypeOf(f('max(.a) > 1.5').rhs), 'float');
  });

  it('referencesSpan', () => {
    assert.equal(referencesSpan(field('1 + 2 = 3')), false);
    assert.equal(referencesSpan(field('1 + .a = 3')), true);
    assert.equal(referencesSpan(field('!(duration > 1s)')), true);
  });
});

describe('regex translation (RE2, anchored, dot matches newline)', () => {
  const re = (p: string) => {
    const t = translateRegex(p);
    return new RegExp(t.source, t.flags);
  };
  const matches: [string, string[], string[]][] = [
    ['bar', ['bar'], ['foobar', 'barx', '']],
    ['a.c', ['abc', 'a\nc'], ['ac']],
    ['(?-s:a.c)', ['abc'], ['a\nc']],
    ['(?i)abc', ['ABC', 'aBc'], ['abd']],
    ['(?i)é', ['É'], ['e']],
    ['a|b', ['a', 'b'], ['ab']],
    [String.raw`\s`, [' ', '\t', '\n'], ['\v', '\u00a0']],
    [String.raw`\d+`, ['123'], ['٣']],
    [String.raw`\w+`, ['a_1'], ['é']],
    ['[[:alpha:]]+', ['abc'], ['ab1']],
    [String.raw`[\d.]+`, ['1.5'], ['a']],
    [String.raw`\pL+`, ['éa'], ['1']],
    [String.raw`\p{Greek}`, ['α'], ['a']],
    [String.raw`\PL`, ['1'], ['a']],
    [String.raw`\Qa.b\E`, ['a.b'], ['axb']],
    ['x{2,3}', ['xx', 'xxx'], ['x', 'xxxx']],
    ['x{2,}', ['xx', 'xxxxx'], ['x']],
    ['x{,3}', ['x{,3}'], ['xxx']],
    [String.raw`\x{41}\x42`, ['AB'], []],
    [String.raw`\101`, ['A'], []],
    ['[^a]', ['\n', 'b'], ['a']],
    ['[a-]', ['-', 'a'], ['b']],
    ['[]a]', [']', 'a'], ['b']],
    [String.raw`\-\#\"`, ['-#"'], []],
    ['', [''], ['a']],
    ['(?m)^a$', ['a'], ['b']],
    [String.raw`\Aab\z`, ['ab'], []],
    ['(?P<n>a)(?<m>b)', ['ab'], []],
    ['(?U)a+b', ['aab'], []],
    ['.*something went wrong.*', ['xx something went wrong yy'], ['nothing']],
    ['😀+', ['😀😀'], ['😀x']],
  ];
  for (const [p, yes, no] of matches) {
    it(p || '(empty)', () => {
      const r = re(p);
      for (const s of yes) assert.ok(r.test(s), `${p} should match ${JSON.stringify(s)}`);
      for (const s of no) assert.ok(!r.test(s), `${p} should not match ${JSON.stringify(s)}`);
    });
  }

  it('rejects what RE2 rejects and what JavaScript cannot express', () => {
    const bad: [string, RegExp][] = [
      ['[', /missing closing \]/], ['(', /missing closing \)/], [')', /unexpected \)/], ['a**', /nested repetition/],
      ['*a', /missing argument/], ['x{1001}', /repeat count/], ['x{3,2}', /repeat count/], ['(?=a)', /Perl syntax/],
      ['(?<=a)b', /Perl syntax/], ['(?!a)', /Perl syntax/], [String.raw`(a)\1`, /backreferences/], [String.raw`\C`, /escape/],
      [String.raw`\q`, /escape/], ['[z-a]', /range/], [String.raw`\p{Foo}`, /class/], ['a(?i)b', /leading \(\?i\)/],
      ['(?i)a(?-i)b', /leading \(\?i\)/], ['(?i:a)b', /leading \(\?i\)/], ['\\', /trailing backslash/], ['(?z)', /Perl syntax/],
    ];
    for (const [p, msg] of bad) {
      assert.throws(() => translateRegex(p), (e: unknown) => e instanceof RegexError && msg.test(e.message), p);
    }
  });
});
