// One big trace for the benchmarks that open or read whole traces (bench:ui and the trace-read
// profile): the generator's large batch-job traces grafted under one root.
import type { ResourceSpans, Span, TracesData } from '@tracegres/otlp';
import { countSpans, createGenerator } from '@tracegres/loadgen';

/**
 * One trace of at least `target` spans: the generator's large traces (a batch job fanning out),
 * grafted under the first one's root until there are enough spans, as one job's sub-runs.
 */
export function bigTrace(target: number, seed: number, startMs = Date.now() - 20 * 60_000): { td: TracesData; traceId: string; spans: number } {
  const startTimeNs = BigInt(startMs) * 1_000_000n;
  const out: ResourceSpans[] = [];
  let root: Span | undefined;
  let total = 0;
  // Each graft is capped at what is still missing, so the total lands near the target.
  for (let k = 0; total < target * 0.97; k++) {
    const g = createGenerator({ seed: seed * 1000 + k, startTimeNs, largeTraceShare: 1, maxSpans: Math.max(400, target - total) });
    const td = g.nextTrace();
    const spans = td.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
    const own = spans.find((s) => s.parentSpanId === '');
    if (!root) root = own;
    else {
      const shift = root.startTimeUnixNano + 1_000_000n - (own?.startTimeUnixNano ?? root.startTimeUnixNano);
      for (const s of spans) {
        s.traceId = root.traceId;
        s.startTimeUnixNano += shift;
        s.endTimeUnixNano += shift;
        for (const e of s.events) e.timeUnixNano += shift;
        if (s.parentSpanId === '') s.parentSpanId = root.spanId;
        if (s.endTimeUnixNano > root.endTimeUnixNano) root.endTimeUnixNano = s.endTimeUnixNano;
      }
    }
    out.push(...td.resourceSpans);
    total += countSpans(td);
  }
  return { td: { resourceSpans: out }, traceId: root!.traceId, spans: total };
}

/** Splits a trace into requests of at most `n` spans. */
export function chunks(td: TracesData, n: number): TracesData[] {
  const out: TracesData[] = [];
  let cur: ResourceSpans[] = [];
  let count = 0;
  for (const rs of td.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      for (let i = 0; i < ss.spans.length; i += n) {
        const part = ss.spans.slice(i, i + n);
        if (count + part.length > n && count > 0) {
          out.push({ resourceSpans: cur });
          cur = [];
          count = 0;
        }
        cur.push({ resource: rs.resource, schemaUrl: rs.schemaUrl, scopeSpans: [{ scope: ss.scope, schemaUrl: ss.schemaUrl, spans: part }] });
        count += part.length;
      }
    }
  }
  if (count) out.push({ resourceSpans: cur });
  return out;
}
