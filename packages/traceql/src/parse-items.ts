/**
 * What the top-level parser builds before it knows the whole query: each operand outside `{ }` is
 * an Item of some category (a spanset, a pipeline, an aggregate expression, a literal, a metrics
 * query…), and operators combine Items by category. This is how one Pratt loop over one precedence
 * table handles spanset operators, pipelines, scalar filters and metrics math, which share tokens
 * (`>` is "child of" between spansets and "greater than" after `count()`).
 */
import type {
  Aggregate,
  Coalesce,
  ComparisonOp,
  GroupBy,
  MetricsExpr,
  MetricsFirstStage,
  NumericStatic,
  Pipeline,
  PipelineStage,
  Pos,
  ScalarExpr,
  ScalarFilter,
  SecondStage,
  Select,
  SpansetExpr,
} from './ast.ts';
import type { Cursor } from './cursor.ts';
import type { Token } from './lexer.ts';

/** A parsed operand outside `{ }`. `nested`: contains parenthesised pipelines (top level only). */
export type Item =
  | { cat: 'spanset'; node: SpansetExpr; nested: boolean }
  | { cat: 'pipeline'; node: Pipeline }
  | { cat: 'stage'; node: GroupBy | Coalesce | Select }
  | { cat: 'filter'; node: ScalarFilter; nested: boolean }
  | { cat: 'agg'; node: ScalarExpr }
  | { cat: 'scalarPipe'; node: ScalarExpr }
  | { cat: 'openScalarPipe'; pipeline: Pipeline; aggregate: Aggregate }
  | { cat: 'scalar'; node: NumericStatic }
  | { cat: 'metricsFn'; first: MetricsFirstStage; second: SecondStage[] }
  | { cat: 'second'; stages: SecondStage[]; pos: Pos }
  | { cat: 'metrics'; node: MetricsExpr };

export const COMPARISONS: ReadonlySet<string> = new Set(['=', '!=', '<', '<=', '>', '>=']);
export const ARITHMETIC: ReadonlySet<string> = new Set(['+', '-', '*', '/', '%', '^']);

/** What an Item is called in messages. */
export function itemName(it: Item): string {
  switch (it.cat) {
    case 'spanset':
      return it.node.kind === 'pipeline' ? 'a parenthesised pipeline' : 'a spanset';
    case 'pipeline':
      return 'a pipeline';
    case 'stage':
      return `${it.node.kind === 'groupBy' ? 'by' : it.node.kind}()`;
    case 'filter':
      return 'a scalar filter';
    case 'agg':
      return 'an aggregate';
    case 'scalarPipe':
    case 'openScalarPipe':
      return 'a scalar pipeline';
    case 'scalar':
      return 'a number';
    case 'metricsFn':
      return `${it.first.kind === 'compare' ? 'compare' : it.first.fn}()`;
    case 'second':
      return 'a second-stage function';
    case 'metrics':
      return 'a metrics query';
  }
}

/** Position of an Item's first token. */
export function itemPos(it: Item): Pos {
  switch (it.cat) {
    case 'openScalarPipe':
      return it.pipeline.pos;
    case 'metricsFn':
      return it.first.pos;
    case 'second':
      return it.pos;
    default:
      return it.node.pos;
  }
}

/**
 * Fails early (at the operator, as Tempo does) when the left operand can never take `op`.
 */
export function checkLeft(cur: Cursor, op: Token, lhs: Item): void {
  const o = op.text;
  const ok = (() => {
    switch (lhs.cat) {
      case 'spanset':
        return o === '|' || (!COMPARISONS.has(o) && !ARITHMETIC.has(o) && o !== '=~') || o === '>' || o === '<';
      case 'pipeline':
      case 'stage':
      case 'openScalarPipe':
        return o === '|';
      case 'filter':
        return o === '|' && !lhs.nested;
      case 'agg':
      case 'scalarPipe':
      case 'scalar':
        return COMPARISONS.has(o) || ARITHMETIC.has(o);
      case 'metricsFn':
      case 'second':
        return COMPARISONS.has(o);
      case 'metrics':
        return o === '|' || COMPARISONS.has(o) || ['+', '-', '*', '/'].includes(o);
    }
  })();
  if (!ok) throw cur.error(op, `syntax error: unexpected '${o}' after ${itemName(lhs)}${hint(lhs, o)}`);
}

function hint(lhs: Item, o: string): string {
  if (lhs.cat === 'metricsFn' && ARITHMETIC.has(o)) return ' (wrap each metrics query in parentheses to do arithmetic)';
  if (lhs.cat === 'metrics' && (o === '%' || o === '^')) return ' (metrics arithmetic allows + - * / only)';
  if (lhs.cat === 'openScalarPipe') return ' (an aggregate must be compared, e.g. count() > 1)';
  if (lhs.cat === 'filter' && o !== '|') return ' (scalar filters are pipeline stages; combine them with |)';
  if (lhs.cat === 'spanset' && o === '=~') return ' (=~ compares values inside { })';
  return '';
}

/** Turns the left side of `|` into a pipeline to append to. */
export function toPipeline(cur: Cursor, op: Token, lhs: Item): Pipeline {
  switch (lhs.cat) {
    case 'pipeline':
      return lhs.node;
    case 'spanset':
      if (lhs.node.kind === 'pipeline') return { ...lhs.node, stages: [...lhs.node.stages] };
      if (lhs.nested) throw cur.error(op, 'syntax error: an operation between parenthesised pipelines must be the whole query; it cannot be followed by |');
      return { kind: 'pipeline', stages: [lhs.node], pos: lhs.node.pos };
    case 'stage':
      if (lhs.node.kind === 'coalesce') throw cur.error(lhs.node.pos, 'syntax error: a pipeline cannot start with coalesce()');
      return { kind: 'pipeline', stages: [lhs.node], pos: lhs.node.pos };
    case 'filter':
      return { kind: 'pipeline', stages: [lhs.node], pos: lhs.node.pos };
    default:
      throw cur.error(op, `syntax error: unexpected '|' after ${itemName(lhs)}`);
  }
}

/** The stage an Item stands for on the right of `|`, or null if it is not a pipeline stage. */
export function asStage(it: Item): PipelineStage | null {
  if (it.cat === 'spanset' && !it.nested) return it.node;
  if (it.cat === 'stage') return it.node;
  if (it.cat === 'filter' && !it.nested) return it.node;
  return null;
}

/** Comparison between scalar operands (aggregates, scalar pipelines, literals) as a ScalarFilter. */
export function scalarFilter(cur: Cursor, op: Token, lhs: Item, rhs: Item, pos: Pos): Item {
  const kinds = new Set([lhs.cat, rhs.cat]);
  for (const k of kinds) {
    if (k !== 'agg' && k !== 'scalar' && k !== 'scalarPipe') {
      throw cur.error(op, `syntax error: cannot compare ${itemName(lhs)} with ${itemName(rhs)}`);
    }
  }
  if (!kinds.has('agg') && !kinds.has('scalarPipe')) throw cur.error(op, 'syntax error: a comparison outside { } needs an aggregate such as count() or a metrics query');
  if (kinds.has('agg') && kinds.has('scalarPipe')) throw cur.error(op, 'syntax error: cannot compare an aggregate with a parenthesised scalar pipeline');
  const node: ScalarFilter = {
    kind: 'scalarFilter',
    op: op.text as ComparisonOp,
    lhs: (lhs as { node: ScalarExpr }).node,
    rhs: (rhs as { node: ScalarExpr }).node,
    pos,
    opPos: { line: op.line, col: op.col },
  };
  return { cat: 'filter', node, nested: kinds.has('scalarPipe') };
}
