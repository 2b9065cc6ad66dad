/**
 * Browser origins allowed to send spans: `*`, an exact origin (`https://shop.example:8443`), or
 * one with a wildcard first label (`https://*.shop.example`).
 */
export type OriginPattern = string;

const PATTERN = /^(\*|https?:\/\/(\*\.)?[a-z0-9.-]+(:\d{1,5})?|https?:\/\/\[[0-9a-f:.]+\](:\d{1,5})?)$/;

/** Returns what is wrong with an origin pattern, or null when it is valid. */
export function originPatternProblem(p: string): string | null {
  return PATTERN.test(p) ? null : `invalid origin ${JSON.stringify(p)}: expected *, scheme://host[:port] or scheme://*.domain[:port]`;
}

export function originAllowed(origin: string, patterns: readonly OriginPattern[]): boolean {
  const o = origin.toLowerCase();
  for (const p of patterns) {
    if (p === '*' || p === o) return true;
    const star = p.indexOf('://*.');
    if (star > 0) {
      const scheme = p.slice(0, star + 3);
      const suffix = p.slice(star + 4); // ".domain[:port]"
      if (o.startsWith(scheme) && o.endsWith(suffix) && o.length > scheme.length + suffix.length && !o.slice(scheme.length, o.length - suffix.length).includes('/')) return true;
    }
  }
  return false;
}
