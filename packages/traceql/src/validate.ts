/**
 * Tempo's validation semantics (`ast_validate.go`) over our AST, plus checks Tempo leaves to run
 * time or ignores: regexes must be RE2 that JavaScript can represent, hints must be known (and the
 * unsafe ones explicitly allowed). Throws TraceQLValidationError or TraceQLUnsupportedError for the
 * first problem, in source order.
 */
import type {
  Aggregate,
  AttributeRef,
  FieldExpr,
  Hint,
  MetricsExpr,
  Pipeline,
  PipelineStage,
  Query,
  ScalarExpr,
  SecondStage,
  SpansetExpr,
} from './ast.ts';
import { INTRINSICS } from './ast.ts';
import { TraceQLUnsupportedError, TraceQLValidationError } from './errors.ts';
import { printNode } from './print.ts';
import { RegexError, translateRegex } from './regex.ts';
import { isMatchingOperand, isNumericType, isOperatorValidFor, referencesSpan, scalarTypeOf, typeOf } from './types.ts';

/** Options of validate(). */
export interface ValidateOptions {
  /** Accept Tempo's unsafe hints (`job_size`, `debug`, `skip_ast_transformations`…). Default false. */
  allowUnsafeHints?: boolean;
  /** Most attributes in a metrics `by (…)` (Tempo: 5, one fewer for quantile/histogram). */
  maxMetricsGroupBy?: number;
}

/** Hints Tempo treats as safe, with the value types they take. */
export const SAFE_HINTS = ['most_recent', 'sample', 'span_sample', 'trace_sample', 'exemplars', 'extrapolate'] as const;
/** Hints Tempo only honours with the per-tenant `unsafe_query_hints` setting. */
export const UNSAFE_HINTS = [
  'job_size', 'time_overlap_cutoff', 'concurrent_blocks', 'spanonly_fetch', 'debug', 'info',
  'skip_ast_transformations', 'debug_return_in', 'debug_std_dev', 'debug_data_factor',
] as const;

const MAX_COMPARE_TOP_N = 1000n;

/** Validates a parsed query. Throws TraceQLValidationError / TraceQLUnsupportedError. */
export function validateQuery(q: Query, opts: ValidateOptions = {}): void {
  if (q.body.kind === 'pipeline') validatePipeline(q.body);
  else validateMetrics(q.body, opts);
  for (const h of q.hints) validateHint(h, opts);
}

function validatePipeline(p: Pipeline): void {
  for (const s of p.stages) validateStage(s);
}

function validateStage(s: PipelineStage): void {
  switch (s.kind) {
    case 'spansetFilter':
    case 'spansetOp':
    case 'pipeline':
      return validateSpanset(s);
    case 'groupBy':
      if (!referencesSpan(s.expr)) throw new TraceQLValidationError(`grouping field expressions must reference the span: ${printNode(s)}`, s.pos);
      return validateField(s.expr);
    case 'coalesce':
      return;
    case 'select':
      return s.attrs.forEach(validateAttributeRef);
    case 'scalarFilter': {
      validateScalar(s.lhs);
      validateScalar(s.rhs);
      const lt = scalarTypeOf(s.lhs);
      const rt = scalarTypeOf(s.rhs);
      if (!isMatchingOperand(lt, rt)) throw new TraceQLValidationError(`binary operations must operate on the same type: ${printNode(s)}`, s.opPos);
      if (!isOperatorValidFor(s.op, lt) || !isOperatorValidFor(s.op, rt)) throw new TraceQLValidationError(`illegal operation for the given types: ${printNode(s)}`, s.opPos);
      if (s.lhs.kind !== 'aggregate') throw new TraceQLUnsupportedError(s.lhs.kind === 'static' ? 'scalar filter with a constant on the left' : 'scalar filter over aggregate arithmetic or parenthesised pipelines', s.pos, printNode(s));
      if (s.rhs.kind !== 'static') throw new TraceQLUnsupportedError('scalar filter comparing aggregates', s.pos, printNode(s));
      return;
    }
  }
}

function validateSpanset(s: SpansetExpr): void {
  if (s.kind === 'pipeline') return validatePipeline(s);
  if (s.kind === 'spansetOp') {
    validateSpanset(s.lhs);
    return validateSpanset(s.rhs);
  }
  validateField(s.expr);
  const t = typeOf(s.expr);
  if (t !== 'attribute' && t !== 'bool') throw new TraceQLValidationError(`span filter field expressions must resolve to a boolean: ${printNode(s)}`, s.pos);
}

