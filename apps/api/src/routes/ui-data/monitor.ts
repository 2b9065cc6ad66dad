// The Monitor view's figures (Jaeger's SPM): a service's request rate, error rate and latency
// quantiles over time, and its operations table, from per-minute span metrics.
import { SPAN_METRICS_BUCKETS_S } from '@tracegres/schema';
import type { MonitorCell } from '../../storage/monitor.ts';
import type { MonitorData, MonitorFigures as Figures, MonitorOperation as Operation, MonitorSeries } from '@tracegres/schema/ui-data';
import { addCounts, histogramQuantile } from './histogram-quantile.ts';

interface Acc {
  calls: number;
  errors: number;
  sumNs: number;
  le: number[];
}

const empty = (): Acc => ({ calls: 0, errors: 0, sumNs: 0, le: [] });
const add = (a: Acc, c: MonitorCell) => {
  a.calls += c.calls;
  a.errors += c.errors;
  a.sumNs += c.sumNs;
  addCounts(a.le, c.le);
};
const q = (quantile: number, a: Acc) => {
  const s = histogramQuantile(quantile, SPAN_METRICS_BUCKETS_S, a.le, a.calls);
  return s === null ? null : s * 1000;
};
const figures = (a: Acc, seconds: number): Figures => ({
  calls: a.calls,
  errors: a.errors,
  rate: a.calls / seconds,
  errorRate: a.calls ? a.errors / a.calls : 0,
  p50Ms: q(0.5, a),
  p75Ms: q(0.75, a),
  p95Ms: q(0.95, a),
  avgMs: a.calls ? a.sumNs / 1e6 / a.calls : null,
});

export function buildMonitor(
  cells: MonitorCell[],
  p: { service: string; spanKind: string; fromNs: bigint; toNs: bigint; stepNs: bigint },
): MonitorData {
  const fromS = Number(p.fromNs / 1_000_000_000n);
  const toS = Number(p.toNs / 1_000_000_000n);
  const stepS = Number(p.stepNs / 1_000_000_000n);
  const points = Math.ceil((toS - fromS) / stepS);
  const buckets = Array.from({ length: points }, empty);
  const byName = new Map<string, Acc>();
  const total = empty();
  for (const c of cells) {
    add(buckets[c.bucket], c);
    add(total, c);
    let op = byName.get(c.spanName);
    if (!op) byName.set(c.spanName, (op = empty()));
    add(op, c);
  }
  const windowS = toS - fromS;
  // The last bucket may be cut short by the end of the window: its rate is over what it covers.
  const widthOf = (i: number) => Math.min(stepS, toS - (fromS + i * stepS));
  const series: MonitorSeries = { timestamps: [], rate: [], errorRate: [], p50Ms: [], p75Ms: [], p95Ms: [] };
  buckets.forEach((b, i) => {
    series.timestamps.push(fromS + i * stepS);
    series.rate.push(b.calls / widthOf(i));
    series.errorRate.push(b.calls ? b.errors / b.calls : null);
    series.p50Ms.push(q(0.5, b));
    series.p75Ms.push(q(0.75, b));
    series.p95Ms.push(q(0.95, b));
  });

  const raw = [...byName].map(([name, a]) => ({ name, a, spent: a.sumNs / windowS }));
  const spents = raw.map((r) => r.spent);
  const [lo, hi] = [Math.min(...spents), Math.max(...spents)];
  const allSpent = spents.reduce((x, y) => x + y, 0);
  const operations: Operation[] = raw.map(({ name, a, spent }) => ({
    name,
    ...figures(a, windowS),
    impact: hi > lo ? (spent - lo) / (hi - lo) : 1,
    timeShare: allSpent > 0 ? spent / allSpent : 0,
  }));
  operations.sort((x, y) => y.impact - x.impact || y.calls - x.calls || x.name.localeCompare(y.name));
  return { service: p.service, spanKind: p.spanKind, start: fromS, end: toS, step: stepS, totals: figures(total, windowS), series, operations };
}
