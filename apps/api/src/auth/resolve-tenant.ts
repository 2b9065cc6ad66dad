import { ApiError } from '../errors.ts';
import { DEFAULT_TENANT, tenantIdProblem } from '../storage/tenants.ts';
import { ANY_TENANT, type BearerToken, findBearerToken } from './tokens.ts';

/** Query APIs and ingest have separate token lists. */
export type Surface = 'query' | 'ingest';

/** The part of the configuration that decides who may act for which tenant. */
export interface TenancyConfig {
  /** X-Scope-OrgID is required (Tempo's multitenancy_enabled). */
  multitenancyEnabled: boolean;
  /** Non-empty: the query APIs need one of these bearer tokens. */
  queryTokens: BearerToken[];
  /** Non-empty: ingest needs one of these bearer tokens. */
  ingestTokens: BearerToken[];
}

/** What a request presents: its `Authorization` and `X-Scope-OrgID` (HTTP headers or gRPC metadata). */
export interface Credentials {
  authorization: string | undefined;
  orgId: string | undefined;
}

const REALM = 'Bearer realm="tracegres"';

/** A 401 or 403; a 401 carries the `WWW-Authenticate` challenge that goes with it. */
export class AuthError extends ApiError {
  readonly challenge: string | undefined;

  constructor(code: 'unauthorized' | 'forbidden', message: string, challenge?: string) {
    super(code, message);
    this.challenge = challenge;
  }
}

/**
 * The tenant a request acts for, or an error: 401 when a bearer token is required and missing or
 * unknown, or when multi-tenancy is on and no tenant is named (Tempo's "no org id"); 403 when the
 * token belongs to another tenant than X-Scope-OrgID names; 400 for an invalid tenant id.
 *
 * A token bound to a tenant names it, so X-Scope-OrgID may be left out. With multi-tenancy off, a
 * request without a tenant is `single-tenant`; one that names a tenant gets it (Tempo would
 * ignore the header; we honour it so that tenants work without switching the mode on).
 */
export function resolveTenant(config: TenancyConfig, surface: Surface, creds: Credentials): string {
  const named = creds.orgId?.trim() || undefined;
  const tokens = surface === 'query' ? config.queryTokens : config.ingestTokens;
  let bound: string | undefined;
  if (tokens.length > 0) {
    const m = /^\s*bearer\s+(\S+)\s*$/i.exec(creds.authorization ?? '');
    if (!m) throw new AuthError('unauthorized', `missing bearer token: ${surface === 'query' ? 'queries' : 'ingest'} need an Authorization: Bearer header`, REALM);
    const token = findBearerToken(tokens, m[1]);
    if (!token) throw new AuthError('unauthorized', 'invalid bearer token', `${REALM}, error="invalid_token"`);
    if (token.tenant !== ANY_TENANT) bound = token.tenant;
  }
  if (bound !== undefined && named !== undefined && named !== bound) {
    throw new AuthError('forbidden', `this token is for tenant ${JSON.stringify(bound)}, not ${JSON.stringify(named.slice(0, 160))}`);
  }
  const tenant = bound ?? named ?? (config.multitenancyEnabled ? undefined : DEFAULT_TENANT);
  if (tenant === undefined) throw new AuthError('unauthorized', 'no org id');
  const problem = tenantIdProblem(tenant);
  if (problem) throw new ApiError('badRequest', problem);
  return tenant;
}
