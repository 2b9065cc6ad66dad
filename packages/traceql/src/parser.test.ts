import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sexpr, stripPos } from '../test/helpers.ts';
import { parse, parseIdentifier, type Query } from './index.ts';

const body = (q: string) => stripPos(parse(q)).body;

describe('precedence (one table, as Tempo)', () => {
  const cases: [string, string][] = [
    // && and || share a level, left-associative
    ['{ .a = 1 || .b = 2 && .c = 3 }', '{(&& (|| (= .a 1) (= .b 2)) (= .c 3))}'],
    ['{ .a || .b && .c }', '{(&& (|| .a .b) .c)}'],
    ['{ .a && .b || .c }', '{(|| (&& .a .b) .c)}'],
    // arithmetic
    ['{ .a + 1 * 2 = 3 }', '{(= (+ .a (* 1 2)) 3)}'],
    ['{ (.a + 1) * 2 = 3 }', '{(= (* (+ .a 1) 2) 3)}'],
    ['{ .a - 1 - 2 = 0 }', '{(= (- (- .a 1) 2) 0)}'],
    ['{ .a % 2 * 3 = 0 }', '{(= (* (% .a 2) 3) 0)}'],
    ['{ .a ^ 2 ^ 3 = 1 }', '{(= (^ .a (^ 2 3)) 1)}'],
    ['{ .a * 2 ^ 3 = 1 }', '{(= (* .a (^ 2 3)) 1)}'],
    // prefix minus takes the + - level inside { }; ! sits between + - and * / %
    ['{ -.a * 2 = 1 }', '{(= (- (* .a 2)) 1)}'],
    ['{ -.a + 2 = 1 }', '{(= (+ (- .a) 2) 1)}'],
    ['{ -.a ^ 2 = 1 }', '{(= (- (^ .a 2)) 1)}'],
    ['{ 2 * -.a * 3 = 1 }', '{(= (* 2 (- (* .a 3))) 1)}'],
    ['{ !.a = true }', '{(= (! .a) true)}'],
    ['{ !.a * 2 = 1 }', '{(= (! (* .a 2)) 1)}'],
    ['{ !.a + 1 = 1 }', '{(= (+ (! .a) 1) 1)}'],
    // comparisons are left-associative; nil binds tightest
    ['{ .a = .b = .c }', '{(= (= .a .b) .c)}'],
    ['{ .a =~ "x" && .b !~ "y" }', '{(&& (=~ .a "x") (!~ .b "y"))}'],
    ['{ .a = nil + 1 }', '{(+ (= .a nil) 1)}'],
    ['{ nil = .a + 1 }', '{(= nil (+ .a 1))}'],
    // spanset operators: structural bind tighter than && ||, all left-associative
    ['{ .a } && { .b } > { .c }', '(&& {.a} (> {.b} {.c}))'],
    ['{ .a } > { .b } && { .c }', '(&& (> {.a} {.b}) {.c})'],
    ['{ .a } || { .b } && { .c }', '(&& (|| {.a} {.b}) {.c})'],
    ['{ .a } >> { .b } > { .c }', '(> (>> {.a} {.b}) {.c})'],
    ['{ .a } !~ { .b } &>> { .c }', '(&>> (!~ {.a} {.b}) {.c})'],
    // | is the weakest
    ['{ .a } | { .b } && { .c } | count() > 1', '(| {.a} (&& {.b} {.c}) (> count() 1))'],
    ['({ .a } | count() > 1) >> ({ .b }) || ({ .c } | by(.d))', '(|| (>> (| {.a} (> count() 1)) {.b}) (| {.c} by(.d)))'],
    // literal arithmetic outside { } is folded, with Tempo's int semantics
    ['count() + 1 * 2 > 3', '(> (+ count() 2) 3)'],
    ['{ } | count() > 1 + 2 * 3', '(| {true} (> count() 7))'],
    ['{ } | count() > 10 / 4', '(| {true} (> count() 2))'],
    ['{ } | count() > 10.0 / 4', '(| {true} (> count() 2.5))'],
    ['{ } | count() > -2 - 3', '(| {true} (> count() -5))'],
    ['{ } | count() > -1s', '(| {true} (> count() -1s))'],
    // metrics arithmetic and second stages
    ['1 + 2 * ({ } | rate())', '(+ 1 (* 2 [{true} rate()]))'],
    ['(1 + 2) * ({ } | rate())', '(* 3 [{true} rate()])'],
    ['-2 - 20 / ({ } | rate())', '(- -2 (/ 20 [{true} rate()]))'],
    ['({ } | rate()) - 3 - 2', '(- (- [{true} rate()] 3) 2)'],
    ['({ } | rate()) / 3 * 2', '(* (/ [{true} rate()] 3) 2)'],
    ['5 + ({ } | rate()) * 10', '(+ 5 (* [{true} rate()] 10))'],
    ['({ } | rate()) + ({ } | rate()) * ({ } | rate())', '(+ [{true} rate()] (* [{true} rate()] [{true} rate()]))'],
    ['({ } | rate()) + ({ } | rate()) > 1 | topk(2)', '(+ [{true} rate()] [{true} rate()]) >1 |topk(2)'],
    ['{ } | rate() > 1 | topk(2) < 5', '[{true} rate()] >1 |topk(2) <5'],
    ['({ } | rate() > 1) > 2', '[{true} rate()] >1 >2'],
  ];
  for (const [q, want] of cases) {
    it(q, () => assert.equal(sexpr(parse(q)), want));
  }
});

