import { Hono } from 'hono';
import { OtlpDecodeError, decodeZipkinJson, encodeTracesDataProto } from '@tracegres/otlp';
import { isUnavailableError } from '@tracegres/schema';
import type { Deps } from '../../deps.ts';
import { ApiError } from '../../errors.ts';
import { acceptSpans } from '../../ingest/accept.ts';
import { admitIngest } from '../../limits/ingest-limits.ts';
import { requestTenant } from '../../auth/request-tenant.ts';
import { readBody } from '../otlp/body.ts';

/**
 * Zipkin v2 receiver: `POST /api/v2/spans` with a JSON list of spans, answered 202 with no body.
 * The spans are converted to OTLP and take the one ingest path (limits, validation, 429/503),
 * so a Zipkin span is stored exactly as the same span sent over OTLP would be.
 */
export function zipkinRoutes(deps: Deps): Hono {
  const app = new Hono();
  app.post('/api/v2/spans', async (c) => {
    try {
      const media = (c.req.header('content-type') ?? 'application/json').split(';')[0].trim().toLowerCase();
      if (media !== 'application/json' && media !== 'text/plain' && media !== '') {
        throw new ApiError('unsupportedMediaType', `unsupported media type ${JSON.stringify(media)}: Zipkin spans are accepted as application/json (ListOfSpans v2)`);
      }
      const tenant = requestTenant(c, deps, 'ingest');
      const admission = await admitIngest(deps.limits, tenant, Number(c.req.header('content-length') ?? 0), deps.now);
      try {
        const body = await readBody(c.req.raw, deps.config.ingestMaxBodyBytes, deps.inflate);
        admission.body(body.byteLength);
        const td = decodeZipkinJson(new TextDecoder('utf-8', { fatal: false }).decode(body));
        const tenantId = await deps.tenants.resolve(tenant);
        const { batch } = await acceptSpans(deps, tenantId, encodeTracesDataProto(td), 'protobuf', admission.limits);
        await deps.writer.submit(batch);
      } finally {
        admission.done();
      }
      deps.metrics.ingestRequests.inc({ format: 'zipkin', status: '202' });
      return c.body(null, 202);
    } catch (err) {
      const e =
        err instanceof ApiError ? err
        : err instanceof OtlpDecodeError ? new ApiError('badRequest', `invalid Zipkin spans: ${err.message}`)
        : isUnavailableError(err) ? new ApiError('unavailable', 'database unavailable; retry later', { retryAfter: 2 })
        : null;
      if (!e) throw err;
      deps.metrics.ingestRequests.inc({ format: 'zipkin', status: String(e.status) });
      const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
      if (e.retryAfter !== undefined) headers['retry-after'] = String(e.retryAfter);
      return new Response(e.message, { status: e.status, headers });
    }
  });
  return app;
}
