/**
 * SQL for the per-span values a metrics query reads: group-by keys, the aggregated value, and
 * log2 histogram buckets. Like compile-fields.ts (whose filters and numeric values this reuses)
 * the SQL reads one row of the span relation aliased `s`; see metrics-sql.ts for its columns.
 * Attribute names and literals only ever reach SQL as parameters.
 */
import type { AttributeRef } from './ast.ts';
import { type Params, numericExpr, valueExpr } from './compile-fields.ts';
import type { MetricsColumn } from './metrics-plan.ts';

/**
 * A group-by key as text (NULL when absent), read as filters read it (unscoped attributes: span,
 * then resource, events, links, scope). Attributes are grouped by their jsonb text, so int 2 and
 * double 2.0 stay apart as they do in Tempo.
 */
export function groupKeySql(c: MetricsColumn, p: Params): string {
  return `(${valueExpr(c.ref, p).sql})::text`;
}

/** The aggregated value as numeric (nanoseconds for durations), NULL when absent or not a number. */
export function valueSql(ref: AttributeRef, p: Params): string {
  return numericExpr(ref, p);
}

/** Bit length of `x - 1` for an int8 `x >= 2`: the exponent e of the smallest power of two >= x. */
const log2Ceil = (x: string) => `length(ltrim(((${x}) - 1)::bit(64)::text, '0'))`;

/**
 * Tempo's histogram bucket of a span as the exponent `e` of its upper bound 2^e: durations in
 * nanoseconds and integer attributes, values below 2 and other types dropped (NULL), as Tempo
 * does. The label is 2^e, divided by 1e9 for durations (seconds).
 */
export function bucketExponentSql(ref: AttributeRef, p: Params): string {
  const v = valueExpr(ref, p);
  if (ref.kind === 'intrinsic') {
    const ns = `(${v.sql})::int8`;
    return `case when ${ns} >= 2 then ${log2Ceil(ns)} end`;
  }
  const j = v.sql;
  // Ints are stored without a decimal point, doubles always with one (codec/attr-json.ts).
  const isInt = `jsonb_typeof(${j}) = 'number' and (${j})::text ~ '^[0-9]{1,19}$'`;
  const n = `((${j})::text::numeric)`;
  // Nested CASE: the cast runs only on ints (AND gives no evaluation order).
  return `case when ${isInt} then case when ${n} between 2 and 9223372036854775807 then ${log2Ceil(`${n}::int8`)} end end`;
}
