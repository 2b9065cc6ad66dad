import {
  OtlpDecodeError,
  type TracesData,
  type ValidationError,
  decodeExportRequestJson,
  decodeExportRequestProto,
  validateTracesData,
} from '@tracegres/otlp';
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
  const checked = validateTracesData(decoded);
  const received = countSpans(decoded);
  const { batch, rejected } = prepareBatch(job.tenantId, checked.valid, { minNs: job.minNs, maxNs: job.maxNs, intervalNs: job.intervalNs });
  const digest = digestTags(checked.valid);
  if (job.render && batch.spanCount > 0) {
    batch.copy = renderCopy(batch.spans, job.intervalNs);
    batch.spans = [];
  }
  return { received, invalid: checked.rejected, invalidErrors: checked.errors, batch, rejected, digest };
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
