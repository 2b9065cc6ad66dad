/**
 * Canonical printer: `parse(print(q))` equals `q` (ignoring positions). Parentheses are added only
 * where the precedence table needs them; literals are written so they lex back to the same value.
 */
import type {
  Aggregate,
  Attribute,
  FieldExpr,
  Hint,
  Intrinsic,
  MetricsExpr,
  MetricsFirstStage,
  MetricsOperand,
  Node,
  Pipeline,
  PipelineStage,
  Query,
  ScalarExpr,
  SecondStage,
  SpansetExpr,
  Static,
} from './ast.ts';
import { INTRINSICS } from './ast.ts';
import { isAttributeChar } from './lexer.ts';
import { quoteString } from './lexer-strings.ts';
import { BINARY_PRECEDENCE, PREFIX_PRECEDENCE } from './precedence.ts';

const MIN_INT = -9223372036854775808n;

/** Prints any node (a Query, a pipeline, a field expression…) as TraceQL text. */
export function printNode(n: Node): string {
  switch (n.kind) {
    case 'query':
      return printBody(n.body) + (n.hints.length ? ` with(${n.hints.map(printHint).join(', ')})` : '');
    case 'hint':
      return printHint(n);
    case 'pipeline':
      return printPipeline(n);
    case 'spansetFilter':
    case 'spansetOp':
    case 'scalarFilter':
    case 'groupBy':
    case 'coalesce':
    case 'select':
      return printStage(n);
    case 'aggregate':
    case 'scalarBinary':
    case 'scalarPipeline':
      return printScalar(n, 0);
    case 'metricsQuery':
    case 'metricsBinary':
      return printBody(n);
    case 'metricsAggregate':
    case 'compare':
      return printFirstStage(n);
    case 'topK':
    case 'metricsFilter':
      return printSecond([n]).trimStart().replace(/^\| /, '');
    default:
      return printField(n, 0);
  }
}

function printBody(b: Query['body']): string {
  return b.kind === 'pipeline' ? printPipeline(b) : printMetrics(b, true);
}

function printPipeline(p: Pipeline): string {
  return p.stages.map(printStage).join(' | ');
}

function printStage(s: PipelineStage): string {
  switch (s.kind) {
    case 'spansetFilter':
    case 'spansetOp':
    case 'pipeline':
      return printSpanset(s);
    case 'scalarFilter':
      return `${printScalar(s.lhs, 0)} ${s.op} ${printScalar(s.rhs, 0)}`;
    case 'groupBy':
      return `by(${printField(s.expr, 0)})`;
    case 'coalesce':
      return 'coalesce()';
    case 'select':
      return `select(${s.attrs.map(printAttributeRef).join(', ')})`;
  }
}

/** Which side of a binary operator a child sits on, to decide parentheses. */
function needsParens(childPrec: number, parentPrec: number, side: 'l' | 'r', rightAssoc: boolean): boolean {
  if (childPrec !== parentPrec) return childPrec < parentPrec;
  return side === 'l' ? rightAssoc : !rightAssoc;
}

const prec = (op: string) => BINARY_PRECEDENCE.get(op)!.prec;

function printSpanset(e: SpansetExpr): string {
  if (e.kind === 'spansetFilter') return e.empty ? '{ }' : `{ ${printField(e.expr, 0)} }`;
  if (e.kind === 'pipeline') return `(${printPipeline(e)})`;
  const p = prec(e.op);
  const side = (c: SpansetExpr, which: 'l' | 'r') => (needsParens(opPrec(c), p, which, false) ? `(${printSpanset(c)})` : printSpanset(c));
  return `${side(e.lhs, 'l')} ${e.op} ${side(e.rhs, 'r')}`;
}

function opPrec(e: SpansetExpr): number {
  return e.kind === 'spansetOp' ? prec(e.op) : 99;
}

/**
 * Prints a field expression. `follow` is the precedence of the operator printed right after it
 * (0 for none): a prefix operator would swallow a stronger one, so it gets parentheses.
 */
function printField(e: FieldExpr, follow: number): string {
  switch (e.kind) {
    case 'static':
      return printStatic(e, false);
    case 'attribute':
    case 'intrinsic':
      return printAttributeRef(e);
    case 'unary': {
      const level = PREFIX_PRECEDENCE.get(e.op)!;
      const paren = follow > level;
      const inner = fieldPrec(e.operand) <= level ? `(${printField(e.operand, 0)})` : printField(e.operand, paren ? 0 : follow);
      return paren ? `(${e.op}${inner})` : `${e.op}${inner}`;
    }
    case 'binary': {
      const info = BINARY_PRECEDENCE.get(e.op)!;
      const lp = needsParens(fieldPrec(e.lhs), info.prec, 'l', info.right);
      const rp = needsParens(fieldPrec(e.rhs), info.prec, 'r', info.right);
      const l = lp ? `(${printField(e.lhs, 0)})` : printField(e.lhs, info.prec);
      const r = rp ? `(${printField(e.rhs, 0)})` : printField(e.rhs, follow);
      return `${l} ${e.op} ${r}`;
    }
  }
}

function fieldPrec(e: FieldExpr): number {
  if (e.kind === 'binary') return prec(e.op);
  return 99; // atoms and prefix expressions (prefix ones guard themselves via `follow`)
}

