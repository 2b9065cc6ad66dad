/**
 * Compiles a validated TraceQL search query (a Pipeline) into one parameterised SQL statement over
 * Tracegres' tables (`traces`, `spans`, `resources`). User input reaches only `params`.
 *
 * Shape of the statement: `tr` = the tenant's traces overlapping the window (one row per trace,
 * aggregated over partitions); `sp` = their spans with resource attributes and trace summary;
 * every spanset expression becomes a CTE of `(trace_id, span_id, parent_span_id)` rows (a trace's
 * spanset = its rows; no rows = empty spanset); structural operators use parent links, with a
 * recursive ancestor closure `anc` for `>>`/`<<`. The result is the final spanset of the newest
 * `limit` matching traces (ties by trace id), one row per matched span.
 */
import type { Aggregate, Pipeline, PipelineStage, Query, ScalarExpr, SpansetExpr, SpansetOp } from './ast.ts';
import { boolExpr, numericExpr, Params } from './compile-fields.ts';
import { TraceQLUnsupportedError } from './errors.ts';

export { regexForPostgres } from './compile-fields.ts';

/** Bounds of a search. Times are Unix nanoseconds, inclusive. */
export interface SearchSqlOptions {
  tenantId: number;
  startNs: bigint;
  endNs: bigint;
  /** Maximum number of traces returned. */
  limit: number;
  /** Trace duration bounds (ns, inclusive). */
  minDurationNs?: bigint;
  maxDurationNs?: bigint;
  /**
   * Only traces whose first span starts in [traceStartFromNs, traceStartToNs] (either bound
   * optional): lets the executor search the window newest slice first and stop at `limit`.
   */
  traceStartFromNs?: bigint;
  traceStartToNs?: bigint;
}

/** A parameterised statement. */
export interface CompiledSql {
  text: string;
  params: unknown[];
}

/**
 * Output columns of the statement from {@link compileSearch}: one row per matched span of each
 * returned trace, ordered newest trace first.
 */
export interface SearchSqlRow {
  trace_id: string;
  trace_start_ns: string;
  span_id: string;
  inspected: string;
}

const SP = 'sp';

class Builder {
  readonly p = new Params();
  readonly ctes: string[] = [];
  needsAncestors = false;
  private n = 0;

  cte(sql: string): string {
    const name = `c${++this.n}`;
    this.ctes.push(`${name} as (${sql})`);
    return name;
  }
}

/** Rows of `input` (a relation name) for which `cond` (over `sp s`) holds. */
function filterRows(b: Builder, input: string, cond: string): string {
  const from = input === SP ? `${SP} s` : `${SP} s where exists (select 1 from ${input} i where i.trace_id = s.trace_id and i.span_id = s.span_id) and`;
  const where = input === SP ? ` where ${cond}` : ` ${cond}`;
  return b.cte(`select s.trace_id, s.span_id, s.parent_span_id from ${from}${where}`);
}

/** `b` is related to `a` by a structural operator (without the negation/union prefix). */
function relation(op: string): string {
  switch (op) {
    case '>':
      return 'a.span_id = b.parent_span_id';
    case '<':
      return 'b.span_id = a.parent_span_id';
    case '~':
      return 'a.parent_span_id = b.parent_span_id and a.span_id <> b.span_id';
    case '>>':
      return 'exists (select 1 from anc x where x.trace_id = b.trace_id and x.span_id = b.span_id and x.anc_id = a.span_id)';
    case '<<':
      return 'exists (select 1 from anc x where x.trace_id = b.trace_id and x.span_id = a.span_id and x.anc_id = b.span_id)';
  }
  throw new Error(`unknown structural operator ${op}`);
}

