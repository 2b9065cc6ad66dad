/**
 * @tracegres/otlp: the span model and the OTLP codec (protobuf and JSON in, OTLP and Tempo shapes
 * out). Runtime-free: standard JavaScript only, so Node, Bun, Deno and browsers all run it.
 */

export * from './model.ts';
export { OtlpDecodeError } from './errors.ts';
export { bytesToHex, hexToBytes, isHex } from './hex.ts';
export { base64ToBytes, bytesToBase64, tryBase64ToBytes } from './base64.ts';
export { decodeExportRequestProto, type DecodeOptions } from './decode-proto.ts';
export { decodeExportRequestJson } from './decode-json.ts';
export { validateTracesData, MAX_ERRORS, type ValidationError, type ValidationResult } from './validate.ts';
export { encodeTracesDataProto, lengthGuess, writeAttributes, writeSpan, type ProtoTrace } from './encode-proto.ts';
export { ProtoWriter } from './proto-writer.ts';
export {
  encodeExportResponseProto,
  encodeRpcStatusProto,
  encodeTraceByIdResponseProto,
  type TraceByIdResponseOptions,
} from './encode-proto-responses.ts';
export { encodeAnyValueJson, encodeOtlpJson, encodeTempoJson } from './encode-json.ts';
export { encodeExportResponseJson, encodeRpcStatusJson, encodeTraceByIdResponseJson } from './encode-json-responses.ts';
export { jsonString } from './json-string.ts';
export {
  jaegerTraceId,
  toJaegerTrace,
  type JaegerKeyValue,
  type JaegerLog,
  type JaegerOptions,
  type JaegerProcess,
  type JaegerReference,
  type JaegerSpan,
  type JaegerTrace,
} from './jaeger-model.ts';
export { decodeZipkinJson } from './decode-zipkin.ts';
