/**
 * The one error type of the codec. Receivers map it to HTTP 400 / gRPC INVALID_ARGUMENT, so its
 * message is written for the sender's developer: what was being read, and where.
 */
export class OtlpDecodeError extends Error {
  /** Byte offset for protobuf errors; undefined for JSON. */
  readonly offset: number | undefined;
  /** JSON path such as `resourceSpans[0].scopeSpans[0].spans[3].traceId`; undefined for protobuf. */
  readonly path: string | undefined;

  constructor(message: string, where?: { offset?: number; path?: string }) {
    super(message);
    this.name = 'OtlpDecodeError';
    this.offset = where?.offset;
    this.path = where?.path;
  }
}