function spansetOp(b: Builder, op: SpansetOp, lhs: string, rhs: string): string {
  const cols = 'trace_id, span_id, parent_span_id';
  if (op === '||') return b.cte(`select ${cols} from ${lhs} union select ${cols} from ${rhs}`);
  if (op === '&&') {
    return b.cte(
      `select ${cols} from ${lhs} where trace_id in (select trace_id from ${rhs}) ` +
        `union select ${cols} from ${rhs} where trace_id in (select trace_id from ${lhs})`,
    );
  }
  const base = op.replace(/^[!&]/, '');
  if (base === '>>' || base === '<<') b.needsAncestors = true;
  const rel = relation(base);
  const bCols = 'b.trace_id, b.span_id, b.parent_span_id';
  const related = `exists (select 1 from ${lhs} a where a.trace_id = b.trace_id and ${rel})`;
  if (op.startsWith('!')) return b.cte(`select ${bCols} from ${rhs} b where not ${related}`);
  if (op.startsWith('&')) {
    // Both sides: right spans with a related left span, and left spans with a related right span.
    const aCols = 'a.trace_id, a.span_id, a.parent_span_id';
    return b.cte(
      `select ${bCols} from ${rhs} b where ${related} ` +
        `union select ${aCols} from ${lhs} a where exists (select 1 from ${rhs} b where b.trace_id = a.trace_id and ${rel})`,
    );
  }
  return b.cte(`select ${bCols} from ${rhs} b where ${related}`);
}

/** A spanset expression evaluated over the spans of `input`. */
function spanset(b: Builder, e: SpansetExpr, input: string): string {
  switch (e.kind) {
    case 'spansetFilter':
      return filterRows(b, input, boolExpr(e.expr, b.p));
    case 'spansetOp': {
      const l = spanset(b, e.lhs, input);
      const r = spanset(b, e.rhs, input);
      return spansetOp(b, e.op, l, r);
    }
    case 'pipeline':
      return pipeline(b, e, input);
  }
}

/** A scalar expression; aggregates are window functions over each trace's spans (`over`). */
function scalar(b: Builder, e: ScalarExpr, over: string): string {
  switch (e.kind) {
    case 'static':
      return b.p.add(e.type === 'float' ? String(e.value) : e.value.toString(), 'numeric');
    case 'aggregate':
      return aggregate(b, e, over);
    case 'scalarBinary': {
      const l = scalar(b, e.lhs, over);
      const r = scalar(b, e.rhs, over);
      if (e.op === '/') return `(${l} / nullif(${r}, 0))`;
      if (e.op === '%') return `mod(${l}, nullif(${r}, 0))`;
      if (e.op === '^') return `power(${l}, ${r})`;
      return `(${l} ${e.op} ${r})`;
    }
    case 'scalarPipeline':
      throw new TraceQLUnsupportedError('scalar pipelines', e.pos);
  }
}

function aggregate(b: Builder, e: Aggregate, over: string): string {
  if (e.fn === 'count') return `(count(*) ${over})::numeric`;
  if (!e.expr) throw new TraceQLUnsupportedError(`${e.fn}() without an argument`, e.pos);
  return `${e.fn}(${numericExpr(e.expr, b.p)}) ${over}`;
}

