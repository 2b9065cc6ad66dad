/**
 * The TraceQL abstract syntax tree: the contract between the parser and everything that consumes a
 * query (validator, printer, SQL compiler, evaluator, UI). Discriminated unions on `kind`; every node
 * carries `pos`, the 1-based line/column of its first token. This file only grows: later changes add
 * optional fields, never rename or remove.
 *
 * Shape of a query (mirrors Tempo's grammar, `pkg/traceql/expr.y`):
 *
 *   Query.body = Pipeline                         search: `{ } | by(.a) | count() > 2`
 *              | MetricsExpr                      metrics: `{ } | rate() by (x) | topk(5)`, `(a) / (b)`
 *
 * Literal arithmetic outside `{ }` (scalar filters, metrics filters, metrics math) is folded at parse
 * time, as Tempo does (`1 / 2` is int 0, `-5s` a duration), so those contexts hold a single Static.
 * Field expressions inside `{ }`, `by()` and aggregates are kept exactly as written.
 */

import type { MetricsBinary, MetricsExpr, MetricsFirstStage, MetricsQuery, SecondStage } from './ast-metrics.ts';

export * from './ast-metrics.ts';

/** 1-based position of a node's first token. `col` counts characters (code points), like Tempo. */
export interface Pos {
  line: number;
  col: number;
}

// ---------------------------------------------------------------------------------------------
// Statics
// ---------------------------------------------------------------------------------------------

/** Span status keywords. */
export const STATUS_VALUES = ['ok', 'error', 'unset'] as const;
export type StatusValue = (typeof STATUS_VALUES)[number];

/** Span kind keywords. */
export const KIND_VALUES = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;
export type KindValue = (typeof KIND_VALUES)[number];

/** A literal of one static type: `{ kind: 'static', type, value, pos }`. */
interface StaticOf<T extends string, V> {
  kind: 'static';
  type: T;
  value: V;
  pos: Pos;
}
/** A string literal, `"…"` (Go escapes) or `` `…` `` (raw). */
export type StaticString = StaticOf<'string', string>;
/** A 64-bit integer literal (`200`, and the constants `minInt`/`maxInt`). */
export type StaticInt = StaticOf<'int', bigint>;
/** A float literal (`1.5`, `.99`, `1e3`). Always finite. */
export type StaticFloat = StaticOf<'float', number>;
/** `true` / `false`. */
export type StaticBool = StaticOf<'bool', boolean>;
/** A duration literal (`1h15m30.5s`, `2d`), in nanoseconds (int64 range, as Go's time.Duration). */
export type StaticDuration = StaticOf<'duration', bigint>;
/** `ok` / `error` / `unset`. */
export type StaticStatus = StaticOf<'status', StatusValue>;
/** `server` / `client` / … span kinds. */
export type StaticKind = StaticOf<'kind', KindValue>;
/** `nil`. Only ever a direct operand of `=` / `!=` (`{ .x = nil }` means "attribute absent"). */
export type StaticNil = StaticOf<'nil', null>;

export type Static =
  | StaticString
  | StaticInt
  | StaticFloat
  | StaticBool
  | StaticDuration
  | StaticStatus
  | StaticKind
  | StaticNil;

/** The numeric statics that scalar contexts (scalar filters, metrics filters, metrics math) hold. */
export type NumericStatic = StaticInt | StaticFloat | StaticDuration;

/** Names of static types. */
export type StaticType = Static['type'];

// ---------------------------------------------------------------------------------------------
// Attributes and intrinsics
// ---------------------------------------------------------------------------------------------

/** Attribute scopes. `unscoped` is `.name` (span first, then resource, …). */
export const ATTRIBUTE_SCOPES = ['unscoped', 'span', 'resource', 'event', 'link', 'instrumentation'] as const;
export type AttributeScope = (typeof ATTRIBUTE_SCOPES)[number];

/**
 * An attribute reference: `.a`, `span.http.url`, `resource."x y"`, `event.foo`, `link.foo`,
 * `instrumentation.foo`. `parent` is true for `parent.x` (scope unscoped), `parent.span.x` and
 * `parent.resource.x` — Tempo parses those but rejects them as unsupported.
 */
