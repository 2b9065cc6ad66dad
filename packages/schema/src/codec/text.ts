/**
 * Postgres text cannot hold U+0000 and rejects lone surrogates; both are replaced with U+FFFD
 * in name/status/service columns (attribute values keep them exactly, see attr-json.ts) and in
 * query parameters, so a search for such a string compares as stored.
 */
export function textColumn(s: string): string {
  const t = s.isWellFormed() ? s : s.toWellFormed();
  return t.includes('\u0000') ? t.replaceAll('\u0000', '\uFFFD') : t;
}
