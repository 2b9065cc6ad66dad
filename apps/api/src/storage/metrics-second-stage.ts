// Second stages of TraceQL metrics, applied left to right to the first stage's series, with
// Tempo's semantics: topk/bottomk choose per interval (like PromQL), so a series keeps only the
// samples at which it ranked; a comparison keeps the samples that pass and drops series left
// without any.
import type { SecondStage } from '@tracegres/traceql';
import type { Series } from './metrics-series.ts';

const CMP = {
  '>': (a: number, b: number) => a > b,
  '>=': (a: number, b: number) => a >= b,
  '<': (a: number, b: number) => a < b,
  '<=': (a: number, b: number) => a <= b,
  '=': (a: number, b: number) => a === b,
  '!=': (a: number, b: number) => a !== b,
} as const;

/**
 * `topk(k)` (`top` true) or `bottomk(k)`: in every interval the k series with the largest
 * (smallest) values; ties go to the series whose labels sort last (first), as Tempo breaks them.
 * With k or fewer series the input is returned unchanged.
 */
export function topK(input: Series[], k: number, top: boolean, intervals: number): Series[] {
  if (input.length <= k) return input;
  const kept = new Map<Series, Series>();
  const better = (a: Series, b: Series, i: number) => {
    const d = a.values[i] - b.values[i];
    if (d !== 0) return top ? d > 0 : d < 0;
    return top ? a.prom > b.prom : a.prom < b.prom;
  };
  for (let i = 0; i < intervals; i++) {
    const ranked = input.filter((s) => !Number.isNaN(s.values[i])).sort((a, b) => (better(a, b, i) ? -1 : better(b, a, i) ? 1 : 0));
    for (const s of ranked.slice(0, k)) {
      let out = kept.get(s);
      if (!out) {
        out = { ...s, values: new Array<number>(intervals).fill(NaN) };
        kept.set(s, out);
      }
      out.values[i] = s.values[i];
    }
  }
  return input.filter((s) => kept.has(s)).map((s) => kept.get(s)!);
}

/** `> 10`, `<= 1s` …: samples that fail become NaN; exemplars must pass too; empty series go. */
export function filterSeries(input: Series[], op: keyof typeof CMP, value: number): Series[] {
  const test = CMP[op];
  const out: Series[] = [];
  for (const s of input) {
    const values = s.values.map((v) => (!Number.isNaN(v) && test(v, value) ? v : NaN));
    if (values.every((v) => Number.isNaN(v))) continue;
    out.push({ ...s, values, exemplars: s.exemplars.filter((e) => !Number.isNaN(e.value) && test(e.value, value)) });
  }
  return out;
}

/** Applies the second stages in order. */
export function applySecondStages(series: Series[], stages: SecondStage[], intervals: number): Series[] {
  let cur = series;
  for (const st of stages) {
    if (st.kind === 'topK') cur = topK(cur, Number(st.limit), st.fn === 'topk', intervals);
    else {
      // Durations compare in seconds, the unit Tempo reports them in.
      const v = st.value.type === 'duration' ? Number(st.value.value) / 1e9 : Number(st.value.value);
      cur = filterSeries(cur, st.op, v);
    }
  }
  return cur;
}
