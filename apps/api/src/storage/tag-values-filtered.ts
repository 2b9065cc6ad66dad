// Tag values restricted by a TraceQL filter (`q` on Tempo's v2 tag-values API): the values an
// attribute has on the spans that match `q` in the window, read from those spans themselves.
// The matching spans come from the search compiler, so the statement is bounded like a search:
// by the window, a trace budget and a statement timeout.
import type { Db } from '@tracegres/schema';
import { HASH_JOINS_ONLY } from '@tracegres/schema';
import { type Attribute, type Intrinsic, type Query, compileSearch } from '@tracegres/traceql';
import { ApiError } from '../errors.ts';

/** Newest matching traces whose spans are read for values. */
const TRACE_BUDGET = 5000;

export interface FilteredValuesOptions {
  tenantId: number;
  startNs: bigint;
  endNs: bigint;
  limit: number;
  timeoutMs: number;
}

/**
 * The jsonb values of an identifier on one span row (`s` spans, `r` resources, `sc` scopes), as a
 * set-returning SQL expression, or null when the identifier has no stored per-span values.
 */
function valuesOf(ident: Attribute | Intrinsic, keyParam: () => string): string | null {
  if (ident.kind === 'attribute') {
    const key = keyParam();
    switch (ident.scope) {
      case 'span': return `s.attrs -> ${key}`;
      case 'resource': return `r.attrs -> ${key}`;
      case 'instrumentation': return `sc.attrs -> ${key}`;
      case 'unscoped': return `coalesce(s.attrs -> ${key}, r.attrs -> ${key})`;
      case 'event': return `jsonb_array_elements(coalesce(jsonb_path_query_array(s.events, '$[*].a') , '[]'::jsonb)) -> ${key}`;
      case 'link': return `jsonb_array_elements(coalesce(jsonb_path_query_array(s.links, '$[*].a'), '[]'::jsonb)) -> ${key}`;
    }
  }
  switch (ident.name) {
    case 'span:name': return `to_jsonb(s.name)`;
    case 'trace:rootName': return null;
    case 'event:name': return `jsonb_array_elements(coalesce(jsonb_path_query_array(s.events, '$[*].n'), '[]'::jsonb))`;
    case 'instrumentation:name': return `to_jsonb(sc.name)`;
    case 'instrumentation:version': return `to_jsonb(sc.version)`;
    case 'span:statusMessage': return `to_jsonb(s.status_message)`;
    default: return null;
  }
}

/**
 * Typed values (`{type, value}` as Tempo's v2 API lists them) of `ident` on spans matching `q`.
 * Returns null when the identifier's values cannot be read per span (the caller falls back to
 * the dictionary).
 */
export async function filteredTagValues(db: Db, q: Query, ident: Attribute | Intrinsic, o: FilteredValuesOptions): Promise<{ type: string; value: string }[] | null> {
  const search = compileSearch(q, { tenantId: o.tenantId, startNs: o.startNs, endNs: o.endNs, limit: TRACE_BUDGET });
  const params = [...search.params];
  const add = (v: unknown, cast: string) => {
    params.push(v);
    return `$${params.length}::${cast}`;
  };
  const set = valuesOf(ident, () => add((ident as Attribute).name, 'text'));
  if (set === null) return null;
  const tenant = add(o.tenantId, 'int4');
  const limit = add(o.limit, 'int4');
  // The lower bound reaches span_rows() as a lateral column, not a sub-select (Postgres inlines a
  // set-returning SQL function only without sub-selects in its arguments), and the matched trace
  // ids as a restriction on s.trace_id: inlined, both reach the indexes of fresh rows and blocks,
  // instead of every span of the window being read and joined.
  const text =
    `with m as (${search.text}), ` +
    `v as (select ${set} as v from (select min(trace_start_ns::int8) as lo from m) w ` +
    `cross join lateral span_rows(${tenant}, w.lo, ${add(o.endNs.toString(), 'int8')}) s ` +
    `join m on s.trace_id = m.trace_id::uuid and s.span_id = decode(m.span_id, 'hex') ` +
    `left join resources r on r.tenant_id = s.tenant_id and r.resource_id = s.resource_id ` +
    `left join scopes sc on sc.tenant_id = s.tenant_id and sc.scope_id = s.scope_id ` +
    `where s.trace_id = any(array(select distinct trace_id::uuid from m))), ` +
    // Arrays list their elements; values without a scalar type (kvlists, bytes) are left out.
    `e as (select x.v from v cross join lateral jsonb_array_elements(case when jsonb_typeof(v.v) = 'array' then v.v else jsonb_build_array(v.v) end) as x(v)) ` +
    `select distinct case jsonb_typeof(v) when 'string' then 'string' when 'boolean' then 'bool' ` +
    `else case when v::text like '%.%' then 'float' else 'int' end end as type, v #>> '{}' as value ` +
    `from e where jsonb_typeof(v) in ('string', 'number', 'boolean') order by value, type limit ${limit}`;
  return db
    .transaction(async (tx) => {
      if (db.driver === 'postgres') await tx.query(`set local statement_timeout = ${Math.max(1, Math.floor(o.timeoutMs))}`);
      await tx.query(HASH_JOINS_ONLY);
      return tx.query<{ type: string; value: string }>(text, params);
    })
    .catch((err: unknown) => {
      if ((err as { code?: string }).code === '57014') throw new ApiError('timeout', 'tag values query exceeded its time limit; narrow the time range or the filter');
      throw err;
    });
}
