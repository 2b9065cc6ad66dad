/**
 * Compiles a validated TraceQL search query (a Pipeline) into one parameterised SQL statement over
 * Tracegres' tables (`traces`, `spans`, `resources`, `scopes`). User input reaches only `params`.
 *
 * Shape of the statement: `tr` = the tenant's traces overlapping the window (one row per trace,
 * aggregated over partitions); `sp` = their spans with resource attributes and trace summary (and
 * events, links and instrumentation scope when the query reads them); every spanset expression
 * becomes a CTE of `(trace_id, span_id, parent_span_id)` rows (a trace's spanset = its rows; no
 * rows = empty spanset); structural operators use parent links, with a recursive ancestor closure
 * `anc` for `>>`/`<<`. A query with `by()` adds a column `g` naming each row's group (see
 * compile-groups.ts): later stages work per group, as Tempo's do per spanset. The result is the
 * final spansets of the newest `limit` matching traces (ties by trace id), one row per matched span.
 */
import type { Aggregate, Pipeline, PipelineStage, Query, ScalarExpr, SpansetExpr, SpansetOp } from './ast.ts';
import { boolExpr, numericExpr, Params, power } from './compile-fields.ts';
import { groupedBy } from './compile-groups.ts';
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
 * returned trace (per spanset when the query has `by()`), ordered newest trace first.
 */
export interface SearchSqlRow {
  trace_id: string;
  trace_start_ns: string;
  span_id: string;
  inspected: string;
  /**
   * Only for queries with `by()`: the span's spanset, the text of a jsonb array of
   * `[label, type, value]` (`[["by(.a)","string","x"]]`; `["label","nil"]` for no value).
   */
  spanset?: string;
}

const SP = 'sp';

/** A spanset relation; `split` when it was grouped by a `by()` not yet undone by `coalesce()`. */
interface Rel {
  name: string;
  split: boolean;
}

class Builder {
  readonly p = new Params();
  readonly ctes: string[] = [];
  needsAncestors = false;
  private n = 0;

  /** True when the query has `by()`: every relation then carries the group column `g`. */
  readonly grouped: boolean;
  /** True when the query relates ancestors (`>>`, `<<` and their forms): rows carry nested-set numbers. */
  readonly nested: boolean;

  constructor(grouped: boolean, nested: boolean) {
    this.grouped = grouped;
    this.nested = nested;
  }

  cte(sql: string): string {
    const name = `c${++this.n}`;
    this.ctes.push(`${name} as (${sql})`);
    return name;
  }

  /** The row columns of alias `a` (and its group, `[]` for `sp` itself). */
  cols(a: string, input?: string): string {
    const base = `${a}.trace_id, ${a}.span_id, ${a}.parent_span_id${this.nested ? `, ${a}.nested_left, ${a}.nested_right, ${a}.t_compacted` : ''}`;
    if (!this.grouped) return base;
    return `${base}, ${input === SP ? `'[]'::text as g` : `${a}.g`}`;
  }

  /** Join condition between two rows of one input spanset (same trace, same group). */
  same(a: string, b: string): string {
    return `${a}.trace_id = ${b}.trace_id` + (this.grouped ? ` and ${a}.g = ${b}.g` : '');
  }
}

/** Rows of `input` for which `cond` (over `sp s`) holds. */
function filterRows(b: Builder, input: string, cond: string): string {
  if (input === SP) return b.cte(`select ${b.cols('s', SP)} from ${SP} s where ${cond}`);
  if (!b.grouped) {
    return b.cte(`select ${b.cols('s')} from ${SP} s where exists (select 1 from ${input} i where i.trace_id = s.trace_id and i.span_id = s.span_id) and ${cond}`);
  }
  return b.cte(`select ${b.cols('i')} from ${input} i join ${SP} s on s.trace_id = i.trace_id and s.span_id = i.span_id where ${cond}`);
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
    // A compacted trace has nested-set numbers: ancestry is a range check. Others (fresh, or
    // re-opened by a late span) walk the recursive closure `anc`, built for them only.
    case '>>':
      return (
        'case when a.t_compacted then a.nested_left < b.nested_left and b.nested_right < a.nested_right ' +
        'else exists (select 1 from anc x where x.trace_id = b.trace_id and x.span_id = b.span_id and x.anc_id = a.span_id) end'
      );
    case '<<':
      return (
        'case when a.t_compacted then b.nested_left < a.nested_left and a.nested_right < b.nested_right ' +
        'else exists (select 1 from anc x where x.trace_id = b.trace_id and x.span_id = a.span_id and x.anc_id = b.span_id) end'
      );
  }
  throw new Error(`unknown structural operator ${op}`);
}

