import type { Context, MiddlewareHandler } from 'hono';
import type { Deps } from '../deps.ts';
import { ApiError } from '../errors.ts';
import { envelope, v3ErrorResponse } from '../routes/jaeger/envelope.ts';
import { otlpErrorResponse } from '../routes/otlp/index.ts';
import { AuthError, type Surface, resolveTenant } from './resolve-tenant.ts';
import { grantTenant } from './request-tenant.ts';

/** Probes and self-metrics stay open: load balancers and Prometheus carry no tenant or token. */
const OPEN_PATHS = new Set(['/ready', '/api/echo', '/api/status/buildinfo', '/metrics']);
const INGEST_PATHS = new Set(['/v1/traces', '/api/v2/spans']);

/** Which credentials a request needs; null for the open probes and the web UI's page and assets. */
export function surfaceOf(method: string, path: string): Surface | null {
  // A CORS preflight never carries credentials; the request that follows it is checked.
  if (method === 'OPTIONS') return null;
  if (INGEST_PATHS.has(path)) return 'ingest';
  if (OPEN_PATHS.has(path)) return null;
  // Every data API lives under these prefixes, so a new endpoint there is covered by default.
  if (path.startsWith('/api/') || path === '/jaeger' || path.startsWith('/jaeger/') || path.startsWith('/metrics/')) return 'query';
  return null;
}

/**
 * Settles who a request acts for before any handler runs: bearer token (when configured for its
 * surface), X-Scope-OrgID, multi-tenancy. Failures answer here in the protocol's error shape,
 * with a `WWW-Authenticate` challenge on 401s caused by a token; handlers read the tenant with
 * `requestTenant` / `readScope`.
 */
export function authenticate(deps: Pick<Deps, 'config'>): MiddlewareHandler {
  return async (c, next) => {
    const surface = surfaceOf(c.req.method, c.req.path);
    if (surface === null) return next();
    // Browser ingest with a public key (X-Ingest-Key or ?ingestKey=) is checked by the RUM
    // middleware, which knows the key's tenant and origins.
    if (c.req.path === '/v1/traces' && (c.req.header('x-ingest-key') !== undefined || c.req.query('ingestKey') !== undefined)) return next();
    try {
      grantTenant(c.req.raw, resolveTenant(deps.config, surface, { authorization: c.req.header('authorization'), orgId: c.req.header('x-scope-orgid') }));
    } catch (err) {
      if (err instanceof ApiError) return authErrorResponse(c, err);
      throw err;
    }
    return next();
  };
}

function authErrorResponse(c: Context, e: ApiError): Response {
  const path = c.req.path;
  const res =
    path === '/v1/traces' ? otlpErrorResponse(e, (c.req.header('content-type') ?? '').includes('protobuf') ? 'protobuf' : 'json')
    : path.startsWith('/jaeger/api/v3/') ? v3ErrorResponse(e.status, e.message)
    : path.startsWith('/jaeger/') ? envelope(null, { errors: [{ code: e.status, msg: e.message }], status: e.status })
    : new Response(e.message, { status: e.status, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  if (e instanceof AuthError && e.challenge) res.headers.set('www-authenticate', e.challenge);
  return res;
}