export interface Attribute {
  kind: 'attribute';
  scope: AttributeScope;
  name: string;
  parent: boolean;
  pos: Pos;
}

/**
 * Every intrinsic, under its canonical name, with its static type and the legacy unscoped
 * spelling where one exists (`duration` ≡ `span:duration`). `nestedSet*` and `parent` have only
 * the bare form; `parent` (bare) parses but is unsupported.
 */
export const INTRINSICS = {
  'span:name': { type: 'string', legacy: 'name' },
  'span:status': { type: 'status', legacy: 'status' },
  'span:statusMessage': { type: 'string', legacy: 'statusMessage' },
  'span:kind': { type: 'kind', legacy: 'kind' },
  'span:duration': { type: 'duration', legacy: 'duration' },
  'span:id': { type: 'string', legacy: null },
  'span:parentID': { type: 'string', legacy: null },
  'span:childCount': { type: 'int', legacy: null },
  'trace:duration': { type: 'duration', legacy: 'traceDuration' },
  'trace:rootName': { type: 'string', legacy: 'rootName' },
  'trace:rootService': { type: 'string', legacy: 'rootServiceName' },
  'trace:id': { type: 'string', legacy: null },
  'event:name': { type: 'string', legacy: null },
  'event:timeSinceStart': { type: 'duration', legacy: null },
  'link:traceID': { type: 'string', legacy: null },
  'link:spanID': { type: 'string', legacy: null },
  'instrumentation:name': { type: 'string', legacy: null },
  'instrumentation:version': { type: 'string', legacy: null },
  nestedSetLeft: { type: 'int', legacy: null },
  nestedSetRight: { type: 'int', legacy: null },
  nestedSetParent: { type: 'int', legacy: null },
  parent: { type: 'nil', legacy: null },
} as const;
export type IntrinsicName = keyof typeof INTRINSICS;

/**
 * An intrinsic field. `legacy` is set (to true) only when the query used the unscoped legacy
 * spelling (`duration`, `rootServiceName`, …), so the printer can write it back the same way;
 * consumers should look only at `name`.
 */
export interface Intrinsic {
  kind: 'intrinsic';
  name: IntrinsicName;
  legacy?: true;
  pos: Pos;
}

/** What `select()`, `by (…)` of metrics, and metrics function arguments accept. */
export type AttributeRef = Attribute | Intrinsic;

// ---------------------------------------------------------------------------------------------
// Field expressions (inside `{ }`, `by( )`, aggregate arguments)
// ---------------------------------------------------------------------------------------------

/** Comparison operators shared by field expressions, scalar filters and metrics filters. */
export type ComparisonOp = '=' | '!=' | '<' | '<=' | '>' | '>=';
/** Arithmetic operators. Metrics math allows only `+ - * /`. */
export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '^';
/** Binary operators of field expressions. */
export type FieldBinaryOp = ComparisonOp | '=~' | '!~' | '&&' | '||' | ArithmeticOp;

/** `lhs op rhs` inside a field expression. `opPos` is the operator's position. */
export interface BinaryExpr {
  kind: 'binary';
  op: FieldBinaryOp;
  lhs: FieldExpr;
  rhs: FieldExpr;
  pos: Pos;
  opPos: Pos;
}

/** `!x` or `-x`. Kept as written (`-1` is unary minus over int 1). */
export interface UnaryExpr {
  kind: 'unary';
  op: '!' | '-';
  operand: FieldExpr;
  pos: Pos;
}

export type FieldExpr = Static | Attribute | Intrinsic | BinaryExpr | UnaryExpr;

// ---------------------------------------------------------------------------------------------
// Spanset expressions and pipelines
// ---------------------------------------------------------------------------------------------

/**
 * `{ expr }`. `{}` and `{ }` are `{ true }` with `empty: true` (so the printer writes `{ }` back).
 */
export interface SpansetFilter {
  kind: 'spansetFilter';
  expr: FieldExpr;
  empty?: true;
  pos: Pos;
}

/** Operators between spansets: logical, structural, negated structural and union structural. */
export const SPANSET_OPS = [
  '&&', '||',
  '>', '>>', '<', '<<', '~',
  '!>', '!>>', '!<', '!<<', '!~',
  '&>', '&>>', '&<', '&<<', '&~',
] as const;
export type SpansetOp = (typeof SPANSET_OPS)[number];

