import { Hono } from 'hono';
import {
  OtlpDecodeError,
  type PartialSuccess,
  type RpcStatus,
  encodeExportResponseJson,
  encodeExportResponseProto,
  encodeRpcStatusJson,
  encodeRpcStatusProto,
} from '@tracegres/otlp';
import { isUnavailableError } from '@tracegres/schema';
import type { Deps } from '../../deps.ts';
import { ApiError } from '../../errors.ts';
import { type Accepted, acceptSpans } from '../../ingest/accept.ts';
import { admitIngest } from '../../limits/ingest-limits.ts';
import { requestTenant } from '../../auth/request-tenant.ts';
import { readBody } from './body.ts';
import { type OtlpFormat, formatOf, responseType } from './media.ts';

/** gRPC status codes used in OTLP error bodies. */
const rpcCode = { 400: 3, 401: 16, 403: 7, 404: 5, 413: 8, 415: 3, 429: 8, 501: 12, 503: 14 } as Record<number, number>;

/** OTLP/HTTP receiver: `POST /v1/traces`, protobuf or JSON, optionally gzip/deflate. */
export function otlpRoutes(deps: Deps): Hono {
  const app = new Hono();
  const m = deps.metrics;

  app.post('/v1/traces', async (c) => {
    let format: OtlpFormat = 'json';
    try {
      const ct = c.req.header('content-type') ?? null;
      if (ct) format = formatOf(ct, null);
      const tenant = requestTenant(c, deps, 'ingest');

      const t0 = performance.now();
      const admission = await admitIngest(deps.limits, tenant, Number(c.req.header('content-length') ?? 0), deps.now);
      let t1: number, t2: number, t3: number;
      let accepted: Accepted;
      try {
        const body = await readBody(c.req.raw, deps.config.ingestMaxBodyBytes, deps.inflate);
        admission.body(body.byteLength);
        t1 = performance.now();
        if (!ct) format = formatOf(null, body);
        const tenantId = await deps.tenants.resolve(tenant);
        accepted = await acceptSpans(deps, tenantId, body, format, admission.limits);
        t2 = performance.now();
        await deps.writer.submit(accepted.batch);
        t3 = performance.now();
      } finally {
        admission.done();
      }
      const { rejectedSpans, messages } = accepted;
      m.ingestPhaseSeconds.observe({ phase: 'read' }, (t1 - t0) / 1000);
      m.ingestPhaseSeconds.observe({ phase: 'decode' }, (t2 - t1) / 1000);
      m.ingestPhaseSeconds.observe({ phase: 'commit' }, (t3 - t2) / 1000);
      const partial: PartialSuccess | undefined = messages.length ? { rejectedSpans, errorMessage: messages.join('; ') } : undefined;
      m.ingestRequests.inc({ format, status: '200' });
      return format === 'protobuf'
        ? c.body(encodeExportResponseProto(partial) as Uint8Array<ArrayBuffer>, 200, { 'content-type': responseType.protobuf })
        : c.body(encodeExportResponseJson(partial), 200, { 'content-type': responseType.json });
    } catch (err) {
      const e = toApiError(err);
      if (!e) throw err;
      m.ingestRequests.inc({ format, status: String(e.status) });
      return otlpErrorResponse(e, format);
    }
  });
  return app;
}


function toApiError(err: unknown): ApiError | null {
  if (err instanceof ApiError) return err;
  if (err instanceof OtlpDecodeError) return new ApiError('badRequest', err.message);
  if (isUnavailableError(err)) return new ApiError('unavailable', 'database unavailable; retry later', { retryAfter: 2 });
  return null;
}

/**
 * OTLP error bodies are `google.rpc.Status` in the request's encoding; 415 answers in plain
 * text (like the Collector) because the request's encoding is the thing we did not understand.
 */
export function otlpErrorResponse(e: ApiError, format: OtlpFormat): Response {
  const headers: Record<string, string> = {};
  if (e.retryAfter !== undefined) headers['retry-after'] = String(e.retryAfter);
  if (e.status === 415) {
    return new Response(e.message, { status: 415, headers: { ...headers, 'content-type': 'text/plain; charset=utf-8' } });
  }
  const status: RpcStatus = { code: rpcCode[e.status] ?? 2, message: e.message, fieldViolations: e.fieldViolations };
  if (format === 'protobuf') {
    headers['content-type'] = responseType.protobuf;
    return new Response(encodeRpcStatusProto(status) as Uint8Array<ArrayBuffer>, { status: e.status, headers });
  }
  headers['content-type'] = responseType.json;
  return new Response(encodeRpcStatusJson(status), { status: e.status, headers });
}
