/**
 * The one error type handlers throw. A closed set of codes maps to HTTP statuses; each protocol
 * surface renders it in its own error shape (OTLP `Status`, Tempo plain text).
 */
export const ErrorCode = {
  badRequest: 400,
  unauthorized: 401,
  forbidden: 403,
  notFound: 404,
  payloadTooLarge: 413,
  unsupportedMediaType: 415,
  tooManyRequests: 429,
  unavailable: 503,
  notImplemented: 501,
  timeout: 504,
} as const;
export type ErrorCode = keyof typeof ErrorCode;

export class ApiError extends Error {
  readonly code: ErrorCode;
  /** Seconds a client should wait before retrying (429/503). */
  readonly retryAfter: number | undefined;
  readonly fieldViolations: { field: string; description: string }[] | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    extra: { retryAfter?: number; fieldViolations?: { field: string; description: string }[] } = {},
  ) {
    super(message);
    this.code = code;
    this.retryAfter = extra.retryAfter;
    this.fieldViolations = extra.fieldViolations;
  }

  get status(): number {
    return ErrorCode[this.code];
  }
}