function spansetOp(b: Builder, op: SpansetOp, lhs: string, rhs: string): string {
  const cols = b.cols('x');
  if (op === '||') return b.cte(`select ${cols} from ${lhs} x union select ${cols} from ${rhs} x`);
  if (op === '&&') {
    return b.cte(
      `select ${cols} from ${lhs} x where exists (select 1 from ${rhs} y where ${b.same('x', 'y')}) ` +
        `union select ${cols} from ${rhs} x where exists (select 1 from ${lhs} y where ${b.same('x', 'y')})`,
    );
  }
  const base = op.replace(/^[!&]/, '');
  if (base === '>>' || base === '<<') b.needsAncestors = true;
  const rel = relation(base);
  const related = `exists (select 1 from ${lhs} a where ${b.same('a', 'b')} and ${rel})`;
  if (op.startsWith('!')) return b.cte(`select ${b.cols('b')} from ${rhs} b where not ${related}`);
  if (op.startsWith('&')) {
    // Both sides: right spans with a related left span, and left spans with a related right span.
    return b.cte(
      `select ${b.cols('b')} from ${rhs} b where ${related} ` +
        `union select ${b.cols('a')} from ${lhs} a where exists (select 1 from ${rhs} b where ${b.same('a', 'b')} and ${rel})`,
    );
  }
  return b.cte(`select ${b.cols('b')} from ${rhs} b where ${related}`);
}

/** A spanset expression evaluated over the spans of `input`. */
function spanset(b: Builder, e: SpansetExpr, input: string): Rel {
  switch (e.kind) {
    case 'spansetFilter':
      return { name: filterRows(b, input, boolExpr(e.expr, b.p)), split: false };
    case 'spansetOp': {
      const l = spanset(b, e.lhs, input);
      const r = spanset(b, e.rhs, input);
      // Tempo evaluates both sides per spanset and cannot relate several spansets per side.
      if (l.split || r.split) throw new TraceQLUnsupportedError('spanset operators over by() groups', e.opPos, 'add coalesce() after by()');
      return { name: spansetOp(b, e.op, l.name, r.name), split: false };
    }
    case 'pipeline':
      return pipeline(b, e, input);
  }
}

/** A scalar expression; aggregates are window functions over each spanset's spans (`over`). */
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
      if (e.op === '^') return power(l, r);
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

function stage(b: Builder, st: PipelineStage, input: Rel): Rel {
  switch (st.kind) {
    case 'spansetFilter':
    case 'spansetOp':
    case 'pipeline': {
      const out = spanset(b, st, input.name);
      return { name: out.name, split: input.split || out.split };
    }
    case 'scalarFilter': {
      // Window aggregates over each spanset's spans of the input, in one pass: a join back from
      // per-trace results (`trace_id in (...)`) became a nested loop over CTE scans, whose row
      // counts the planner cannot estimate, and took minutes at 100k spans.
      const over = `over (partition by i.trace_id${b.grouped && input.name !== SP ? ', i.g' : ''})`;
      const cond = `coalesce(${scalar(b, st.lhs, over)} ${CMP[st.op]} ${scalar(b, st.rhs, over)}, false)`;
      const name = b.cte(
        `select ${b.cols('x')} from (select ${b.cols('i', input.name)}, ${cond} as keep ` +
          `from ${input.name} i join ${SP} s on s.trace_id = i.trace_id and s.span_id = i.span_id) x where keep`,
      );
      return { name, split: input.split };
    }
    case 'groupBy': {
      const g = groupedBy(st, input.name === SP ? `'[]'` : 'i.g', b.p);
      const name = b.cte(
        `select ${b.cols('i').replace(/, i\.g$/, '')}, ${g} as g from ${input.name} i ` +
          `join ${SP} s on s.trace_id = i.trace_id and s.span_id = i.span_id`,
      );
      return { name, split: true };
    }
    case 'coalesce':
      if (!b.grouped) return input;
      return {
        name: b.cte(`select distinct ${b.cols('i').replace(/, i\.g$/, '')}, '[]'::text as g from ${input.name} i`),
        split: false,
      };
    case 'select':
      // Only changes which attributes the response shows (the API reads them off the AST).
      return input;
  }
}

