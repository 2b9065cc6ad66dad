/**
 * TraceQL parser: recursive descent with a Pratt loop over the one precedence table
 * (precedence.ts). Outside `{ }` operands are categorised Items (parse-items.ts) that operators
 * combine; inside `{ }` field expressions are parsed by parse-field.ts. Literal arithmetic outside
 * `{ }` is folded as Tempo folds it (fold.ts). Throws only TraceQLParseError.
 */
import type {
  ComparisonOp,
  MetricsBinary,
  MetricsExpr,
  NumericStatic,
  Pipeline,
  Query,
  ScalarExpr,
  SecondStage,
  SpansetOp,
  StaticFloat,
  StaticInt,
} from './ast.ts';
import { Cursor, posOf } from './cursor.ts';
import { TraceQLParseError } from './errors.ts';
import { foldBinary, foldNegate, type FoldOp } from './fold.ts';
import type { Token } from './lexer.ts';
import {
  AGGREGATE_KEYWORDS,
  METRICS_KEYWORDS,
  parseAggregate,
  parseHints,
  parseMetricsFirstStage,
  parseSpansetFilter,
  parseStageCall,
  parseTopK,
} from './parse-metrics.ts';
import { ARITHMETIC, asStage, checkLeft, COMPARISONS, itemName, itemPos, scalarFilter, toPipeline, type Item } from './parse-items.ts';
import { BINARY_PRECEDENCE, LITERAL_NEGATION_PRECEDENCE } from './precedence.ts';

/** Parses a TraceQL query. Throws TraceQLParseError (never anything else). */
export function parseQuery(src: string): Query {
  try {
    return parseOrThrow(src);
  } catch (e) {
    if (e instanceof TraceQLParseError) throw e;
    // Defensive: a bug must not leak another error type (e.g. RangeError on absurd nesting).
    const msg = e instanceof RangeError ? 'query is nested too deeply' : `internal parser error: ${String(e)}`;
    throw new TraceQLParseError(msg, 1, 1);
  }
}

function parseOrThrow(src: string): Query {
  const cur = new Cursor(src);
  const first = cur.peek();
  if (first.type === 'eof') throw cur.error(first, 'syntax error: empty query');
  const item = parseItem(cur, 0);
  const hints = [];
  while (cur.is('with', 'keyword')) hints.push(...parseHints(cur));
  if (cur.peek().type !== 'eof') throw cur.unexpected(hints.length ? undefined : 'an operator, | or with(…)');
  return { kind: 'query', body: toBody(cur, item), hints, pos: posOf(first) };
}

function toBody(cur: Cursor, it: Item): Pipeline | MetricsExpr {
  switch (it.cat) {
    case 'pipeline':
      return it.node;
    case 'metrics':
      return it.node;
    case 'spanset':
      return it.node.kind === 'pipeline' ? it.node : { kind: 'pipeline', stages: [it.node], pos: it.node.pos };
    case 'stage':
    case 'filter':
      return toPipeline(cur, { ...cur.peek(), text: '|' }, it);
    case 'agg':
    case 'scalarPipe':
    case 'openScalarPipe':
      throw cur.error(it.cat === 'openScalarPipe' ? it.aggregate.pos : itemPos(it), 'syntax error: an aggregate must be compared with a value, e.g. { } | count() > 1');
    case 'metricsFn':
      throw cur.error(itemPos(it), `syntax error: ${itemName(it)} must follow a spanset pipeline, e.g. { } | ${itemName(it)}`);
    default:
      throw cur.error(itemPos(it), `syntax error: a query cannot be just ${itemName(it)}; start with a spanset filter such as { }`);
  }
}

function parseItem(cur: Cursor, minPrec: number): Item {
  return cur.nested(() => parseItemLoop(cur, minPrec));
}

function parseItemLoop(cur: Cursor, minPrec: number): Item {
  let lhs = parsePrimary(cur);
  for (;;) {
    const op = cur.peek();
    if (op.type !== 'op') return lhs;
    const info = BINARY_PRECEDENCE.get(op.text);
    if (!info || info.prec < minPrec) return lhs;
    checkLeft(cur, op, lhs);
    cur.next();
    const rhs = parseItem(cur, info.right ? info.prec : info.prec + 1);
    lhs = combine(cur, op, lhs, rhs);
  }
}

