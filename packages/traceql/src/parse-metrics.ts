/**
 * Parsers for the function-call constructs outside `{ }`: aggregates, `by()`, `coalesce()`,
 * `select()`, metrics first stages (`rate()` … `compare()`, with `by (…)`), `topk`/`bottomk`, and
 * `with(…)` hints. Each is called with the cursor on its keyword.
 */
import type {
  Aggregate,
  AggregateFn,
  AttributeRef,
  Coalesce,
  GroupBy,
  Hint,
  MetricsFirstStage,
  MetricsFn,
  Select,
  SpansetFilter,
  TopK,
} from './ast.ts';
import { Cursor, posOf } from './cursor.ts';
import { parseAttributeList, parseAttributeRef, parseWholeFieldExpr, tryParseStatic } from './parse-field.ts';

/** Aggregate keywords. */
export const AGGREGATE_KEYWORDS: ReadonlySet<string> = new Set(['count', 'avg', 'min', 'max', 'sum']);
/** Metrics first-stage keywords. */
export const METRICS_KEYWORDS: ReadonlySet<string> = new Set([
  'rate', 'count_over_time', 'min_over_time', 'max_over_time', 'avg_over_time', 'sum_over_time',
  'quantile_over_time', 'histogram_over_time', 'compare',
]);

/** `{ expr }`, `{ }`. */
export function parseSpansetFilter(cur: Cursor): SpansetFilter {
  const open = cur.expect('{');
  const pos = posOf(open);
  if (cur.is('}', 'punct')) {
    const close = cur.next();
    return { kind: 'spansetFilter', expr: { kind: 'static', type: 'bool', value: true, pos: posOf(close) }, empty: true, pos };
  }
  const expr = parseWholeFieldExpr(cur);
  cur.expect('}', "'}' or an operator");
  return { kind: 'spansetFilter', expr, pos };
}

/** `count()`, `avg(e)`, `min(e)`, `max(e)`, `sum(e)`. */
export function parseAggregate(cur: Cursor): Aggregate {
  const t = cur.next();
  const fn = t.text as AggregateFn;
  cur.expect('(');
  if (fn === 'count') {
    cur.expect(')', "')' (count() takes no argument)");
    return { kind: 'aggregate', fn, expr: null, pos: posOf(t) };
  }
  const expr = parseWholeFieldExpr(cur);
  cur.expect(')', "')' or an operator");
  return { kind: 'aggregate', fn, expr, pos: posOf(t) };
}

/** `by(e)`, `coalesce()`, `select(a, …)`. */
export function parseStageCall(cur: Cursor): GroupBy | Coalesce | Select {
  const t = cur.next();
  const pos = posOf(t);
  cur.expect('(');
  if (t.text === 'coalesce') {
    cur.expect(')', "')' (coalesce() takes no argument)");
    return { kind: 'coalesce', pos };
  }
  if (t.text === 'by') {
    const expr = parseWholeFieldExpr(cur);
    cur.expect(')', "')' or an operator");
    return { kind: 'groupBy', expr, pos };
  }
  const attrs = parseAttributeList(cur);
  cur.expect(')', "',' or ')'");
  return { kind: 'select', attrs, pos };
}

/** A metrics first stage with its optional `by (…)`. */
export function parseMetricsFirstStage(cur: Cursor): MetricsFirstStage {
  const t = cur.next();
  const pos = posOf(t);
  cur.expect('(');
  if (t.text === 'compare') {
    const filter = parseSpansetFilter(cur);
    const ints: bigint[] = [];
    while (cur.is(',', 'punct') && ints.length < 3) {
      cur.next();
      const n = cur.peek();
      if (n.type !== 'int') throw cur.unexpected('an integer');
      cur.next();
      ints.push(n.num as bigint);
    }
    if (ints.length === 2) throw cur.unexpected("',' and the end timestamp");
    cur.expect(')', ints.length === 0 ? "',' or ')'" : "')'");
    return { kind: 'compare', filter, topN: ints[0] ?? null, start: ints[1] ?? null, end: ints[2] ?? null, pos };
  }
  const fn = t.text as MetricsFn;
  let attr: AttributeRef | null = null;
  const quantiles: number[] = [];
  if (fn !== 'rate' && fn !== 'count_over_time') {
    attr = parseAttributeRef(cur);
    if (fn === 'quantile_over_time') {
      cur.expect(',', "',' and quantiles");
      do {
        const n = cur.peek();
        if (n.type !== 'int' && n.type !== 'float') throw cur.unexpected('a number');
        cur.next();
        quantiles.push(Number(n.num));
      } while (cur.is(',', 'punct') && cur.next());
    }
  }
  cur.expect(')', fn === 'quantile_over_time' ? "',' or ')'" : "')'");
  let by: AttributeRef[] = [];
  if (cur.is('by', 'keyword')) {
    cur.next();
    cur.expect('(');
    by = parseAttributeList(cur);
    cur.expect(')', "',' or ')'");
  }
  return { kind: 'metricsAggregate', fn, attr, quantiles, by, pos };
}

/** `topk(n)` / `bottomk(n)`. */
export function parseTopK(cur: Cursor): TopK {
  const t = cur.next();
  cur.expect('(');
  const n = cur.peek();
  if (n.type !== 'int') throw cur.unexpected('a positive integer');
  cur.next();
  cur.expect(')');
  return { kind: 'topK', fn: t.text as 'topk' | 'bottomk', limit: n.num as bigint, pos: posOf(t) };
}

/** `with(name=value, …)`. */
export function parseHints(cur: Cursor): Hint[] {
  cur.expect('with');
  cur.expect('(');
  const hints: Hint[] = [];
  do {
    const name = cur.peek();
    if (name.type !== 'ident') throw cur.unexpected('a hint name');
    cur.next();
    cur.expect('=');
    const value = tryParseStatic(cur);
    if (!value) throw cur.unexpected('a hint value');
    hints.push({ kind: 'hint', name: name.text, value, pos: posOf(name) });
  } while (cur.is(',', 'punct') && cur.next());
  cur.expect(')', "',' or ')'");
  return hints;
}
