import { OtlpDecodeError, type PartialSuccess, encodeExportResponseProto, encodeRpcStatusProto } from '@tracegres/otlp';
import { isUnavailableError } from '@tracegres/schema';
import type { Deps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { resolveTenant } from '../auth/resolve-tenant.ts';
import { type Accepted, acceptSpans } from './accept.ts';
import { admitIngest } from '../limits/ingest-limits.ts';

/** gRPC status codes used by the OTLP/gRPC receiver. */
export const GrpcCode = {
  ok: 0,
  invalidArgument: 3,
  resourceExhausted: 8,
  internal: 13,
  unavailable: 14,
  permissionDenied: 7,
  unauthenticated: 16,
} as const;

/** What a unary Export call answers: a response message, or a status with optional details. */
export interface GrpcReply {
  code: number;
  message: string;
  /** Serialized ExportTraceServiceResponse (code 0). */
  response?: Uint8Array;
  /** Serialized google.rpc.Status for the `grpc-status-details-bin` trailer. */
  details?: Uint8Array;
}

/** Reads one metadata value (gRPC metadata keys are lower case). */
export type Metadata = (key: string) => string | undefined;

/**
 * `TraceService/Export` over gRPC, transport-free: takes the request message bytes (the listener
 * has already undone framing and gzip) and runs them through the same ingest path as OTLP/HTTP.
 * Overload is UNAVAILABLE with a RetryInfo delay (the retryable code OTLP clients back off on);
 * data that can never be accepted is INVALID_ARGUMENT with a message saying what is wrong.
 */
export function grpcExportHandler(deps: Deps): (message: Uint8Array, metadata: Metadata) => Promise<GrpcReply> {
  return async (message, metadata) => {
    try {
      const tenant = resolveTenant(deps.config, 'ingest', { authorization: metadata('authorization'), orgId: metadata('x-scope-orgid') });
      const admission = await admitIngest(deps.limits, tenant, message.byteLength, deps.now);
      let accepted: Accepted;
      try {
        admission.body(message.byteLength);
        const tenantId = await deps.tenants.resolve(tenant);
        accepted = await acceptSpans(deps, tenantId, message, 'protobuf', admission.limits);
        await deps.writer.submit(accepted.batch);
      } finally {
        admission.done();
      }
      const { rejectedSpans, messages } = accepted;
      const partial: PartialSuccess | undefined = messages.length ? { rejectedSpans, errorMessage: messages.join('; ') } : undefined;
      deps.metrics.ingestRequests.inc({ format: 'grpc', status: '0' });
      return { code: GrpcCode.ok, message: '', response: encodeExportResponseProto(partial) };
    } catch (err) {
      const reply = toReply(err);
      if (!reply) {
        deps.log.error('gRPC export failed', { error: String((err as Error)?.stack ?? err) });
        deps.metrics.ingestRequests.inc({ format: 'grpc', status: String(GrpcCode.internal) });
        return { code: GrpcCode.internal, message: 'internal error' };
      }
      deps.metrics.ingestRequests.inc({ format: 'grpc', status: String(reply.code) });
      return reply;
    }
  };
}

function toReply(err: unknown): GrpcReply | null {
  const e =
    err instanceof ApiError ? err
    : err instanceof OtlpDecodeError ? new ApiError('badRequest', err.message)
    : isUnavailableError(err) ? new ApiError('unavailable', 'database unavailable; retry later', { retryAfter: 2 })
    : null;
  if (!e) return null;
  switch (e.status) {
    case 429:
    case 503: {
      const delay = e.retryAfter ?? 1;
      return { code: GrpcCode.unavailable, message: e.message, details: retryStatus(GrpcCode.unavailable, e.message, delay) };
    }
    case 413:
      return { code: GrpcCode.resourceExhausted, message: e.message };
    case 401:
      return { code: GrpcCode.unauthenticated, message: e.message };
    case 403:
      return { code: GrpcCode.permissionDenied, message: e.message };
    default: {
      const code = GrpcCode.invalidArgument;
      return { code, message: e.message, details: encodeRpcStatusProto({ code, message: e.message, fieldViolations: e.fieldViolations }) };
    }
  }
}

/** google.rpc.Status{code, message, details: [Any{RetryInfo{retry_delay: Duration{seconds}}}]}. */
export function retryStatus(code: number, message: string, delaySeconds: number): Uint8Array {
  const duration = [...field(1, varint(delaySeconds))];
  const retryInfo = [...field(1, bytesField(duration))];
  const any = [
    ...field(1, bytesField([...new TextEncoder().encode('type.googleapis.com/google.rpc.RetryInfo')])),
    ...field(2, bytesField(retryInfo)),
  ];
  return new Uint8Array([
    ...field(1, varint(code)),
    ...field(2, bytesField([...new TextEncoder().encode(message)])),
    ...field(3, bytesField(any)),
  ]);
}

// A minimal protobuf writer for the three small messages above: [tag, ...payload].
type Payload = { wire: 0 | 2; bytes: number[] };
const varint = (n: number): Payload => ({ wire: 0, bytes: encodeVarint(n) });
const bytesField = (b: number[]): Payload => ({ wire: 2, bytes: [...encodeVarint(b.length), ...b] });
function field(num: number, p: Payload): number[] {
  return [...encodeVarint((num << 3) | p.wire), ...p.bytes];
}
function encodeVarint(n: number): number[] {
  const out: number[] = [];
  let v = Math.max(0, Math.floor(n));
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}
