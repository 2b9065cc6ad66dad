import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse, TraceQLParseError, TraceQLUnsupportedError, TraceQLValidationError, validate } from './index.ts';

function parseError(q: string): TraceQLParseError {
  try {
    parse(q);
  } catch (e) {
    assert.ok(e instanceof TraceQLParseError, `expected TraceQLParseError, got ${String(e)}`);
    return e;
  }
  assert.fail(`expected ${JSON.stringify(q)} not to parse`);
}

function validationError(q: string): Error {
  try {
    validate(parse(q));
  } catch (e) {
    return e as Error;
  }
  assert.fail(`expected ${JSON.stringify(q)} not to validate`);
}

describe('parse error positions', () => {
  const cases: [string, number, number, RegExp][] = [
    ['{ .a = 1', 1, 9, /unexpected end of query/],
    ['{ .a = 1\n  && .b = }', 2, 11, /unexpected '}'/],
    ['{ .a == 1 }', 1, 7, /unexpected '='/],
    ['{ attribute = 4 }', 1, 3, /unknown identifier: attribute/],
    ['{ . }', 1, 5, /attribute name/],
    ['{ span. }', 1, 9, /attribute name right after 'span\.'/],
    ['{ trace:status = error }', 1, 9, /unknown intrinsic trace:status/],
    ['{ .a = "abc', 1, 8, /literal not terminated/],
    ['{ .a = 1t }', 1, 9, /unexpected identifier t/],
    ['\n\n   { .a = 08 }', 3, 11, /octal/],
    ['{ .a = 1 } + { .b }', 1, 12, /unexpected '\+' after a spanset/],
    ['{ } | rate() + 1', 1, 14, /parentheses/],
    ['{ .a = 1 } ;', 1, 12, /unexpected character ";"/],
    ['{ .a = 1 }\n{ .b }', 2, 1, /unexpected '\{'/],
    ['{ .a = 1 }\n| count()\n', 2, 3, /must be compared/],
    ['{ .é = 1 } x', 1, 12, /identifier x/],
    ['{ "日本" = .a } ?', 1, 15, /unexpected character/],
    ['{ .a = 1 }\r\n  | by()', 2, 8, /unexpected '\)'/],
    ['{ .a = 1 } /* never\n closed', 1, 12, /comment not terminated/],
    ['{\n  .a = 1 &&\n  .b = `raw\nstring` &&\n  .c ==\n}', 5, 7, /unexpected '='/],
    ['', 1, 1, /empty query/],
    ['  \n  ', 2, 3, /empty query/],
  ];
  for (const [q, line, col, msg] of cases) {
    it(JSON.stringify(q), () => {
      const e = parseError(q);
      assert.equal(e.line, line, e.message);
      assert.equal(e.col, col, e.message);
      assert.match(e.message, msg);
      assert.equal(e.message, `parse error at line ${line}, col ${col}: ${e.detail}`);
      assert.equal(e.name, 'TraceQLParseError');
    });
  }
});

describe('validation errors name the construct', () => {
  it('type errors', () => {
    const e = validationError('{ 1 + 1 }');
    assert.ok(e instanceof TraceQLValidationError);
    assert.match(e.message, /must resolve to a boolean: \{ 1 \+ 1 \}/);
    assert.deepEqual(e.pos, { line: 1, col: 1 });
    assert.match(validationError('{ .a = 1 && "x" = 2 }').message, /same type: "x" = 2/);
    assert.match(validationError('{ status > ok }').message, /illegal operation for the given types: status > ok/);
    assert.match(validationError('{ -"a" = "b" }').message, /illegal operation for the given type: -"a"/);
  });

  it('regexes', () => {
    const e = validationError('{ .a =~ "[" }');
    assert.ok(e instanceof TraceQLValidationError);
    assert.match(e.message, /invalid regex: "\[": missing closing \]/);
    assert.deepEqual((e as TraceQLValidationError).pos, { line: 1, col: 9 });
    assert.match(validationError('{ .a =~ "a(?i)b" }').message, /\(\?i\) is only supported .* leading/);
    assert.match(validationError(String.raw`{ .a =~ "(a)\\1" }`).message, /backreferences/);
  });

  it('nil with intrinsics', () => {
    assert.match(validationError('{ span:status = nil }').message, /span:status=nil is not valid because intrinsics cannot be nil/);
    assert.match(validationError('{ resource.service.name = nil }').message, /resource\.service\.name cannot be nil/);
  });

  it('unsupported constructs', () => {
    const e = validationError('{ parent.a = 1 }');
    assert.ok(e instanceof TraceQLUnsupportedError);
    assert.equal(e.construct, 'parent scope');
    assert.deepEqual(e.pos, { line: 1, col: 3 });
    const agg = validationError('{ } | min(.a) < max(.b)');
    assert.ok(agg instanceof TraceQLUnsupportedError);
    assert.match(agg.message, /scalar filter comparing aggregates not yet supported: min\(\.a\) < max\(\.b\)/);
  });

  it('metrics', () => {
    assert.match(validationError('{ } | rate() | topk(0)').message, /topk\(\) limit must be a positive integer/);
    assert.match(validationError('{ } | compare({ .a }) | topk(1)').message, /compare\(\)` cannot be used with second stage/);
    assert.match(validationError('{ } | quantile_over_time(duration, 2)').message, /quantile must be between 0 and 1/);
  });

  it('hints', () => {
    assert.match(validationError('{ } with(foo=1)').message, /unknown hint foo/);
    assert.match(validationError('{ } with(job_size=1)').message, /hint job_size is unsafe/);
    assert.match(validationError('{ } with(debug_return_in=1s)').message, /unsafe/);
    assert.doesNotThrow(() => validate(parse('{ } with(job_size=1, debug=true)'), { allowUnsafeHints: true }));
    assert.doesNotThrow(() => validate(parse('{ } with(most_recent=true)')));
    assert.match(validationError('{ } with(most_recent="yes")').message, /most_recent takes true or false/);
  });

  it('group-by limit follows the option', () => {
    const q = parse('{ } | rate() by (.a, .b, .c)');
    assert.doesNotThrow(() => validate(q));
    assert.throws(() => validate(q, { maxMetricsGroupBy: 2 }), TraceQLUnsupportedError);
  });
});