function parsePrimary(cur: Cursor): Item {
  const t = cur.peek();
  if (t.type === 'punct' && t.text === '{') return { cat: 'spanset', node: parseSpansetFilter(cur), nested: false };
  if (t.type === 'punct' && t.text === '(') {
    cur.next();
    const inner = parseItem(cur, 0);
    cur.expect(')', "')' or an operator");
    return closeParen(cur, t, inner);
  }
  if (t.type === 'int' || t.type === 'float' || t.type === 'duration') {
    cur.next();
    const pos = posOf(t);
    const node: NumericStatic =
      t.type === 'float'
        ? { kind: 'static', type: 'float', value: t.num as number, pos }
        : { kind: 'static', type: t.type, value: t.num as bigint, pos };
    return { cat: 'scalar', node };
  }
  if (t.type === 'op' && t.text === '-') {
    cur.next();
    const operand = parseItem(cur, LITERAL_NEGATION_PRECEDENCE + 1);
    if (operand.cat !== 'scalar') throw cur.error(t, `syntax error: unary minus cannot be applied to ${itemName(operand)} here`);
    return { cat: 'scalar', node: foldNegate(operand.node, posOf(t)) };
  }
  if (t.type === 'keyword') {
    if (AGGREGATE_KEYWORDS.has(t.text)) return { cat: 'agg', node: parseAggregate(cur) };
    if (t.text === 'by' || t.text === 'coalesce' || t.text === 'select') return { cat: 'stage', node: parseStageCall(cur) };
    if (METRICS_KEYWORDS.has(t.text)) return { cat: 'metricsFn', first: parseMetricsFirstStage(cur), second: [] };
    if (t.text === 'topk' || t.text === 'bottomk') return { cat: 'second', stages: [parseTopK(cur)], pos: posOf(t) };
  }
  if (t.type === 'ident') throw cur.error(t, `syntax error: unknown identifier ${t.text}`);
  throw cur.unexpected("a spanset filter '{', '(' or a pipeline function");
}

function closeParen(cur: Cursor, open: Token, it: Item): Item {
  switch (it.cat) {
    case 'pipeline': {
      const only = it.node.stages.length === 1 ? it.node.stages[0] : null;
      if (only && (only.kind === 'spansetFilter' || only.kind === 'spansetOp')) return { cat: 'spanset', node: only, nested: false };
      return { cat: 'spanset', node: it.node, nested: true };
    }
    case 'stage':
    case 'filter':
      if (it.cat === 'filter' && it.nested) throw cur.error(open, 'syntax error: a comparison of scalar pipelines cannot be parenthesised');
      return { cat: 'spanset', node: toPipeline(cur, open, it), nested: true };
    case 'openScalarPipe':
      return { cat: 'scalarPipe', node: { kind: 'scalarPipeline', pipeline: it.pipeline, aggregate: it.aggregate, pos: it.pipeline.pos } };
    case 'metricsFn':
    case 'second':
      throw cur.error(itemPos(it), `syntax error: ${itemName(it)} must follow a spanset pipeline, e.g. ({ } | rate())`);
    default:
      return it;
  }
}

function combine(cur: Cursor, op: Token, lhs: Item, rhs: Item): Item {
  const o = op.text;
  const opPos = posOf(op);
  const pos = itemPos(lhs);
  if (o === '|') return pipe(cur, op, lhs, rhs);
  if (lhs.cat === 'spanset') {
    if (rhs.cat !== 'spanset') throw cur.error(op, `syntax error: '${o}' needs a spanset on the right, not ${itemName(rhs)}`);
    const node = cur.grow({ kind: 'spansetOp' as const, op: o as SpansetOp, lhs: lhs.node, rhs: rhs.node, pos, opPos }, op, lhs.node, rhs.node);
    return { cat: 'spanset', node, nested: lhs.nested || rhs.nested };
  }
  if (COMPARISONS.has(o)) {
    if (lhs.cat === 'metricsFn' || lhs.cat === 'second' || lhs.cat === 'metrics') {
      if (rhs.cat !== 'scalar') throw cur.error(op, `syntax error: a metrics comparison needs a number on the right, not ${itemName(rhs)}`);
      const f: SecondStage = { kind: 'metricsFilter', op: o as ComparisonOp, value: rhs.node, pos: opPos };
      return appendSecond(cur, op, lhs, [f]);
    }
    return scalarFilter(cur, op, lhs, rhs, pos);
  }
  // arithmetic
  if (lhs.cat === 'scalar' && rhs.cat === 'scalar') {
    if (o === '%' || o === '^') throw cur.error(op, `syntax error: '${o}' cannot be used between constants here`);
    const r = foldBinary(o as FoldOp, lhs.node, rhs.node, pos);
    if ('error' in r) throw cur.error(op, r.error);
    return { cat: 'scalar', node: r };
  }
  if (lhs.cat === 'metrics' || rhs.cat === 'metrics') return metricsMath(cur, op, lhs, rhs);
  for (const cat of ['agg', 'scalarPipe'] as const) {
    if ((lhs.cat === cat || lhs.cat === 'scalar') && (rhs.cat === cat || rhs.cat === 'scalar') && ARITHMETIC.has(o)) {
      const node: ScalarExpr = cur.grow({ kind: 'scalarBinary', op: o as '+', lhs: lhs.node as ScalarExpr, rhs: rhs.node as ScalarExpr, pos, opPos }, op, lhs.node, rhs.node);
      return { cat, node };
    }
  }
  throw cur.error(op, `syntax error: '${o}' cannot combine ${itemName(lhs)} and ${itemName(rhs)}`);
}

