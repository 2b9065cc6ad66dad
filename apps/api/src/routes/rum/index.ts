import type { Context, MiddlewareHandler } from 'hono';
import type { Deps } from '../../deps.ts';
import { grantTenant } from '../../auth/request-tenant.ts';
import { ApiError } from '../../errors.ts';
import { otlpErrorResponse, otlpRoutes } from '../otlp/index.ts';
import { originAllowed } from './origins.ts';

const KEY_HEADER = 'x-ingest-key';
const KEY_QUERY = 'ingestKey';
/** Chromium caps preflight caching at 2 h; the Collector's docs use the same. */
const MAX_AGE_S = 7200;

/**
 * Browser (RUM) ingest on `/v1/traces`: CORS for the configured origins, and per-tenant public
 * ingest keys (`X-Ingest-Key` header or `?ingestKey=`) that only work from their own origins.
 *
 * Every answer to an allowed origin carries the CORS headers, errors included: without them the
 * web exporter sees a network error and sends the same spans again. The allowed origin is echoed
 * with `Allow-Credentials` because older web exporters beacon with credentials. A cross-origin
 * request from any other origin is refused before it is stored, so a "simple" request that skips
 * the preflight cannot slip spans in either. Requests without an Origin (servers, the Collector)
 * pass through untouched.
 */
export function rumIngest(deps: Deps): MiddlewareHandler {
  const global = deps.config.corsAllowedOrigins;
  const keys = new Map(deps.config.rumIngestKeys.map((k) => [k.key, k]));
  const keyOrigins = deps.config.rumIngestKeys.flatMap((k) => k.origins);
  // Keyed requests are re-issued to the receiver with the key's tenant as X-Scope-OrgID.
  const receiver = otlpRoutes(deps);

  return async (c, next) => {
    const origin = c.req.header('origin');
    const key = c.req.header(KEY_HEADER) ?? c.req.query(KEY_QUERY);
    if (origin === undefined && key === undefined) return next();
    if (origin !== undefined && key === undefined && sameOrigin(origin, c)) return next();

    if (c.req.method === 'OPTIONS') {
      // A preflight names the headers it will send, not their values: any origin that some key
      // or the global list allows may ask; the request itself is checked below.
      if (!origin || !(originAllowed(origin, global) || originAllowed(origin, keyOrigins))) {
        return new Response('origin not allowed', { status: 403, headers: { vary: 'Origin', 'content-type': 'text/plain; charset=utf-8' } });
      }
      const headers = corsHeaders(origin);
      headers.set('access-control-allow-methods', 'POST, OPTIONS');
      headers.set('access-control-allow-headers', c.req.header('access-control-request-headers') ?? 'content-type');
      headers.set('access-control-max-age', String(MAX_AGE_S));
      return new Response(null, { status: 204, headers });
    }

    const format = (c.req.header('content-type') ?? '').includes('protobuf') ? 'protobuf' : 'json';
    if (key !== undefined) {
      const entry = keys.get(key);
      if (!origin) return otlpErrorResponse(new ApiError('unauthorized', 'an ingest key is only accepted from a browser origin (no Origin header)'), format);
      const allowedForKey = entry && originAllowed(origin, entry.origins);
      if (!entry || !allowedForKey) {
        const e = !entry ? new ApiError('unauthorized', 'unknown ingest key') : new ApiError('unauthorized', `this ingest key is not allowed from origin ${origin}`);
        const res = otlpErrorResponse(e, format);
        // An unknown key from an origin we otherwise serve still gets readable CORS headers.
        if (originAllowed(origin, global) || originAllowed(origin, keyOrigins)) withCors(res, origin);
        return entry ? withStatus(res, 403) : res;
      }
      const headers = new Headers(c.req.raw.headers);
      headers.set('x-scope-orgid', entry.tenant);
      headers.delete(KEY_HEADER);
      const forwarded = new Request(c.req.url, { method: c.req.method, headers, body: c.req.raw.body, duplex: 'half' } as RequestInit);
      // The key is this request's credential: no bearer token is asked of a browser.
      grantTenant(forwarded, entry.tenant);
      return withCors(await receiver.fetch(forwarded), origin);
    }
    if (!originAllowed(origin!, global)) {
      return withStatus(otlpErrorResponse(new ApiError('unauthorized', `origin ${origin} is not allowed to send spans`), format), 403);
    }
    await next();
    c.res = withCors(c.res, origin!);
  };
}

function corsHeaders(origin: string): Headers {
  return new Headers({
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    'access-control-expose-headers': 'Retry-After',
    vary: 'Origin',
  });
}

/** The response with CORS headers for `origin` (a copy when its headers are immutable). */
function withCors(res: Response, origin: string): Response {
  const out = new Response(res.body, { status: res.status, statusText: res.statusText, headers: res.headers });
  for (const [k, v] of corsHeaders(origin)) out.headers.set(k, v);
  return out;
}

function withStatus(res: Response, status: number): Response {
  return new Response(res.body, { status, headers: res.headers });
}

/** A page of our own host (the built-in UI) needs no CORS. */
function sameOrigin(origin: string, c: Context): boolean {
  const host = c.req.header('host');
  try {
    return host !== undefined && new URL(origin).host === host;
  } catch {
    return false;
  }
}
