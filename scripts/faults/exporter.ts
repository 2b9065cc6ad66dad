// An OTLP/HTTP sender that behaves like an OpenTelemetry SDK exporter: every attempt has a request
// timeout, 429/502/503/504 and network failures are retried with exponential backoff and jitter
// (honouring Retry-After), anything else is final. Unlike the SDK's fixed attempt count, a batch
// is retried for a time budget, so an outage shorter than the budget never drops data; a batch
// still unacknowledged when its budget runs out ends "failed", never pending.
import { type EncodedRequest, type SendResult, sendEncoded } from '@tracegres/loadgen';
import type { TracesData } from '@tracegres/otlp';

export interface ExportPolicy {
  url: string;
  /** Per-attempt request timeout. */
  timeoutMs: number;
  /** Time from the first attempt after which a batch is given up. */
  budgetMs: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export type BatchOutcome =
  | { kind: 'acknowledged'; attempts: number; ms: number }
  | { kind: 'failed'; attempts: number; ms: number; reason: string };

/** What every attempt answered, for the report: `200`, `503`, `timeout`, `ECONNREFUSED`... */
export class AttemptLog {
  readonly counts = new Map<string, number>();
  slowestMs = 0;

  record(r: SendResult): void {
    const key = r.status ? String(r.status) : `no answer (${shortError(r.error)})`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.slowestMs = Math.max(this.slowestMs, r.durationMs);
  }

  summary(): string {
    return [...this.counts].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}: ${n}`).join(', ');
  }
}

const RETRYABLE = new Set([429, 502, 503, 504]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Sends one batch until it is acknowledged in full, fails for good, or its budget runs out. */
export async function exportBatch(req: EncodedRequest, policy: ExportPolicy, log: AttemptLog, random: () => number): Promise<BatchOutcome> {
  const t0 = performance.now();
  let backoff = policy.initialBackoffMs;
  for (let attempt = 1; ; attempt++) {
    const r = await sendEncoded(req, { url: policy.url, timeoutMs: policy.timeoutMs });
    log.record(r);
    const ms = performance.now() - t0;
    if (r.ok) {
      // Every span here is valid: a partial success would mean the server dropped good data.
      if (r.acceptedSpans === req.spans) return { kind: 'acknowledged', attempts: attempt, ms };
      return { kind: 'failed', attempts: attempt, ms, reason: `partial success ${JSON.stringify(r.partialSuccess)}` };
    }
    if (r.status !== 0 && !RETRYABLE.has(r.status)) {
      return { kind: 'failed', attempts: attempt, ms, reason: `HTTP ${r.status}: ${r.error}` };
    }
    const wait = Math.min(policy.maxBackoffMs, r.retryAfterSeconds !== undefined ? r.retryAfterSeconds * 1000 : backoff * (0.5 + random()));
    if (ms + wait >= policy.budgetMs) {
      return { kind: 'failed', attempts: attempt, ms, reason: `gave up after ${attempt} attempts (last: ${r.status || r.error})` };
    }
    await sleep(wait);
    backoff = Math.min(policy.maxBackoffMs, backoff * 1.5);
  }
}

function shortError(e: string | undefined): string {
  const m = /\bE[A-Z]{3,}\b/.exec(e ?? '') ?? /timeout|aborted|other side closed|socket/i.exec(e ?? '');
  return m ? m[0] : (e ?? 'unknown').slice(0, 40);
}

/**
 * Splits generated data into exports of at most `max` spans, as an SDK's batch processor does
 * (512 by default): the generator emits whole traces, and a batch-job trace of ~47,000 spans is
 * one 36 MB request that a server rightly refuses (413) as larger than its burst size.
 */
export function splitExports(td: TracesData, max: number): TracesData[] {
  const out: TracesData[] = [];
  let cur: TracesData = { resourceSpans: [] };
  let n = 0;
  for (const rs of td.resourceSpans) {
    for (const ss of rs.scopeSpans) {
      for (let i = 0; i < ss.spans.length; ) {
        if (n === max) {
          out.push(cur);
          cur = { resourceSpans: [] };
          n = 0;
        }
        const take = ss.spans.slice(i, i + (max - n));
        let last = cur.resourceSpans.at(-1);
        if (last?.resource !== rs.resource) {
          last = { resource: rs.resource, schemaUrl: rs.schemaUrl, scopeSpans: [] };
          cur.resourceSpans.push(last);
        }
        last.scopeSpans.push({ scope: ss.scope, schemaUrl: ss.schemaUrl, spans: take });
        n += take.length;
        i += take.length;
      }
    }
  }
  if (n > 0) out.push(cur);
  return out;
}
