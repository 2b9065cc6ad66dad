/** Test helpers: position stripping and a compact s-expression view of ASTs. */
import type { FieldExpr, MetricsExpr, MetricsOperand, Node, PipelineStage, ScalarExpr, SecondStage } from '../src/index.ts';
import { print } from '../src/index.ts';

/** Deep copy without `pos` / `opPos`, for comparing ASTs regardless of where they came from. */
export function stripPos<T>(x: T): T {
  if (Array.isArray(x)) return x.map(stripPos) as T;
  if (x && typeof x === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) if (k !== 'pos' && k !== 'opPos') out[k] = stripPos(v);
    return out as T;
  }
  return x;
}

/** Lisp-like rendering that makes grouping explicit: `{ .a + 1 = 2 }` -> `{(= (+ .a 1) 2)}`. */
export function sexpr(n: Node): string {
  switch (n.kind) {
    case 'query':
      return sexpr(n.body) + (n.hints.length ? ` with ${n.hints.map((h) => `${h.name}=${print(h.value)}`).join(',')}` : '');
    case 'pipeline':
      return n.stages.length === 1 ? sexpr(n.stages[0]) : `(| ${n.stages.map((s: PipelineStage) => sexpr(s)).join(' ')})`;
    case 'spansetFilter':
      return `{${sexpr(n.expr)}}`;
    case 'spansetOp':
      return `(${n.op} ${sexpr(n.lhs)} ${sexpr(n.rhs)})`;
    case 'binary':
      return `(${n.op} ${sexpr(n.lhs)} ${sexpr(n.rhs)})`;
    case 'unary':
      return `(${n.op} ${sexpr(n.operand)})`;
    case 'scalarFilter':
    case 'scalarBinary':
      return `(${n.op} ${sexpr(n.lhs)} ${sexpr(n.rhs)})`;
    case 'metricsBinary':
      return `(${n.op} ${sexpr(n.lhs)} ${sexpr(n.rhs)})${second(n.second)}`;
    case 'metricsQuery':
      return `[${sexpr(n.pipeline)} ${print(n.first)}]${second(n.second)}`;
    case 'scalarPipeline':
      return `[${sexpr(n.pipeline)} ${print(n.aggregate)}]`;
    default:
      return print(n);
  }
}

function second(s: SecondStage[]): string {
  return s.map((x) => (x.kind === 'topK' ? ` |${x.fn}(${x.limit})` : ` ${x.op}${print(x.value)}`)).join('');
}

export type { FieldExpr, MetricsExpr, MetricsOperand, ScalarExpr };