function pipeline(b: Builder, pl: Pipeline, input: string): Rel {
  let cur: Rel = { name: input, split: false };
  for (const st of pl.stages) cur = stage(b, st, cur);
  if (cur.name === SP) cur = { name: b.cte(`select ${b.cols('s', SP)} from ${SP} s`), split: false };
  return cur;
}

/** Whether any stage of the query is `by()`. */
/** Whether the query has an ancestor/descendant operator (`>>`, `<<`, negated or union forms). */
function hasAncestry(n: unknown): boolean {
  if (!n || typeof n !== 'object') return false;
  if (Array.isArray(n)) return n.some(hasAncestry);
  const node = n as { kind?: string; op?: string };
  if (node.kind === 'spansetOp' && /^[!&]?(>>|<<)$/.test(node.op ?? '')) return true;
  return Object.entries(n).some(([k, v]) => k !== 'pos' && k !== 'opPos' && hasAncestry(v));
}

function hasGroupBy(n: unknown): boolean {
  if (!n || typeof n !== 'object') return false;
  if (Array.isArray(n)) return n.some(hasGroupBy);
  if ((n as { kind?: string }).kind === 'groupBy') return true;
  return Object.entries(n).some(([k, v]) => k !== 'pos' && k !== 'opPos' && hasGroupBy(v));
}

/**
 * Compiles a validated search query into SQL returning {@link SearchSqlRow}s. Throws
 * TraceQLUnsupportedError naming any construct it does not implement (metrics queries, spanset
 * operators over `by()` groups, some intrinsics and regex syntax).
 */
