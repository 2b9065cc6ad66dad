// The UI's client-side routes. Every view is a shareable URL: the search page keeps its query in
// the query string, the trace page its selected span, find text and view.

export type Route =
  | { name: 'search'; params: URLSearchParams }
  | { name: 'trace'; traceId: string; params: URLSearchParams }
  | { name: 'compare'; a: string; b: string }
  | { name: 'dependencies'; params: URLSearchParams }
  | { name: 'monitor'; params: URLSearchParams }
  | { name: 'open'; params: URLSearchParams }
  | { name: 'notFound'; path: string };

/** Reads a route from a path and query string. */
export function parseRoute(pathname: string, search: string): Route {
  const params = new URLSearchParams(search);
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/' || path === '/search') return { name: 'search', params };
  if (path === '/dependencies') return { name: 'dependencies', params };
  if (path === '/monitor') return { name: 'monitor', params };
  if (path === '/open') return { name: 'open', params };
  const m = /^\/trace\/([^/]+)$/.exec(path);
  if (m) {
    const id = decodeURIComponent(m[1]);
    const pair = /^([^.]+)\.\.\.([^.]+)$/.exec(id);
    if (pair) return { name: 'compare', a: pair[1], b: pair[2] };
    return { name: 'trace', traceId: id, params };
  }
  return { name: 'notFound', path: pathname };
}

/** URL of a trace page, optionally at one span. */
export function traceUrl(traceId: string, spanId?: string): string {
  return `/trace/${encodeURIComponent(traceId)}${spanId ? `?span=${spanId}` : ''}`;
}

/** A trace id as typed into the header box: hex, up to 32 digits, zero-padded. Undefined if not one. */
export function normaliseTraceId(text: string): string | undefined {
  const t = text.trim().toLowerCase();
  if (!/^[0-9a-f]{1,32}$/.test(t)) return undefined;
  return t.padStart(32, '0');
}
