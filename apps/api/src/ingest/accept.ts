import type { Deps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import type { TenantLimits } from '../limits/settings.ts';
import { type DecodeJob, type DecodeOutcome, decodeRequest } from './decode.ts';
import type { PreparedBatch } from './prepare.ts';

/** Spans may start at most this far ahead of the server clock (client clock skew). */
export const MAX_FUTURE_NS = 24n * 3600n * 1_000_000_000n;

/** Runs decode jobs off the main thread (runtime/decode-pool.ts). */
export interface Decoder {
  decode(job: DecodeJob): Promise<DecodeOutcome>;
  close(): Promise<void>;
}

export interface Accepted {
  batch: PreparedBatch;
  /** Spans not accepted and why, for `partialSuccess`. */
  rejectedSpans: number;
  messages: string[];
}

/**
 * Decodes, validates and prepares one OTLP request for the writer, and records its attribute
 * names and values (autocomplete hints, so they are taken before the commit). On server
 * Postgres the spans are rendered to COPY text right away, and with a decode worker all of
 * that runs off the main thread, which stays free for HTTP and database round trips.
 */
export async function acceptSpans(
  deps: Deps,
  tenantId: number,
  body: Uint8Array,
  format: 'protobuf' | 'json',
  limits: Pick<TenantLimits, 'maxAttributeBytes' | 'maxSpansPerRequest'> = deps.config.limits.defaults,
): Promise<Accepted> {
  const m = deps.metrics;
  const nowNs = BigInt(deps.now()) * 1_000_000n;
  const job: DecodeJob = {
    body,
    format,
    tenantId,
    minNs: nowNs - BigInt(deps.config.retentionSeconds) * 1_000_000_000n,
    maxNs: nowNs + MAX_FUTURE_NS,
    intervalNs: deps.partitions.intervalNs,
    render: deps.db.driver === 'postgres',
    maxAttributeBytes: limits.maxAttributeBytes,
    maxSpans: limits.maxSpansPerRequest,
  };
  const out = deps.decoder ? await deps.decoder.decode(job) : decodeRequest(job);
  m.spansReceived.inc({}, out.received);
  if (out.tooManySpans) {
    m.spansRejected.inc({ reason: 'too_many_spans' }, out.received);
    throw new ApiError(
      'payloadTooLarge',
      `request has ${out.received} spans, more than the limit of ${limits.maxSpansPerRequest} spans per request (INGEST_MAX_SPANS_PER_REQUEST); send smaller batches`,
    );
  }
  if (out.truncatedAttributes > 0) deps.limits.attributesTruncated.inc({}, out.truncatedAttributes);
  if (out.invalid > 0) m.spansRejected.inc({ reason: 'invalid' }, out.invalid);
  if (out.received > 0 && out.invalid === out.received) {
    throw new ApiError('badRequest', `every span was invalid: ${out.invalidErrors.map((e) => `${e.path}: ${e.message}`).join('; ')}`, {
      fieldViolations: out.invalidErrors.map((e) => ({ field: e.path, description: e.message })),
    });
  }
  for (const r of out.rejected) m.spansRejected.inc({ reason: r.reason }, r.count);
  deps.tags.observeDigest(tenantId, out.digest);
  return {
    batch: out.batch,
    rejectedSpans: out.invalid + out.rejected.reduce((n, r) => n + r.count, 0),
    messages: [
      ...out.invalidErrors.map((e) => `${e.path}: ${e.message}`),
      ...out.rejected.map((r) => r.message),
      // A warning with 0 rejected spans is how OTLP reports an accepted-but-changed request.
      ...(out.truncatedAttributes ? [`${out.truncatedAttributes} attribute key(s)/value(s) longer than ${limits.maxAttributeBytes} bytes were truncated (MAX_ATTRIBUTE_BYTES)`] : []),
    ],
  };
}