function pipe(cur: Cursor, op: Token, lhs: Item, rhs: Item): Item {
  if (rhs.cat === 'second') return appendSecond(cur, op, lhs, rhs.stages);
  if (lhs.cat === 'metrics' || lhs.cat === 'openScalarPipe') throw cur.error(op, `syntax error: unexpected '|' after ${itemName(lhs)}`);
  const stage = asStage(rhs);
  if (!stage && rhs.cat !== 'agg' && rhs.cat !== 'metricsFn') {
    const why = rhs.cat === 'spanset' || rhs.cat === 'filter' ? ' (parenthesised pipelines can only be combined at the top level)' : '';
    throw cur.error(itemPos(rhs), `syntax error: ${itemName(rhs)} cannot be a pipeline stage${why}`);
  }
  const p = toPipeline(cur, op, lhs);
  if (stage) {
    p.stages.push(stage); // p is always a fresh pipeline owned by this parse
    return { cat: 'pipeline', node: p };
  }
  if (rhs.cat === 'metricsFn') {
    return { cat: 'metrics', node: { kind: 'metricsQuery', pipeline: p, first: rhs.first, second: rhs.second, pos: p.pos } };
  }
  const agg = (rhs as { node: ScalarExpr }).node;
  if (agg.kind !== 'aggregate') throw cur.error(itemPos(rhs), 'syntax error: an aggregate must be compared with a value, e.g. { } | count() > 1');
  return { cat: 'openScalarPipe', pipeline: p, aggregate: agg };
}

function appendSecond(cur: Cursor, op: Token, lhs: Item, stages: SecondStage[]): Item {
  if (lhs.cat === 'metricsFn') return { ...lhs, second: [...lhs.second, ...stages] };
  if (lhs.cat === 'second') return { ...lhs, stages: [...lhs.stages, ...stages] };
  if (lhs.cat === 'metrics') return { cat: 'metrics', node: { ...lhs.node, second: [...lhs.node.second, ...stages] } };
  throw cur.error(op, `syntax error: ${stages[0].kind === 'topK' ? stages[0].fn : 'a second stage'} must follow a metrics function, e.g. { } | rate() | topk(5)`);
}

function metricsMath(cur: Cursor, op: Token, lhs: Item, rhs: Item): Item {
  if (!['+', '-', '*', '/'].includes(op.text)) throw cur.error(op, `syntax error: '${op.text}' cannot be used in metrics arithmetic (+ - * / only)`);
  const side = (it: Item): MetricsBinary['lhs'] => {
    if (it.cat === 'metrics') {
      if (it.node.kind === 'metricsBinary' && it.node.second.length) {
        throw cur.error(it.node.second[0].pos, 'syntax error: second stages on metrics arithmetic must come at the end of the query');
      }
      return it.node;
    }
    if (it.cat === 'scalar') {
      if (it.node.type === 'duration') throw cur.error(it.node.pos, 'duration cannot be used as a scalar operand in metric arithmetic');
      return it.node as StaticInt | StaticFloat;
    }
    throw cur.error(op, `syntax error: '${op.text}' cannot combine ${itemName(lhs)} and ${itemName(rhs)}`);
  };
  const l = side(lhs);
  const r = side(rhs);
  const node: MetricsBinary = cur.grow({ kind: 'metricsBinary', op: op.text as MetricsBinary['op'], lhs: l, rhs: r, second: [], pos: itemPos(lhs), opPos: posOf(op) }, op, l, r);
  return { cat: 'metrics', node };
}
