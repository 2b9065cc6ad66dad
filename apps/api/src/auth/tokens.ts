import { tenantIdProblem } from '../storage/tenants.ts';

/** A bearer token from QUERY_TOKENS / INGEST_TOKENS and the tenant it may act for (`*`: any). */
export interface BearerToken {
  token: string;
  tenant: string;
}

/** Any tenant: the request's X-Scope-OrgID decides. */
export const ANY_TENANT = '*';

// RFC 6750's b64token. At least 16 characters: these are secrets, not names.
const TOKEN_RE = /^[A-Za-z0-9\-._~+/]{16,512}=*$/;

/**
 * Parses `token=tenant` entries separated by commas, semicolons or white space. Returns the
 * tokens and a message for each bad entry (the config schema reports them with the variable).
 */
export function parseBearerTokens(text: string): { tokens: BearerToken[]; problems: string[] } {
  const tokens: BearerToken[] = [];
  const problems: string[] = [];
  for (const entry of text.split(/[\s,;]+/).filter(Boolean)) {
    // Tenant ids cannot hold '=', tokens may end in '=' padding: the last '=' separates them.
    const eq = entry.lastIndexOf('=');
    const token = eq > 0 ? entry.slice(0, eq) : '';
    const tenant = eq > 0 ? entry.slice(eq + 1) : '';
    if (!TOKEN_RE.test(token) || tenant === '') {
      // Never echo a whole entry: it is a secret.
      problems.push(`invalid entry starting ${JSON.stringify(entry.slice(0, 4))}...: expected token=tenant (or token=*) with a token of 16-512 characters [A-Za-z0-9-._~+/]`);
      continue;
    }
    const problem = tenant === ANY_TENANT ? null : tenantIdProblem(tenant);
    if (problem) problems.push(problem);
    else if (tokens.some((t) => t.token === token)) problems.push(`token ${token.slice(0, 4)}... is listed twice`);
    else tokens.push({ token, tenant });
  }
  return { tokens, problems };
}

/** String equality whose time depends on the lengths only, not on where the strings differ. */
export function constantTimeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) diff |= (a.charCodeAt(i % (a.length || 1)) | 0) ^ (b.charCodeAt(i % (b.length || 1)) | 0);
  return diff === 0;
}

/**
 * The configured token equal to `presented`, compared with every entry in constant time so the
 * answer's timing does not tell how much of a guess was right, or which entry it was close to.
 */
export function findBearerToken(tokens: readonly BearerToken[], presented: string): BearerToken | undefined {
  let found: BearerToken | undefined;
  for (const t of tokens) if (constantTimeEqual(t.token, presented) && !found) found = t;
  return found;
}
