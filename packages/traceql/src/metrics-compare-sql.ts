/**
 * SQL for `compare({selection}, topN, start, end)`: for every attribute the matched spans carry
 * (span and resource attributes with string, number or bool values, and the intrinsics `name`,
 * `status`, `kind`), span counts per value and interval, split into baseline (not selected) and
 * selection; only each attribute's top-N values by total count, plus per-attribute totals.
 */
import { Params, boolExpr } from './compile-fields.ts';
import type { CompiledSql } from './compile-sql.ts';
import type { MetricsPlan } from './metrics-plan.ts';
import { type MetricsSqlOptions, spanRelation } from './metrics-sql.ts';

/**
 * One row of {@link compileMetricsCompare}. `val` null marks the attribute's total series.
 * `sc` is `span`, `resource` or `intrinsic`; values are typed jsonb text (attributes and name)
 * or a code (status, kind).
 */
export interface MetricsCompareRow {
  sc: 'span' | 'resource' | 'intrinsic';
  k: string;
  val: string | null;
  sel: boolean;
  i: number;
  c: string;
  /** Distinct values of the attribute on this side (top rows only). */
  nv: string | null;
}

/** The compare() statement; rows of {@link MetricsCompareRow}. */
export function compileMetricsCompare(plan: MetricsPlan, o: MetricsSqlOptions): CompiledSql {
  const cmp = plan.compare;
  if (!cmp) throw new Error('compileMetricsCompare needs a compare() plan');
  const p = new Params();
  const conds = plan.filters.map((f) => boolExpr(f, p));
  let sel = boolExpr(cmp.selection, p);
  if (cmp.startNs !== null && cmp.endNs !== null) {
    sel = `(${sel} and s.start_ns > ${p.add(cmp.startNs.toString(), 'int8')} and s.start_ns <= ${p.add(cmp.endNs.toString(), 'int8')})`;
  }
  const rel = spanRelation(p, o, [...conds, sel].join(' '));
  const i = o.window.instant ? '0' : `((s.start_ns - ${rel.from}) / ${p.add(o.window.stepNs.toString(), 'int8')})::int4`;
  const topN = p.add(cmp.topN, 'int4');
  const tenant = p.add(o.tenantId, 'int4');
  const scalar = `jsonb_typeof(e.value) in ('string', 'number', 'boolean')`;
  // Resource attributes and intrinsics repeat across spans: count spans per resource and per
  // (name, status, kind) first, then expand those few rows, instead of one row per span.
  const text =
    `with m as materialized (select ${i} as i, ${sel} as sel, s.attrs, s.resource_id, s.name, s.status_code, s.kind ` +
    `from (${rel.sql}) s${conds.length ? ` where ${conds.join(' and ')}` : ''}),\n` +
    `rc as (select i, sel, resource_id, count(*) as c from m group by i, sel, resource_id),\n` +
    `ic as (select i, sel, name, status_code, kind, count(*) as c from m group by i, sel, name, status_code, kind),\n` +
    `kv as (select i, sel, 'span' as sc, e.key as k, e.value::text as val, 1::int8 as c from m, jsonb_each(m.attrs) e where ${scalar} ` +
    `union all select rc.i, rc.sel, 'resource', e.key, e.value::text, rc.c from rc ` +
    `join resources r on r.tenant_id = ${tenant} and r.resource_id = rc.resource_id, jsonb_each(r.attrs) e where ${scalar} ` +
    `union all select i, sel, 'intrinsic', 'name', to_jsonb(name)::text, c from ic ` +
    `union all select i, sel, 'intrinsic', 'status', status_code::text, c from ic ` +
    `union all select i, sel, 'intrinsic', 'kind', kind::text, c from ic),\n` +
    `g as (select sc, k, val, sel, i, sum(c) as c from kv group by sc, k, val, sel, i),\n` +
    `t as (select sc, k, val, sel, sum(c) as tot from g group by sc, k, val, sel),\n` +
    `rk as (select t.*, row_number() over (partition by sc, k, sel order by tot desc, val) as rn, count(*) over (partition by sc, k, sel) as nv from t)\n` +
    `select g.sc, g.k, g.val, g.sel, g.i, g.c::text as c, rk.nv::text as nv from g join rk on rk.sc = g.sc and rk.k = g.k and rk.val = g.val and rk.sel = g.sel ` +
    `where rk.rn <= ${topN}\n` +
    `union all select sc, k, null, sel, i, sum(c)::text, null from g group by sc, k, sel, i\n` +
    `order by 1, 2, 4, 3, 5`;
  return { text, params: p.values };
}