function validateScalar(e: ScalarExpr): void {
  switch (e.kind) {
    case 'static':
      return;
    case 'aggregate':
      return validateAggregate(e);
    case 'scalarPipeline':
      validatePipeline(e.pipeline);
      return validateAggregate(e.aggregate);
    case 'scalarBinary': {
      validateScalar(e.lhs);
      validateScalar(e.rhs);
      const lt = scalarTypeOf(e.lhs);
      const rt = scalarTypeOf(e.rhs);
      if (!isMatchingOperand(lt, rt)) throw new TraceQLValidationError(`binary operations must operate on the same type: ${printNode(e)}`, e.opPos);
      if (!isOperatorValidFor(e.op, lt) || !isOperatorValidFor(e.op, rt)) throw new TraceQLValidationError(`illegal operation for the given types: ${printNode(e)}`, e.opPos);
    }
  }
}

function validateAggregate(a: Aggregate): void {
  if (!a.expr) return;
  validateField(a.expr);
  const t = typeOf(a.expr);
  if (t !== 'attribute' && !isNumericType(t)) throw new TraceQLValidationError(`aggregate field expressions must resolve to a number type: ${printNode(a)}`, a.pos);
  if (!referencesSpan(a.expr)) throw new TraceQLValidationError(`aggregate field expressions must reference the span: ${printNode(a)}`, a.pos);
}

function validateAttributeRef(a: AttributeRef): void {
  if (a.kind === 'attribute' && a.parent) throw new TraceQLUnsupportedError('parent scope', a.pos, printNode(a));
  if (a.kind === 'intrinsic' && a.name === 'parent') throw new TraceQLUnsupportedError('intrinsic (parent)', a.pos);
}

/** Validates a field expression (types, nil, regexes). */
export function validateField(e: FieldExpr): void {
  switch (e.kind) {
    case 'static':
      return;
    case 'attribute':
    case 'intrinsic':
      return validateAttributeRef(e);
    case 'unary': {
      validateField(e.operand);
      const t = typeOf(e.operand);
      if (t === 'attribute') return;
      if (e.op === '-' ? !isNumericType(t) : t !== 'bool') throw new TraceQLValidationError(`illegal operation for the given type: ${printNode(e)}`, e.pos);
      return;
    }
    case 'binary':
      return validateBinary(e);
  }
}

function validateBinary(e: Extract<FieldExpr, { kind: 'binary' }>): void {
  validateField(e.lhs);
  validateField(e.rhs);
  const lNil = e.lhs.kind === 'static' && e.lhs.type === 'nil';
  const rNil = e.rhs.kind === 'static' && e.rhs.type === 'nil';
  if (lNil || rNil) {
    const other = lNil ? e.rhs : e.lhs;
    if (e.op === '=' && other.kind === 'intrinsic') {
      throw new TraceQLValidationError(`${printNode(other)}=nil is not valid because intrinsics cannot be nil`, e.pos);
    }
    if (e.op === '=' && other.kind === 'attribute' && other.scope === 'resource' && !other.parent && other.name === 'service.name') {
      throw new TraceQLValidationError('resource.service.name=nil is not valid because resource.service.name cannot be nil', e.pos);
    }
    return;
  }
  const lt = typeOf(e.lhs);
  const rt = typeOf(e.rhs);
  if (!isMatchingOperand(lt, rt)) throw new TraceQLValidationError(`binary operations must operate on the same type: ${printNode(e)}`, e.opPos);
  if (!isOperatorValidFor(e.op, lt) || !isOperatorValidFor(e.op, rt)) throw new TraceQLValidationError(`illegal operation for the given types: ${printNode(e)}`, e.opPos);
  if (e.op === '=~' || e.op === '!~') {
    if (e.rhs.kind !== 'static' || e.rhs.type !== 'string') {
      throw new TraceQLValidationError(`invalid type for =~ or !~: ${printNode(e.rhs)} (the pattern must be a string literal)`, e.rhs.pos);
    }
    try {
      translateRegex(e.rhs.value);
    } catch (err) {
      if (!(err instanceof RegexError)) throw err;
      const shown = printNode(e.rhs);
      // A pattern rejected for its length is named by its start, not echoed whole.
      throw new TraceQLValidationError(`invalid regex: ${shown.length > 120 ? `${shown.slice(0, 100)}…` : shown}: ${err.message}`, e.rhs.pos);
    }
  }
}

