/**
 * JSON encoders for the small answers around spans: Tempo's v2 trace-by-ID response, OTLP's
 * export response and `google.rpc.Status` error bodies.
 */

import type { TraceByIdResponseOptions } from './encode-proto-responses.ts';
import { encodeTempoJson } from './encode-json.ts';
import { jsonString } from './json-string.ts';
import type { PartialSuccess, RpcStatus, TracesData } from './model.ts';

/**
 * Tempo's `/api/v2/traces/{id}` JSON: `{"trace":{"resourceSpans":[...]},"metrics":{...},
 * "status":"PARTIAL","message":"..."}`. `status` is omitted when complete, `message` when empty,
 * `inspectedBytes` when 0; an empty trace is `"trace":{}` (Grafana reads that as not found).
 */
export function encodeTraceByIdResponseJson(td: TracesData, opts: TraceByIdResponseOptions = {}): string {
  let s = '{"trace":' + encodeTempoJson(td, 'resourceSpans');
  s += opts.inspectedBytes ? ',"metrics":{"inspectedBytes":"' + opts.inspectedBytes + '"}' : ',"metrics":{}';
  if (opts.partial) s += ',"status":"PARTIAL"';
  if (opts.message) s += ',"message":' + jsonString(opts.message);
  return s + '}';
}

/**
 * OTLP `ExportTraceServiceResponse` JSON: `{}` for full success, else
 * `{"partialSuccess":{"rejectedSpans":"2","errorMessage":"..."}}` (int64 as a string).
 */
export function encodeExportResponseJson(p?: PartialSuccess): string {
  if (p === undefined || (p.rejectedSpans === 0 && p.errorMessage === '')) return '{}';
  const parts: string[] = [];
  if (p.rejectedSpans !== 0) parts.push('"rejectedSpans":"' + Math.trunc(p.rejectedSpans) + '"');
  if (p.errorMessage !== '') parts.push('"errorMessage":' + jsonString(p.errorMessage));
  return '{"partialSuccess":{' + parts.join(',') + '}}';
}

/**
 * `google.rpc.Status` JSON, with field violations as a `google.rpc.BadRequest` in `details`:
 * `{"code":3,"message":"...","details":[{"@type":"type.googleapis.com/google.rpc.BadRequest",
 * "fieldViolations":[{"field":"...","description":"..."}]}]}`.
 */
export function encodeRpcStatusJson(st: RpcStatus): string {
  const parts: string[] = [];
  if (st.code !== 0) parts.push('"code":' + (st.code | 0));
  if (st.message !== '') parts.push('"message":' + jsonString(st.message));
  const violations = st.fieldViolations ?? [];
  if (violations.length > 0) {
    const items = violations.map((v) => {
      const f: string[] = [];
      if (v.field !== '') f.push('"field":' + jsonString(v.field));
      if (v.description !== '') f.push('"description":' + jsonString(v.description));
      return '{' + f.join(',') + '}';
    });
    parts.push('"details":[{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[' + items.join(',') + ']}]');
  }
  return '{' + parts.join(',') + '}';
}
