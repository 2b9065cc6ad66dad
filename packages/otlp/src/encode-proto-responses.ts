/**
 * Protobuf encoders for the small answers around spans: Tempo's v2 `TraceByIDResponse`, OTLP's
 * `ExportTraceServiceResponse`, and `google.rpc.Status` error bodies.
 */

import type { PartialSuccess, RpcStatus, TracesData } from './model.ts';
import { type ProtoTrace, initialSize, writeTrace } from './encode-proto.ts';
import { ProtoWriter } from './proto-writer.ts';

/** Options for Tempo's v2 trace-by-ID answer. */
export interface TraceByIdResponseOptions {
  /** `metrics.inspectedBytes`; omitted when 0 or absent. */
  inspectedBytes?: bigint;
  /** `status: PARTIAL` when true (the trace exceeded the size limit). */
  partial?: boolean;
  message?: string;
}

/**
 * Encodes Tempo's `TraceByIDResponse { Trace trace = 1; TraceByIDMetrics metrics = 2;
 * PartialStatus status = 3; string message = 4; }` as `/api/v2/traces/{id}` answers with
 * `Accept: application/protobuf`.
 */
export function encodeTraceByIdResponseProto(td: TracesData | ProtoTrace, opts: TraceByIdResponseOptions = {}): Uint8Array<ArrayBuffer> {
  const w = new ProtoWriter(initialSize(td) + 64);
  w.uint32(10);
  let s = w.begin(4);
  writeTrace(w, td);
  w.end(s, 4);
  w.uint32(18);
  s = w.begin(1);
  if (opts.inspectedBytes !== undefined && opts.inspectedBytes !== 0n) {
    w.uint32(8);
    w.int64(opts.inspectedBytes);
  }
  w.end(s, 1);
  if (opts.partial) {
    w.uint32(24);
    w.uint32(1);
  }
  if (opts.message) {
    w.uint32(34);
    w.string(opts.message);
  }
  return w.finish();
}

/**
 * Encodes `ExportTraceServiceResponse`. Full success (no partial success, or one with 0 rejected
 * spans and no message) is the empty message: a 0-byte body.
 */
export function encodeExportResponseProto(p?: PartialSuccess): Uint8Array<ArrayBuffer> {
  if (p === undefined || (p.rejectedSpans === 0 && p.errorMessage === '')) return new Uint8Array(0);
  const w = new ProtoWriter(64 + p.errorMessage.length * 3);
  w.uint32(10);
  const s = w.begin(1);
  if (p.rejectedSpans !== 0) {
    w.uint32(8);
    w.int64(BigInt(Math.trunc(p.rejectedSpans)));
  }
  if (p.errorMessage !== '') {
    w.uint32(18);
    w.string(p.errorMessage);
  }
  w.end(s, 1);
  return w.finish();
}

/**
 * Encodes a `google.rpc.Status`; field violations travel in `details` as one
 * `google.protobuf.Any` holding a `google.rpc.BadRequest`.
 */
export function encodeRpcStatusProto(st: RpcStatus): Uint8Array<ArrayBuffer> {
  const w = new ProtoWriter(256);
  if (st.code !== 0) {
    w.uint32(8);
    w.int32(st.code);
  }
  if (st.message !== '') {
    w.uint32(18);
    w.string(st.message);
  }
  const violations = st.fieldViolations ?? [];
  if (violations.length > 0) {
    w.uint32(26);
    const any = w.begin(2);
    w.uint32(10);
    w.string('type.googleapis.com/google.rpc.BadRequest');
    w.uint32(18);
    const br = w.begin(2);
    for (const v of violations) {
      w.uint32(10);
      const fv = w.begin(1);
      if (v.field !== '') {
        w.uint32(10);
        w.string(v.field);
      }
      if (v.description !== '') {
        w.uint32(18);
        w.string(v.description);
      }
      w.end(fv, 1);
    }
    w.end(br, 2);
    w.end(any, 2);
  }
  return w.finish();
}