const CMP: Record<string, string> = { '=': '=', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

function stage(b: Builder, st: PipelineStage, input: string): string {
  switch (st.kind) {
    case 'spansetFilter':
    case 'spansetOp':
    case 'pipeline':
      return spanset(b, st, input);
    case 'scalarFilter': {
      // Window aggregates over each trace's spans of the input, in one pass: a join back from
      // per-trace results (`trace_id in (...)`) became a nested loop over CTE scans, whose row
      // counts the planner cannot estimate, and took minutes at 100k spans.
      const over = 'over (partition by i.trace_id)';
      const cond = `coalesce(${scalar(b, st.lhs, over)} ${CMP[st.op]} ${scalar(b, st.rhs, over)}, false)`;
      return b.cte(
        `select trace_id, span_id, parent_span_id from (select i.trace_id, i.span_id, i.parent_span_id, ${cond} as keep ` +
          `from ${input} i join ${SP} s on s.trace_id = i.trace_id and s.span_id = i.span_id) x where keep`,
      );
    }
    case 'groupBy':
      throw new TraceQLUnsupportedError('by()', st.pos);
    case 'coalesce':
      throw new TraceQLUnsupportedError('coalesce()', st.pos);
    case 'select':
      // Only changes which attributes the response shows (the API reads them off the AST).
      return input;
  }
}

function pipeline(b: Builder, pl: Pipeline, input: string): string {
  let cur = input;
  for (const st of pl.stages) cur = stage(b, st, cur);
  if (cur === SP) cur = b.cte(`select trace_id, span_id, parent_span_id from ${SP}`);
  return cur;
}

/**
 * Compiles a validated search query into SQL returning {@link SearchSqlRow}s. Throws
 * TraceQLUnsupportedError naming any construct it does not implement (metrics queries, `by()`,
 * `coalesce()`, event/link/instrumentation scopes, some intrinsics and regex syntax).
 */
export function compileSearch(q: Query, o: SearchSqlOptions): CompiledSql {
  if (q.body.kind !== 'pipeline') throw new TraceQLUnsupportedError('metrics queries in search', q.body.pos);
  const b = new Builder();
  const tenant = b.p.add(o.tenantId, 'int4');
  const start = b.p.add(o.startNs.toString(), 'int8');
  const end = b.p.add(o.endNs.toString(), 'int8');
  const having: string[] = [];
  if (o.minDurationNs !== undefined) having.push(`max(end_ns) - min(start_ns) >= ${b.p.add(o.minDurationNs.toString(), 'int8')}`);
  if (o.maxDurationNs !== undefined) having.push(`max(end_ns) - min(start_ns) <= ${b.p.add(o.maxDurationNs.toString(), 'int8')}`);
  if (o.traceStartFromNs !== undefined) having.push(`min(start_ns) >= ${b.p.add(o.traceStartFromNs.toString(), 'int8')}`);
  if (o.traceStartToNs !== undefined) having.push(`min(start_ns) <= ${b.p.add(o.traceStartToNs.toString(), 'int8')}`);
  const final = pipeline(b, q.body, SP);
  const limit = b.p.add(o.limit, 'int4');

  const tr =
    `tr as materialized (select trace_id, min(start_ns) as start_ns, max(end_ns) as end_ns, ` +
    `max(root_service) as root_service, max(root_name) as root_name from traces ` +
    `where tenant_id = ${tenant} and start_ns <= ${end} and end_ns >= ${start} group by trace_id` +
    (having.length ? ` having ${having.join(' and ')}` : '') +
    `)`;
  const sp =
    `sp as materialized (select s.trace_id, s.span_id, s.parent_span_id, s.start_ns, s.duration_ns, s.name, s.kind, ` +
    `s.status_code, s.status_message, s.attrs, r.attrs as r_attrs, t.start_ns as t_start_ns, t.end_ns as t_end_ns, ` +
    `t.root_name as t_root_name, t.root_service as t_root_service ` +
    `from spans s join tr t on t.trace_id = s.trace_id ` +
    `left join resources r on r.tenant_id = s.tenant_id and r.resource_id = s.resource_id ` +
    `where s.tenant_id = ${tenant} and s.start_ns >= (select min(start_ns) from tr) and s.start_ns <= (select max(end_ns) from tr))`;
  const anc =
    `anc (trace_id, span_id, anc_id) as (select trace_id, span_id, parent_span_id from sp where parent_span_id is not null ` +
    `union select x.trace_id, x.span_id, p.parent_span_id from anc x join sp p on p.trace_id = x.trace_id and p.span_id = x.anc_id ` +
    `where p.parent_span_id is not null)`;
  const ctes = [tr, sp, ...(b.needsAncestors ? [anc] : []), ...b.ctes];
  const top =
    `top as (select t.trace_id, t.start_ns from tr t where exists (select 1 from ${final} f where f.trace_id = t.trace_id) ` +
    `order by t.start_ns desc, t.trace_id limit ${limit})`;
  const text =
    `with ${b.needsAncestors ? 'recursive ' : ''}${ctes.join(',\n')},\n${top}\n` +
    `select top.trace_id::text as trace_id, top.start_ns::text as trace_start_ns, encode(f.span_id, 'hex') as span_id, ` +
    `(select count(*) from tr)::text as inspected ` +
    `from top join (select distinct trace_id, span_id from ${final}) f on f.trace_id = top.trace_id ` +
    `order by top.start_ns desc, top.trace_id, f.span_id`;
  return { text, params: b.p.values };
}
