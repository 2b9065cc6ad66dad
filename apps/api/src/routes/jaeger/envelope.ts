import { isUnavailableError } from '@tracegres/schema';
import type { Logger } from '../../log.ts';
import { ApiError } from '../../errors.ts';

/** A per-trace error in the classic envelope (`{msg, traceID}` for a missing trace). */
export interface EnvelopeError {
  code?: number;
  msg: string;
  traceID?: string;
}

/**
 * The classic API's envelope. `total` is set for services and operations only; `limit` and
 * `offset` are always 0 (Jaeger never paginates).
 */
export function envelope(data: unknown, opts: { total?: number; errors?: EnvelopeError[] | null; pretty?: boolean; status?: number } = {}): Response {
  const body = { data, total: opts.total ?? 0, limit: 0, offset: 0, errors: opts.errors?.length ? opts.errors : null };
  return new Response(opts.pretty ? JSON.stringify(body, null, 4) : JSON.stringify(body), {
    status: opts.status ?? 200,
    headers: { 'content-type': 'application/json' },
  });
}

/** `prettyPrint` is on for any value but empty and `false`, as in Jaeger. */
export function wantsPretty(v: string | undefined): boolean {
  return v !== undefined && v !== '' && v !== 'false';
}

let seq = 0;

/** Maps an error to the status it answers with and its message; unknown errors are logged. */
export function describeError(err: unknown, log: Logger, path: string): { status: number; message: string; retryAfter?: number } {
  if (err instanceof ApiError) return { status: err.status, message: err.message, retryAfter: err.retryAfter };
  if (isUnavailableError(err)) return { status: 503, message: 'database unavailable; retry later', retryAfter: 2 };
  const id = `${Date.now().toString(36)}-j${(++seq).toString(36)}`;
  log.error('request failed', { requestId: id, path, error: String((err as Error)?.stack ?? err) });
  return { status: 500, message: `internal error (request id ${id})` };
}

/** The classic error shape: the envelope with `data: null` and one `{code, msg}`. */
export function classicError(err: unknown, log: Logger, path: string): Response {
  const e = describeError(err, log, path);
  const res = envelope(null, { errors: [{ code: e.status, msg: e.message }], status: e.status });
  if (e.retryAfter !== undefined) res.headers.set('retry-after', String(e.retryAfter));
  return res;
}

/** The v3 (grpc-gateway) error shape: `{"error": {"httpCode", "message"}}`. */
export function v3Error(err: unknown, log: Logger, path: string): Response {
  const e = describeError(err, log, path);
  return v3ErrorResponse(e.status, e.message, e.retryAfter);
}

export function v3ErrorResponse(status: number, message: string, retryAfter?: number): Response {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (retryAfter !== undefined) headers['retry-after'] = String(retryAfter);
  return new Response(JSON.stringify({ error: { httpCode: status, message } }), { status, headers });
}
