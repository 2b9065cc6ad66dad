import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TraceQLUnsupportedError } from './errors.ts';
import { parseQuery } from './parser.ts';
import { compileMetricsCompare } from './metrics-compare-sql.ts';
import { planMetrics } from './metrics-plan.ts';
import { compileMetricsAggregate, compileMetricsExemplars } from './metrics-sql.ts';
import { rangeWindow } from './metrics-time.ts';

const window = rangeWindow(1_000_000_000_000n, 1_600_000_000_000n, 60_000_000_000n);
const opts = { tenantId: 1, window, maxSeries: 10 };

test('user input reaches only the parameters', () => {
  const evil = `x'; drop table spans; --`;
  const q = `{ resource.service.name = "${evil}" } | quantile_over_time(span."${evil}", .5) by (span."${evil}k") | topk(2)`;
  const plan = planMetrics(parseQuery(q));
  for (const sql of [compileMetricsAggregate(plan, opts), compileMetricsExemplars(plan, opts, 50)]) {
    assert.ok(!sql.text.includes('drop table'), sql.text);
    assert.ok(sql.params.includes(evil));
    assert.ok(sql.params.includes(`${evil}k`));
    assert.equal(Math.max(...[...sql.text.matchAll(/\$(\d+)::/g)].map((m) => Number(m[1]))), sql.params.length);
  }
  const cmp = compileMetricsCompare(planMetrics(parseQuery(`{} | compare({ .a = "${evil}" })`)), opts);
  assert.ok(!cmp.text.includes('drop table') && cmp.params.includes(evil));
});

test('joins only what the query reads', () => {
  const plain = compileMetricsAggregate(planMetrics(parseQuery('{ status = error } | rate() by (span:name)')), opts).text;
  assert.doesNotMatch(plain, /resources|scopes|traces/);
  const res = compileMetricsAggregate(planMetrics(parseQuery('{} | rate() by (resource.service.name)')), opts).text;
  assert.match(res, /left join resources/);
  assert.doesNotMatch(res, /left join traces|left join \(select trace_id/);
  const tr = compileMetricsAggregate(planMetrics(parseQuery('{} | rate() by (trace:rootService)')), opts).text;
  assert.match(tr, /from traces where/);
});

test('metrics shapes Tracegres does not evaluate are named', () => {
  for (const [q, re] of [
    ['{} | rate()', null],
    ['{ .a = 1 } || { .b = 2 } | { .c = 3 } | select(.d) | sum_over_time(.x)', null],
    ['({} | rate()) / ({} | rate())', /metrics arithmetic/],
    ['{ .a = 1 } && { .b = 2 } | rate()', /spanset operator &&/],
    ['{} ~ {} | rate()', /spanset operator ~/],
    ['{} | count() > 2 | rate()', /scalar filters/],
    ['{} | rate() by (nestedSetLeft)', /intrinsic nestedSetLeft in by\(\)/],
    ['{} | avg_over_time(span:name)', /intrinsic span:name/],
    ['{ .a = 1 }', /search query/],
  ] as const) {
    if (re === null) planMetrics(parseQuery(q));
    else assert.throws(() => planMetrics(parseQuery(q)), (e: unknown) => e instanceof TraceQLUnsupportedError && re.test(e.message), q);
  }
});