describe('exact ASTs', () => {
  it('field expression with intrinsics normalised', () => {
    assert.deepEqual(body('{ duration > 1s && span:duration < 2s }'), {
      kind: 'pipeline',
      stages: [
        {
          kind: 'spansetFilter',
          expr: {
            kind: 'binary',
            op: '&&',
            lhs: { kind: 'binary', op: '>', lhs: { kind: 'intrinsic', name: 'span:duration', legacy: true }, rhs: { kind: 'static', type: 'duration', value: 1_000_000_000n } },
            rhs: { kind: 'binary', op: '<', lhs: { kind: 'intrinsic', name: 'span:duration' }, rhs: { kind: 'static', type: 'duration', value: 2_000_000_000n } },
          },
        },
      ],
    });
  });

  it('unary minus over arithmetic', () => {
    assert.deepEqual(body('{ -.a * 2 = 1 }'), {
      kind: 'pipeline',
      stages: [{
        kind: 'spansetFilter',
        expr: {
          kind: 'binary', op: '=',
          lhs: { kind: 'unary', op: '-', operand: { kind: 'binary', op: '*', lhs: { kind: 'attribute', scope: 'unscoped', name: 'a', parent: false }, rhs: { kind: 'static', type: 'int', value: 2n } } },
          rhs: { kind: 'static', type: 'int', value: 1n },
        },
      }],
    });
  });

  it('empty filter is { true }', () => {
    for (const q of ['{}', '{ }', '{\n}']) {
      assert.deepEqual(body(q), { kind: 'pipeline', stages: [{ kind: 'spansetFilter', expr: { kind: 'static', type: 'bool', value: true }, empty: true }] });
    }
    assert.deepEqual(body('{ true }'), { kind: 'pipeline', stages: [{ kind: 'spansetFilter', expr: { kind: 'static', type: 'bool', value: true } }] });
  });

  it('scopes and parent', () => {
    const attr = (q: string) => ((body(`{ ${q} }`) as unknown as { stages: [{ expr: unknown }] }).stages[0].expr);
    assert.deepEqual(attr('.a'), { kind: 'attribute', scope: 'unscoped', name: 'a', parent: false });
    assert.deepEqual(attr('span.http.url'), { kind: 'attribute', scope: 'span', name: 'http.url', parent: false });
    assert.deepEqual(attr('resource.service.name'), { kind: 'attribute', scope: 'resource', name: 'service.name', parent: false });
    assert.deepEqual(attr('event.x'), { kind: 'attribute', scope: 'event', name: 'x', parent: false });
    assert.deepEqual(attr('link.x'), { kind: 'attribute', scope: 'link', name: 'x', parent: false });
    assert.deepEqual(attr('instrumentation.x'), { kind: 'attribute', scope: 'instrumentation', name: 'x', parent: false });
    assert.deepEqual(attr('parent.x'), { kind: 'attribute', scope: 'unscoped', name: 'x', parent: true });
    assert.deepEqual(attr('parent.span.x'), { kind: 'attribute', scope: 'span', name: 'x', parent: true });
    assert.deepEqual(attr('parent.resource.x'), { kind: 'attribute', scope: 'resource', name: 'x', parent: true });
    assert.deepEqual(attr('parent.event.x'), { kind: 'attribute', scope: 'unscoped', name: 'event.x', parent: true });
    assert.deepEqual(attr('parent'), { kind: 'intrinsic', name: 'parent' });
    assert.deepEqual(attr('span."a b".c'), { kind: 'attribute', scope: 'span', name: 'a b.c', parent: false });
  });

  it('legacy and scoped intrinsics map to one canonical name', () => {
    const pairs: [string, string][] = [
      ['duration', 'span:duration'], ['name', 'span:name'], ['status', 'span:status'], ['statusMessage', 'span:statusMessage'],
      ['kind', 'span:kind'], ['traceDuration', 'trace:duration'], ['rootName', 'trace:rootName'], ['rootServiceName', 'trace:rootService'],
    ];
    for (const [legacy, scoped] of pairs) {
      assert.deepEqual(body(`select(${legacy})`), { kind: 'pipeline', stages: [{ kind: 'select', attrs: [{ kind: 'intrinsic', name: scoped, legacy: true }] }] });
      assert.deepEqual(body(`select(${scoped})`), { kind: 'pipeline', stages: [{ kind: 'select', attrs: [{ kind: 'intrinsic', name: scoped }] }] });
    }
  });

  it('metrics query with by, second stages and hints', () => {
    const q = stripPos(parse('{ } | quantile_over_time(duration, .99, 1) by (resource.service.name) | topk(5) > 2 with(sample=0.5)')) as Query;
    assert.deepEqual(q, {
      kind: 'query',
      body: {
        kind: 'metricsQuery',
        pipeline: { kind: 'pipeline', stages: [{ kind: 'spansetFilter', expr: { kind: 'static', type: 'bool', value: true }, empty: true }] },
        first: {
          kind: 'metricsAggregate', fn: 'quantile_over_time', attr: { kind: 'intrinsic', name: 'span:duration', legacy: true },
          quantiles: [0.99, 1], by: [{ kind: 'attribute', scope: 'resource', name: 'service.name', parent: false }],
        },
        second: [{ kind: 'topK', fn: 'topk', limit: 5n }, { kind: 'metricsFilter', op: '>', value: { kind: 'static', type: 'int', value: 2n } }],
      },
      hints: [{ kind: 'hint', name: 'sample', value: { kind: 'static', type: 'float', value: 0.5 } }],
    });
  });

  it('compare() arguments', () => {
    const first = (q: string) => (body(q) as { first: unknown }).first;
    assert.deepEqual(first('{ } | compare({ .a })'), { kind: 'compare', filter: { kind: 'spansetFilter', expr: { kind: 'attribute', scope: 'unscoped', name: 'a', parent: false } }, topN: null, start: null, end: null });
    assert.deepEqual(first('{ } | compare({ .a }, 3, 10, 20)'), { kind: 'compare', filter: { kind: 'spansetFilter', expr: { kind: 'attribute', scope: 'unscoped', name: 'a', parent: false } }, topN: 3n, start: 10n, end: 20n });
  });

  it('top-level operations between pipelines', () => {
    const b = body('({ .a } | count() > 1) && ({ .b })');
    assert.equal(b.kind, 'pipeline');
    const op = (b as unknown as { stages: [{ kind: string; lhs: { kind: string }; rhs: { kind: string } }] }).stages[0];
    assert.equal(op.kind, 'spansetOp');
    assert.equal(op.lhs.kind, 'pipeline');
    assert.equal(op.rhs.kind, 'spansetFilter');
    // a parenthesised pipeline alone is that pipeline
    assert.deepEqual(body('({ .a } | { .b })'), body('{ .a } | { .b }'));
    assert.deepEqual(body('(({ } | rate()))'), body('{ } | rate()'));
  });

  it('minInt, maxInt, durations and strings', () => {
    const rhs = (v: string) => (body(`{ .a = ${v} }`) as unknown as { stages: [{ expr: { rhs: unknown } }] }).stages[0].expr.rhs;
    assert.deepEqual(rhs('minInt'), { kind: 'static', type: 'int', value: -9223372036854775808n });
    assert.deepEqual(rhs('maxInt'), { kind: 'static', type: 'int', value: 9223372036854775807n });
    assert.deepEqual(rhs('1y'), { kind: 'static', type: 'duration', value: 365n * 86_400_000_000_000n });
    assert.deepEqual(rhs('1w'), { kind: 'static', type: 'duration', value: 7n * 86_400_000_000_000n });
    assert.deepEqual(rhs('1h15m30.918273645s'), { kind: 'static', type: 'duration', value: 4_530_918_273_645n });
    assert.deepEqual(rhs('1µs'), { kind: 'static', type: 'duration', value: 1000n });
    assert.deepEqual(rhs('"a\\tb\\u00e9"'), { kind: 'static', type: 'string', value: 'a\tbé' });
    assert.deepEqual(rhs('`a\\tb`'), { kind: 'static', type: 'string', value: 'a\\tb' });
    assert.deepEqual(rhs('.5'), { kind: 'static', type: 'float', value: 0.5 });
    assert.deepEqual(rhs('-1'), { kind: 'unary', op: '-', operand: { kind: 'static', type: 'int', value: 1n } });
  });

  it('positions point at first tokens', () => {
    const q = parse('{ .a = 1 }\n  | count() > 2');
    assert.deepEqual(q.pos, { line: 1, col: 1 });
    const p = q.body as unknown as { stages: [{ pos: unknown; expr: { pos: unknown; opPos: unknown; rhs: { pos: unknown } } }, { pos: unknown; opPos: unknown }] };
    assert.deepEqual(p.stages[0].expr.pos, { line: 1, col: 3 });
    assert.deepEqual(p.stages[0].expr.opPos, { line: 1, col: 6 });
    assert.deepEqual(p.stages[0].expr.rhs.pos, { line: 1, col: 8 });
    assert.deepEqual(p.stages[1].pos, { line: 2, col: 5 });
    assert.deepEqual(p.stages[1].opPos, { line: 2, col: 13 });
  });
});

describe('parseIdentifier', () => {
  it('reads attributes and intrinsics as tag-values v2 takes them', () => {
    assert.deepEqual(stripPos(parseIdentifier('resource.service.name')), { kind: 'attribute', scope: 'resource', name: 'service.name', parent: false });
    assert.deepEqual(stripPos(parseIdentifier('.foo')), { kind: 'attribute', scope: 'unscoped', name: 'foo', parent: false });
    assert.deepEqual(stripPos(parseIdentifier('span:status')), { kind: 'intrinsic', name: 'span:status' });
    assert.deepEqual(stripPos(parseIdentifier('status')), { kind: 'intrinsic', name: 'span:status', legacy: true });
    assert.deepEqual(stripPos(parseIdentifier('span."quoted name"')), { kind: 'attribute', scope: 'span', name: 'quoted name', parent: false });
    assert.deepEqual(parseIdentifier('span.x').pos, { line: 1, col: 1 });
  });

  it('rejects anything else with a parse error', () => {
    for (const s of ['', 'foo', '.foo bar', '.a = 1', '1', '"x"', '.a} | {.b', 'span:', 'trace:status']) {
      assert.throws(() => parseIdentifier(s), { name: 'TraceQLParseError' }, s);
    }
  });
});