function validateMetrics(m: MetricsExpr, opts: ValidateOptions): void {
  if (m.kind === 'metricsBinary') {
    for (const side of [m.lhs, m.rhs]) {
      if (side.kind === 'static') continue;
      validateMetrics(side, opts);
      if (side.kind === 'metricsQuery' && side.first.kind === 'compare') {
        throw new TraceQLValidationError('`compare()` cannot be used with second stage functions or metrics arithmetic', side.first.pos);
      }
    }
    return validateSecondStages(m.second);
  }
  validatePipeline(m.pipeline);
  const f = m.first;
  if (f.kind === 'compare') {
    validateSpanset(f.filter);
    if (f.topN !== null && (f.topN <= 0n || f.topN > MAX_COMPARE_TOP_N)) {
      throw new TraceQLValidationError(`compare() top number of values must be an integer between 1 and ${MAX_COMPARE_TOP_N}`, f.pos);
    }
    if (f.start !== null && f.end !== null && !(f.start === 0n && f.end === 0n)) {
      if (f.start <= 0n || f.end <= 0n) throw new TraceQLValidationError('compare() timestamps must be positive integer unix nanoseconds', f.pos);
      if (f.end <= f.start) throw new TraceQLValidationError('compare() end timestamp must be greater than start timestamp', f.pos);
    }
    if (m.second.length) throw new TraceQLValidationError('`compare()` cannot be used with second stage functions', m.second[0].pos);
    return;
  }
  if (f.attr) {
    validateAttributeRef(f.attr);
    if (f.attr.kind === 'intrinsic' && !isNumericType(INTRINSICS[f.attr.name].type)) {
      throw new TraceQLValidationError(`${f.fn}() needs a numeric attribute or intrinsic, not ${printNode(f.attr)}`, f.attr.pos);
    }
  }
  for (const q of f.quantiles) {
    if (q < 0 || q > 1) throw new TraceQLValidationError(`quantile must be between 0 and 1: ${q}`, f.pos);
  }
  f.by.forEach(validateAttributeRef);
  const max = (opts.maxMetricsGroupBy ?? 5) - (f.fn === 'quantile_over_time' || f.fn === 'histogram_over_time' ? 1 : 0);
  if (f.by.length > max) throw new TraceQLUnsupportedError(`metrics group by ${f.by.length} values`, f.pos, `at most ${max} for ${f.fn}()`);
  validateSecondStages(m.second);
}

function validateSecondStages(stages: SecondStage[]): void {
  for (const s of stages) {
    if (s.kind === 'topK' && s.limit <= 0n) throw new TraceQLValidationError(`${s.fn}() limit must be a positive integer: ${printNode(s)}`, s.pos);
  }
}

function validateHint(h: Hint, opts: ValidateOptions): void {
  const v = h.value;
  const num = v.type === 'int' || v.type === 'float' ? Number(v.value) : null;
  const fraction = num !== null && num >= 0 && num <= 1;
  const bad = (want: string) => new TraceQLValidationError(`hint ${h.name} takes ${want}, not ${printNode(v)}`, v.pos);
  switch (h.name) {
    case 'most_recent':
    case 'extrapolate':
      if (v.type !== 'bool') throw bad('true or false');
      return;
    case 'sample':
      if (v.type !== 'bool' && !fraction) throw bad('true, false or a fraction between 0 and 1');
      return;
    case 'span_sample':
    case 'trace_sample':
      if (!fraction) throw bad('a fraction between 0 and 1');
      return;
    case 'exemplars':
      if (v.type !== 'bool' && !(v.type === 'int' && v.value >= 0n)) throw bad('true, false or a count');
      return;
  }
  if ((UNSAFE_HINTS as readonly string[]).includes(h.name) || h.name.startsWith('debug_')) {
    if (opts.allowUnsafeHints) return;
    throw new TraceQLValidationError(`hint ${h.name} is unsafe and not allowed for this tenant`, h.pos);
  }
  throw new TraceQLValidationError(`unknown hint ${h.name} (known: ${SAFE_HINTS.join(', ')})`, h.pos);
}