export function compileSearch(q: Query, o: SearchSqlOptions): CompiledSql {
  if (q.body.kind !== 'pipeline') throw new TraceQLUnsupportedError('metrics queries in search', q.body.pos);
  const b = new Builder(hasGroupBy(q.body), hasAncestry(q.body));
  const tenant = b.p.add(o.tenantId, 'int4');
  const start = b.p.add(o.startNs.toString(), 'int8');
  const end = b.p.add(o.endNs.toString(), 'int8');
  const having: string[] = [];
  if (o.minDurationNs !== undefined) having.push(`max(end_ns) - min(start_ns) >= ${b.p.add(o.minDurationNs.toString(), 'int8')}`);
  if (o.maxDurationNs !== undefined) having.push(`max(end_ns) - min(start_ns) <= ${b.p.add(o.maxDurationNs.toString(), 'int8')}`);
  const from = o.traceStartFromNs !== undefined ? b.p.add(o.traceStartFromNs.toString(), 'int8') : undefined;
  const to = o.traceStartToNs !== undefined ? b.p.add(o.traceStartToNs.toString(), 'int8') : undefined;
  if (from) having.push(`min(start_ns) >= ${from}`);
  if (to) having.push(`min(start_ns) <= ${to}`);
  // A trace that starts in a bounded slice has a summary row starting there: find those traces on
  // the (tenant_id, start_ns) index, so a slice costs what it holds, not the whole window.
  const sliced =
    from && to ? ` and trace_id in (select trace_id from traces where tenant_id = ${tenant} and start_ns >= ${from} and start_ns <= ${to})` : '';
  const final = pipeline(b, q.body, SP).name;
  const limit = b.p.add(o.limit, 'int4');

  const tr =
    `tr as materialized (select trace_id, min(start_ns) as start_ns, max(end_ns) as end_ns, ` +
    `max(root_service) as root_service, max(root_name) as root_name` +
    // Nested-set numbers hold only when every summary row of the trace (in or out of the window) is compacted.
    (b.nested ? `, bool_and(compacted) and not exists (select 1 from traces u where u.trace_id = traces.trace_id and u.tenant_id = ${tenant} and not u.compacted) as compacted` : '') +
    ` from traces ` +
    `where tenant_id = ${tenant} and start_ns <= ${end} and end_ns >= ${start}${sliced} group by trace_id` +
    (having.length ? ` having ${having.join(' and ')}` : '') +
    `)`;
  const uses = b.p.uses;
  const sp =
    `sp as materialized (select s.trace_id, s.span_id, s.parent_span_id, s.start_ns, s.duration_ns, s.name, s.kind, ` +
    `s.status_code, s.status_message, s.attrs, r.attrs as r_attrs, t.start_ns as t_start_ns, t.end_ns as t_end_ns, ` +
    `t.root_name as t_root_name, t.root_service as t_root_service` +
    (b.nested ? ', n.nested_left, n.nested_right, t.compacted as t_compacted' : '') +
    (uses.has('events') ? ', s.events' : '') +
    (uses.has('links') ? ', s.links' : '') +
    (uses.has('scope') ? ', sc.name as sc_name, sc.version as sc_version, sc.attrs as sc_attrs' : '') +
    // span_rows(): fresh rows and compacted blocks alike (migrations/0007).
    ` from span_rows(${tenant}, (select min(start_ns) from tr), (select max(end_ns) from tr)) s join tr t on t.trace_id = s.trace_id ` +
    `left join resources r on r.tenant_id = s.tenant_id and r.resource_id = s.resource_id ` +
    (uses.has('scope') ? `left join scopes sc on sc.tenant_id = s.tenant_id and sc.scope_id = s.scope_id ` : '') +
    (b.nested
      ? `left join span_nested n on n.trace_id = s.trace_id and n.tenant_id = s.tenant_id and n.span_id = s.span_id and n.start_ns = s.start_ns ` +
        `and n.start_ns >= (select min(start_ns) from tr) and n.start_ns <= (select max(end_ns) from tr) `
      : '') +
    `where s.tenant_id = ${tenant} and s.start_ns >= (select min(start_ns) from tr) and s.start_ns <= (select max(end_ns) from tr))`;
  const anc =
    `anc (trace_id, span_id, anc_id) as (select trace_id, span_id, parent_span_id from sp where parent_span_id is not null and not t_compacted ` +
    `union select x.trace_id, x.span_id, p.parent_span_id from anc x join sp p on p.trace_id = x.trace_id and p.span_id = x.anc_id ` +
    `where p.parent_span_id is not null)`;
  const ctes = [tr, sp, ...(b.needsAncestors ? [anc] : []), ...b.ctes];
  const top =
    `top as (select t.trace_id, t.start_ns from tr t where exists (select 1 from ${final} f where f.trace_id = t.trace_id) ` +
    `order by t.start_ns desc, t.trace_id limit ${limit})`;
  const g = b.grouped ? ', g' : '';
  const text =
    `with ${b.needsAncestors ? 'recursive ' : ''}${ctes.join(',\n')},\n${top}\n` +
    `select top.trace_id::text as trace_id, top.start_ns::text as trace_start_ns, encode(f.span_id, 'hex') as span_id, ` +
    `(select count(*) from tr)::text as inspected${b.grouped ? ', f.g as spanset' : ''} ` +
    `from top join (select distinct trace_id, span_id${g} from ${final}) f on f.trace_id = top.trace_id ` +
    `order by top.start_ns desc, top.trace_id${b.grouped ? ', f.g' : ''}, f.span_id`;
  return { text, params: b.p.values };
}