function printScalar(e: ScalarExpr, follow: number): string {
  switch (e.kind) {
    case 'aggregate':
      return printAggregate(e);
    case 'scalarPipeline':
      return `(${printPipeline(e.pipeline)} | ${printAggregate(e.aggregate)})`;
    case 'static':
      return printStatic(e, true);
    case 'scalarBinary': {
      const info = BINARY_PRECEDENCE.get(e.op)!;
      const lp = needsParens(scalarPrec(e.lhs), info.prec, 'l', info.right);
      const rp = needsParens(scalarPrec(e.rhs), info.prec, 'r', info.right);
      return `${lp ? `(${printScalar(e.lhs, 0)})` : printScalar(e.lhs, info.prec)} ${e.op} ${rp ? `(${printScalar(e.rhs, 0)})` : printScalar(e.rhs, follow)}`;
    }
  }
}

function scalarPrec(e: ScalarExpr): number {
  return e.kind === 'scalarBinary' ? prec(e.op) : 99;
}

function printAggregate(a: Aggregate): string {
  return `${a.fn}(${a.expr ? printField(a.expr, 0) : ''})`;
}

function printMetrics(e: MetricsExpr, top: boolean): string {
  if (e.kind === 'metricsQuery') {
    const s = `${printPipeline(e.pipeline)} | ${printFirstStage(e.first)}${printSecond(e.second)}`;
    return top ? s : `(${s})`;
  }
  const p = prec(e.op);
  const side = (o: MetricsOperand, which: 'l' | 'r') => {
    if (o.kind === 'static') return printStatic(o, true);
    if (o.kind === 'metricsQuery') return printMetrics(o, false);
    const s = printMetrics(o, false);
    return needsParens(prec(o.op), p, which, false) ? `(${s})` : s;
  };
  return `${side(e.lhs, 'l')} ${e.op} ${side(e.rhs, 'r')}${printSecond(e.second)}`;
}

function printFirstStage(f: MetricsFirstStage): string {
  if (f.kind === 'compare') {
    const args = [printSpanset(f.filter), f.topN, f.start, f.end].filter((a) => a !== null);
    return `compare(${args.join(', ')})`;
  }
  const args: string[] = [];
  if (f.attr) args.push(printAttributeRef(f.attr));
  for (const q of f.quantiles) args.push(formatFloat(q));
  const by = f.by.length ? ` by (${f.by.map(printAttributeRef).join(', ')})` : '';
  return `${f.fn}(${args.join(', ')})${by}`;
}

function printSecond(stages: SecondStage[]): string {
  return stages.map((s) => (s.kind === 'topK' ? ` | ${s.fn}(${s.limit})` : ` ${s.op} ${printStatic(s.value, true)}`)).join('');
}

function printHint(h: Hint): string {
  return `${h.name}=${printStatic(h.value, false)}`;
}

/** Prints a literal. `scalar`: outside `{ }`, where negative literals are folded negations. */
function printStatic(s: Static, scalar: boolean): string {
  switch (s.type) {
    case 'string':
      return quoteString(s.value);
    case 'int':
      if (s.value === MIN_INT) return scalar ? '(-9223372036854775807 - 1)' : 'minInt';
      return s.value.toString();
    case 'float':
      return formatFloat(s.value);
    case 'duration':
      return formatDuration(s.value);
    case 'nil':
      return 'nil';
    default:
      return String(s.value);
  }
}

/** A float literal that lexes back as the same float (`1.0`, `0.5`, `1e+21`, `-0.0`). */
export function formatFloat(v: number): string {
  if (Object.is(v, -0)) return '-0.0';
  const s = String(v);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

const UNITS: [string, bigint][] = [
  ['h', 3_600_000_000_000n],
  ['m', 60_000_000_000n],
  ['s', 1_000_000_000n],
  ['ms', 1_000_000n],
  ['us', 1_000n],
  ['ns', 1n],
];

/** Formats nanoseconds as a compound duration literal (`1h15m30s500ms`, `0s`). */
export function formatDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  let rest = ns < 0n ? -ns : ns;
  let out = ns < 0n ? '-' : '';
  for (const [unit, size] of UNITS) {
    const n = rest / size;
    if (n > 0n) out += `${n}${unit}`;
    rest %= size;
  }
  return out;
}

/** Prints an attribute (`span.x`, `."a b"`, `parent.resource.x`) or intrinsic (`span:duration`). */
export function printAttributeRef(a: Attribute | Intrinsic): string {
  if (a.kind === 'intrinsic') return a.legacy ? (INTRINSICS[a.name].legacy ?? a.name) : a.name;
  let scope = a.scope === 'unscoped' ? '' : `${a.scope}.`;
  if (a.parent) scope = `parent.${scope}`;
  const prefix = scope === '' ? '.' : scope;
  return prefix + attributeName(a.name, prefix);
}

function attributeName(name: string, prefix: string): string {
  const plain =
    name !== '' &&
    [...name].every((c) => isAttributeChar(c) && c !== '"') &&
    !(prefix === '.' && /^[0-9]/.test(name)) &&
    !(prefix === 'parent.' && /^(span|resource)\./.test(name));
  return plain ? name : `"${name.replace(/[\\"]/g, (c) => '\\' + c)}"`;
}
