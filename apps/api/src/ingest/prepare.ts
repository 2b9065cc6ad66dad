import type { TracesData } from '@tracegres/otlp';
import type { CopyBatch } from '../storage/copy-spans.ts';
import {
  type FlatSpan,
  type ResourceRow,
  type ScopeRow,
  bucketOf,
  resourceRowOf,
  scopeRowOf,
} from '@tracegres/schema';

/** Spans of one request, flattened and ready for the writer. */
export interface PreparedBatch {
  /** The flattened spans; emptied once rendered into `copy` (server Postgres). */
  spans: FlatSpan[];
  spanCount: number;
  /** COPY text and trace summaries, rendered right after decoding on server Postgres. */
  copy?: CopyBatch;
  resources: ResourceRow[];
  scopes: ScopeRow[];
  /** Partition lower bounds the spans fall in. */
  buckets: Set<bigint>;
}

export interface PrepareResult {
  batch: PreparedBatch;
  rejected: { reason: string; count: number; message: string }[];
}

export interface TimeWindow {
  /** Oldest accepted start (now - retention). */
  minNs: bigint;
  /** Newest accepted start (now + allowed clock skew). */
  maxNs: bigint;
  intervalNs: bigint;
}

/**
 * Flattens validated spans into rows, deduplicating resources and scopes per request, and
 * rejects (never silently drops) spans whose start lies outside retention or too far ahead.
 */
export function prepareBatch(tenantId: number, td: TracesData, w: TimeWindow): PrepareResult {
  const spans: FlatSpan[] = [];
  const resources = new Map<string, ResourceRow>();
  const scopes = new Map<string, ScopeRow>();
  const buckets = new Set<bigint>();
  let tooOld = 0;
  let tooNew = 0;
  for (const rs of td.resourceSpans) {
    const res = resourceRowOf(tenantId, rs);
    let resourceUsed = false;
    for (const ss of rs.scopeSpans) {
      const sc = scopeRowOf(tenantId, ss.scope, ss.schemaUrl);
      let scopeUsed = false;
      for (const span of ss.spans) {
        const start = span.startTimeUnixNano;
        if (start < w.minNs) {
          tooOld++;
          continue;
        }
        if (start > w.maxNs) {
          tooNew++;
          continue;
        }
        buckets.add(bucketOf(start, w.intervalNs));
        spans.push({ tenantId, span, serviceName: res.serviceName, resourceId: res.resourceId, scopeId: sc.scopeId });
        resourceUsed = scopeUsed = true;
      }
      if (scopeUsed) scopes.set(sc.scopeId, sc);
    }
    if (resourceUsed) resources.set(res.resourceId, res);
  }
  const rejected = [];
  if (tooOld) {
    rejected.push({
      reason: 'outside_retention',
      count: tooOld,
      message: `${tooOld} span(s) start before the retention window (older than ${fmtNs(w.minNs)})`,
    });
  }
  if (tooNew) {
    rejected.push({
      reason: 'too_far_in_future',
      count: tooNew,
      message: `${tooNew} span(s) start more than the allowed clock skew in the future (after ${fmtNs(w.maxNs)})`,
    });
  }
  return {
    batch: { spans, spanCount: spans.length, resources: [...resources.values()], scopes: [...scopes.values()], buckets },
    rejected,
  };
}

function fmtNs(ns: bigint): string {
  return new Date(Number(ns / 1_000_000n)).toISOString();
}
