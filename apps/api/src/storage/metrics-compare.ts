// compare() rows (metrics-compare-sql.ts) into Tempo's series: per attribute, its top values in
// the baseline and the selection (`{__meta_type="baseline", span.x="a"}`), per-attribute totals
// (`{__meta_type="baseline_total", span.x="nil"}`), and `{__meta_error="__too_many_values__",
// span.x="nil"}` for attributes with more distinct values than the top-N on either side.
import { printAttributeRef, type MetricsCompareRow, type MetricsWindow } from '@tracegres/traceql';
import { type Label, columnValue, promLabels, str } from './metrics-labels.ts';
import type { Series } from './metrics-series.ts';

const POS = { line: 1, col: 1 };

function attributeLabel(r: MetricsCompareRow): string {
  if (r.sc === 'intrinsic') return r.k;
  return printAttributeRef({ kind: 'attribute', scope: r.sc, name: r.k, parent: false, pos: POS });
}

function valueOf(r: MetricsCompareRow, raw: string): Label['value'] {
  if (r.sc !== 'intrinsic' || r.k === 'name') return columnValue('json', raw);
  return columnValue(r.k === 'status' ? 'status' : 'kind', raw);
}

/** The compare() series; an error series has no samples. */
export function buildCompareSeries(rows: MetricsCompareRow[], w: MetricsWindow, topN: number): Series[] {
  const byKey = new Map<string, Series>();
  const errors = new Map<string, Series>();
  for (const r of rows) {
    const attr = attributeLabel(r);
    const total = r.val === null;
    const type = `${r.sel ? 'selection' : 'baseline'}${total ? '_total' : ''}`;
    const labels: Label[] = [
      { key: '__meta_type', value: str(type) },
      { key: attr, value: total ? str('nil') : valueOf(r, r.val!) },
    ];
    const key = `${type}\u0000${r.sc}\u0000${r.k}\u0000${r.val}`;
    let s = byKey.get(key);
    if (!s) {
      s = { labels, values: new Array<number>(w.intervals).fill(0), exemplars: [], prom: promLabels(labels) };
      byKey.set(key, s);
    }
    if (r.i >= 0 && r.i < w.intervals) s.values[r.i] += Number(r.c);
    if (r.nv !== null && Number(r.nv) > topN && !errors.has(attr)) {
      const el: Label[] = [
        { key: '__meta_error', value: str('__too_many_values__') },
        { key: attr, value: str('nil') },
      ];
      errors.set(attr, { labels: el, values: [], exemplars: [], prom: promLabels(el) });
    }
  }
  return [...byKey.values(), ...errors.values()];
}
