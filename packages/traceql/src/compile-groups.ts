/**
 * `by(expr)` as SQL: the typed value each span is grouped by. A grouped search carries a column
 * `g` on every spanset relation: the text of a jsonb array of `[label, type, value]` entries, one
 * per `by()` applied so far (`[]` when ungrouped). Spans with equal `g` form one spanset, so `g`
 * is both the group's identity and what the response shows as the spanset's attributes
 * (`by(resource.service.name)` = "api"). Types are Tempo's static types: string, int, float,
 * bool, duration, status, kind, nil; `number` for arithmetic; `array` and `other` for attribute
 * values without a scalar type.
 */
import { type FieldExpr, type GroupBy, INTRINSICS } from './ast.ts';
import { valueExpr } from './compile-fields.ts';
import type { Params } from './compile-params.ts';
import { printNode } from './print.ts';

const typed = (type: string, sql: string) => `case when ${sql} is null then '["nil"]'::jsonb else jsonb_build_array('${type}', to_jsonb(${sql})) end`;

/** The jsonb `[type, value]` of `e` for one span (`["nil"]` when it has no value). */
function keyOf(e: FieldExpr, p: Params): string {
  const v = valueExpr(e, p);
  switch (v.t) {
    case 'json':
      return (
        `(case jsonb_typeof(${v.sql}) when 'string' then jsonb_build_array('string', ${v.sql}) ` +
        `when 'number' then jsonb_build_array(case when (${v.sql})::text like '%.%' then 'float' else 'int' end, ${v.sql}) ` +
        `when 'boolean' then jsonb_build_array('bool', ${v.sql}) when 'array' then jsonb_build_array('array', ${v.sql}) ` +
        `when 'object' then jsonb_build_array('other', ${v.sql}) else '["nil"]'::jsonb end)`
      );
    case 'text':
      return typed('string', v.sql);
    case 'bool':
      return typed('bool', v.sql);
    case 'code':
      return typed(e.kind === 'intrinsic' && e.name === 'span:kind' ? 'kind' : 'status', v.sql);
    case 'num': {
      if (e.kind === 'intrinsic') return typed(INTRINSICS[e.name].type, v.sql);
      // Arithmetic: the value with its trailing zeros trimmed, so equal numbers group together.
      return typed('number', `trim_scale(${v.sql})`);
    }
    case 'nil':
      return `'["nil"]'::jsonb`;
  }
}

/** SQL of the new `g` after `by()`: `g` extended by this stage's entry. */
export function groupedBy(st: GroupBy, g: string, p: Params): string {
  const label = p.add(printNode(st), 'text');
  return `(${g}::jsonb || jsonb_build_array(jsonb_build_array(${label}) || ${keyOf(st.expr, p)}))::text`;
}
