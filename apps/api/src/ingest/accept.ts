import { type TracesData, decodeExportRequestJson, decodeExportRequestProto, validateTracesData } from '@tracegres/otlp';
import type { Deps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { renderCopy } from '../storage/copy-spans.ts';
import { type PreparedBatch, prepareBatch } from './prepare.ts';

/** Spans may start at most this far ahead of the server clock (client clock skew). */
export const MAX_FUTURE_NS = 24n * 3600n * 1_000_000_000n;

export interface Accepted {
  batch: PreparedBatch;
  /** Spans not accepted and why, for `partialSuccess`. */
  rejectedSpans: number;
  messages: string[];
}

const utf8 = new TextDecoder();

/**
 * Decodes, validates and prepares one OTLP request for the writer, and records its attribute
 * names and values (autocomplete hints, so they are taken before the commit). On server
 * Postgres the spans are rendered to COPY text here, and the decoded objects are dropped
 * when this function returns, not kept alive while the request waits for its transaction.
 */
export function acceptSpans(deps: Deps, tenantId: number, body: Uint8Array, format: 'protobuf' | 'json'): Accepted {
  const m = deps.metrics;
  const decoded = format === 'protobuf' ? decodeExportRequestProto(body) : decodeExportRequestJson(utf8.decode(body));
  const checked = validateTracesData(decoded);
  const total = countSpans(decoded);
  m.spansReceived.inc({}, total);
  if (checked.rejected > 0) m.spansRejected.inc({ reason: 'invalid' }, checked.rejected);
  if (total > 0 && checked.rejected === total) {
    throw new ApiError('badRequest', `every span was invalid: ${checked.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, {
      fieldViolations: checked.errors.map((e) => ({ field: e.path, description: e.message })),
    });
  }
  const nowNs = BigInt(deps.now()) * 1_000_000n;
  const { batch, rejected } = prepareBatch(tenantId, checked.valid, {
    minNs: nowNs - BigInt(deps.config.retentionSeconds) * 1_000_000_000n,
    maxNs: nowNs + MAX_FUTURE_NS,
    intervalNs: deps.partitions.intervalNs,
  });
  for (const r of rejected) m.spansRejected.inc({ reason: r.reason }, r.count);
  deps.tags.observe(tenantId, checked.valid);
  if (deps.db.driver === 'postgres' && batch.spanCount > 0) {
    batch.copy = renderCopy(batch.spans, deps.partitions.intervalNs);
    batch.spans = [];
  }
  return {
    batch,
    rejectedSpans: checked.rejected + rejected.reduce((n, r) => n + r.count, 0),
    messages: [...checked.errors.map((e) => `${e.path}: ${e.message}`), ...rejected.map((r) => r.message)],
  };
}

function countSpans(td: TracesData): number {
  let n = 0;
  for (const rs of td.resourceSpans) for (const ss of rs.scopeSpans) n += ss.spans.length;
  return n;
}