/** `lhs op rhs` between spansets (`{a} >> {b}`, `({a} | count() > 1) && ({b})`). */
export interface SpansetOperation {
  kind: 'spansetOp';
  op: SpansetOp;
  lhs: SpansetExpr;
  rhs: SpansetExpr;
  pos: Pos;
  opPos: Pos;
}

/**
 * A spanset expression. A `Pipeline` appears here only as an operand of a top-level spanset
 * operation over parenthesised pipelines (`({a} | count() > 1) >> ({b})`); a parenthesised
 * single spanset expression is unwrapped, so such a Pipeline always has 2+ stages or a non-spanset
 * stage.
 */
export type SpansetExpr = SpansetFilter | SpansetOperation | Pipeline;

/** Aggregate functions of scalar filters. */
export type AggregateFn = 'count' | 'avg' | 'min' | 'max' | 'sum';

/** `count()` (expr null) or `avg(expr)`, `min(expr)`, `max(expr)`, `sum(expr)`. */
export interface Aggregate {
  kind: 'aggregate';
  fn: AggregateFn;
  expr: FieldExpr | null;
  pos: Pos;
}

/** Arithmetic over scalar expressions (`count() + 1`, `max(.a) - min(.a)`). */
export interface ScalarBinary {
  kind: 'scalarBinary';
  op: ArithmeticOp;
  lhs: ScalarExpr;
  rhs: ScalarExpr;
  pos: Pos;
  opPos: Pos;
}

/**
 * `( pipeline | aggregate )`: a parenthesised pipeline ending in an aggregate. Only appears in
 * top-level scalar filters such as `({a} | count()) > ({b} | count())`, which Tempo parses and
 * rejects as unsupported.
 */
export interface ScalarPipeline {
  kind: 'scalarPipeline';
  pipeline: Pipeline;
  aggregate: Aggregate;
  pos: Pos;
}

/** Operand of a scalar filter. A NumericStatic is a folded literal (`1 - 3` is int -2). */
export type ScalarExpr = Aggregate | ScalarBinary | NumericStatic | ScalarPipeline;

/** `lhs op rhs` over aggregates, e.g. `count() > 2`, `avg(duration) >= 1s`. */
export interface ScalarFilter {
  kind: 'scalarFilter';
  op: ComparisonOp;
  lhs: ScalarExpr;
  rhs: ScalarExpr;
  pos: Pos;
  opPos: Pos;
}

/** `by(expr)`: split each spanset into groups by the value of expr. */
export interface GroupBy {
  kind: 'groupBy';
  expr: FieldExpr;
  pos: Pos;
}

/** `coalesce()`: merge groups back into one spanset. */
export interface Coalesce {
  kind: 'coalesce';
  pos: Pos;
}

/** `select(a, b, …)`: fetch extra attributes for returned spans. */
export interface Select {
  kind: 'select';
  attrs: AttributeRef[];
  pos: Pos;
}

/** One element of a pipeline. */
export type PipelineStage = SpansetExpr | ScalarFilter | GroupBy | Coalesce | Select;

/** `stage | stage | …` (1+ stages). The first stage is never `coalesce()`. */
export interface Pipeline {
  kind: 'pipeline';
  stages: PipelineStage[];
  pos: Pos;
}

// ---------------------------------------------------------------------------------------------
// Root
// ---------------------------------------------------------------------------------------------

/** One `name=value` of `with(…)`. */
export interface Hint {
  kind: 'hint';
  name: string;
  value: Static;
  pos: Pos;
}

/** A whole query. `hints` is empty without `with(…)`; several `with(…)` are concatenated. */
export interface Query {
  kind: 'query';
  body: Pipeline | MetricsExpr;
  hints: Hint[];
  pos: Pos;
}

/** Any AST node. */
export type Node =
  | Query
  | Hint
  | Pipeline
  | PipelineStage
  | FieldExpr
  | Aggregate
  | ScalarBinary
  | ScalarPipeline
  | MetricsQuery
  | MetricsBinary
  | MetricsFirstStage
  | SecondStage;
