import {
  OtlpDecodeError,
  type TracesData,
  type ValidationError,
  decodeExportRequestJson,
  decodeExportRequestProto,
  validateTracesData,
} from '@tracegres/otlp';
import { truncateAttributes } from '../limits/truncate-attributes.ts';
import { renderCopy } from '../storage/copy-spans.ts';
import { type PreparedBatch, prepareBatch } from './prepare.ts';
import { type TagDigest, digestTags } from './tag-digest.ts';

/** One OTLP request body to decode; plain data, so it can cross to a worker thread. */
export interface DecodeJob {
  body: Uint8Array;
  format: 'protobuf' | 'json';
  tenantId: number;
  /** Accepted span start window (retention, clock skew) and the partition interval. */
  minNs: bigint;
  maxNs: bigint;
  intervalNs: bigint;
  /** Render COPY text and drop the span objects (server Postgres). */
  render: boolean;
  /** The tenant's limits: attribute keys/values are truncated to this many bytes (0 = no limit). */
  maxAttributeBytes: number;
  /** More spans than this and nothing is prepared (`tooManySpans`); 0 = no limit. */
  maxSpans: number;
}

export interface DecodeOutcome {
  /** Spans in the request. */
  received: number;
  /** Spans rejected by validation, with the first problems. */
  invalid: number;
  invalidErrors: ValidationError[];
  batch: PreparedBatch;
  /** Spans rejected for their time, by reason. */
  rejected: { reason: string; count: number; message: string }[];
  digest: TagDigest;
  /** Attribute keys and values cut to `maxAttributeBytes`. */
  truncatedAttributes: number;
  /** The request had more than `maxSpans` spans; nothing else was done. */
  tooManySpans?: boolean;
}

/** Thrown (or sent back by a worker) when the body cannot be decoded at all. */
export type DecodeFailure = { decodeError: string };

const utf8 = new TextDecoder();

/**
 * Decode -> validate -> prepare -> render, with no I/O and no shared state, so it runs the
 * same on the main thread or on a decode worker thread. Throws OtlpDecodeError.
 */
export function decodeRequest(job: DecodeJob): DecodeOutcome {
  const decoded =
    job.format === 'protobuf' ? decodeExportRequestProto(job.body) : decodeExportRequestJson(utf8.decode(job.body));
  const received = countSpans(decoded);
  if (job.maxSpans > 0 && received > job.maxSpans) {
    const batch = { spans: [], spanCount: 0, resources: [], scopes: [], buckets: new Set<bigint>() };
    return { received, invalid: 0, invalidErrors: [], batch, rejected: [], digest: digestTags({ resourceSpans: [] }), truncatedAttributes: 0, tooManySpans: true };
  }
  // Before validation and the tag digest, so autocomplete sees the stored (truncated) values.
  const truncatedAttributes = truncateAttributes(decoded, job.maxAttributeBytes);
  const checked = validateTracesData(decoded);
  const { batch, rejected } = prepareBatch(job.tenantId, checked.valid, { minNs: job.minNs, maxNs: job.maxNs, intervalNs: job.intervalNs });
  const digest = digestTags(checked.valid);
  if (job.render && batch.spanCount > 0) {
    batch.copy = renderCopy(batch.spans, job.intervalNs);
    batch.spans = [];
  }
  return { received, invalid: checked.rejected, invalidErrors: checked.errors, batch, rejected, digest, truncatedAttributes };
}

/** Runs decodeRequest, turning a decode error into a value (for worker messages). */
export function decodeRequestSafely(job: DecodeJob): DecodeOutcome | DecodeFailure {
  try {
    return decodeRequest(job);
  } catch (err) {
    if (err instanceof OtlpDecodeError) return { decodeError: err.message };
    throw err;
  }
}

function countSpans(td: TracesData): number {
  let n = 0;
  for (const rs of td.resourceSpans) for (const ss of rs.scopeSpans) n += ss.spans.length;
  return n;
}
