// What the UI sends when the server asks for it: a bearer token (QUERY_TOKENS) and a tenant
// (X-Scope-OrgID, needed when multi-tenancy is on and the token does not name one). Asked for
// once, when a request is refused, and kept in this browser's localStorage.
const TOKEN_KEY = 'tracegres.token';
const ORG_KEY = 'tracegres.orgId';

function read(key: string): string {
  try {
    return localStorage.getItem(key) ?? '';
  } catch {
    return '';
  }
}

function write(key: string, value: string): void {
  try {
    if (value) localStorage.setItem(key, value);
    else localStorage.removeItem(key);
  } catch {
    // Storage disabled: the value lasts for this request only.
  }
}

/** Headers carrying the stored token and tenant, if any. */
export function credentialHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const token = read(TOKEN_KEY);
  const org = read(ORG_KEY);
  if (token) headers.authorization = `Bearer ${token}`;
  if (org) headers['x-scope-orgid'] = org;
  return headers;
}

/**
 * After a 401 or 403: asks the user for the token (a bearer challenge) or the tenant (Tempo's
 * "no org id", or a token refused for the stored tenant) and stores the answer. True when there
 * is something new to retry with.
 */
export function askForCredentials(res: Response, message: string): boolean {
  if (typeof window === 'undefined' || typeof window.prompt !== 'function') return false;
  const wantsToken = res.status === 401 && /^bearer/i.test(res.headers.get('www-authenticate') ?? '');
  const [key, question] = wantsToken
    ? [TOKEN_KEY, `This Tracegres needs an access token (${message}).`]
    : [ORG_KEY, `Which tenant (X-Scope-OrgID)? The server said: ${message}`];
  const answer = window.prompt(question, read(key))?.trim();
  if (answer === undefined || answer === read(key)) return false;
  write(key, answer);
  return true;
}
