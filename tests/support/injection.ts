// SQL-injection requests for every read endpoint and every parameter (routes as mounted in
// apps/api/src/app.ts): classic payloads inside TraceQL string literals, quoted attribute names,
// regexes and metrics groupings, in path segments, query parameters and the tenant header.
// Valid requests around each payload, so that it travels as far towards SQL as it can.
import { type FuzzCase, QUERY_TIMEOUT_MS } from './fuzz-cases.ts';

export const PAYLOADS = [
  "' or 1=1--",
  "' or '1'='1",
  "'; drop table spans; --",
  '"; drop table spans; --',
  "x'); drop table traces; --",
  '$$; drop table spans; $$',
  '$1',
  "\\'; drop table spans; --",
  '\\',
  '1; select pg_sleep(10)',
  "x' || (select pg_sleep(10)) || '",
  "x'||(select version())||'",
  '1) or (1=1',
  "' union select null, null, null --",
  "/**/or/**/1=1",
  "E'\\x27'",
  'nul\u0000byte',
  "ü'; drop table spans; --😀",
  '%27%3B%20drop%20table%20spans%3B--',
] as const;

/** A TraceQL string literal holding `s` exactly. */
export const traceqlString = (s: string) => `"${s.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;

const enc = encodeURIComponent;
const iso = (s: number) => new Date(s * 1000).toISOString();

/** Every request for one payload, each with a label naming the route and parameter. */
export function injectionRequests(p: string, [start, end]: [number, number]): { label: string; path: string; headers?: Record<string, string> }[] {
  const x = enc(p);
  const lit = traceqlString(p);
  const attr = `span.${traceqlString(p)}`;
  const win = `start=${start}&end=${end}`;
  const us = `start=${start * 1_000_000}&end=${end * 1_000_000}`;
  const v3win = `query.startTimeMin=${enc(iso(start))}&query.startTimeMax=${enc(iso(end))}`;
  const traceql = [
    `{ span.http.method = ${lit} }`,
    `{ resource.service.name != ${lit} && name = ${lit} }`,
    `{ ${attr} = 1 }`,
    `{ ${attr} != nil } | select(${attr})`,
    `{ name =~ ${lit} }`,
    `{ name !~ ${lit} }`,
    `{ .http.url = \`${p.replaceAll('`', '')}\` }`,
    `{ } | by(${attr}) | count() > 0`,
    `{ event.${traceqlString(p)} = ${lit} } >> { link.${traceqlString(p)} = ${lit} }`,
  ];
  const metrics = [`{ span.http.method = ${lit} } | rate()`, `{ } | count_over_time() by (${attr})`, `{ name =~ ${lit} } | quantile_over_time(duration, .9) by (resource.${traceqlString(p)})`];
  const out: { label: string; path: string; headers?: Record<string, string> }[] = [];
  const add = (label: string, path: string) => out.push({ label, path });
  for (const [i, q] of traceql.entries()) {
    add(`search q#${i}`, `/api/search?q=${enc(q)}&${win}`);
    add(`v2 tag values q#${i}`, `/api/v2/search/tag/span.http.method/values?q=${enc(q)}&${win}`);
    add(`v2 tags q#${i}`, `/api/v2/search/tags?q=${enc(q)}&${win}`);
  }
  for (const [i, q] of metrics.entries()) {
    add(`metrics range q#${i}`, `/api/metrics/query_range?q=${enc(q)}&${win}&step=60`);
    add(`metrics instant q#${i}`, `/api/metrics/query?q=${enc(q)}&${win}`);
  }
  // Tempo search: legacy tags (logfmt) and each scalar parameter.
  add('search tags value', `/api/search?tags=${enc(`service.name=${JSON.stringify(p)}`)}&${win}`);
  add('search tags key', `/api/search?tags=${enc(`${p}=x`)}&${win}`);
  for (const name of ['limit', 'spss', 'minDuration', 'maxDuration']) add(`search ${name}`, `/api/search?q=%7B%7D&${name}=${x}&${win}`);
  add('search start', `/api/search?q=%7B%7D&start=${x}&end=${end}`);
  add('search end', `/api/search?q=%7B%7D&start=${start}&end=${x}`);
  // Tag names and values.
  for (const v of ['', '/v2']) {
    for (const name of ['scope', 'limit', 'start', 'end']) add(`${v} tags ${name}`, `/api${v}/search/tags?${win}&${name}=${x}`);
  }
  add('tag values name', `/api/search/tag/${x}/values?${win}`);
  add('v2 tag values name', `/api/v2/search/tag/${enc(`span.${p}`)}/values?${win}`);
  add('v2 tag values quoted name', `/api/v2/search/tag/${enc(attr)}/values?${win}`);
  add('v2 tag values resource name', `/api/v2/search/tag/${enc(`resource.${traceqlString(p)}`)}/values?${win}`);
  for (const name of ['limit', 'start', 'end']) add(`tag values ${name}`, `/api/v2/search/tag/span.http.method/values?${win}&${name}=${x}`);
  // Trace by id.
  add('trace id', `/api/traces/${x}`);
  add('v2 trace id', `/api/v2/traces/${x}`);
  add('v2 trace start/end', `/api/v2/traces/0af7651916cd43dd8448eb211c80319c?start=${x}&end=${x}`);
  // Metrics parameters.
  for (const name of ['start', 'end', 'step', 'since', 'exemplars', 'maxSeries']) {
    add(`metrics range ${name}`, `/api/metrics/query_range?q=${enc('{ } | rate()')}&${win}&${name}=${x}`);
  }
  add('metrics instant since', `/api/metrics/query?q=${enc('{ } | rate()')}&since=${x}`);
  // Jaeger classic API.
  add('jaeger operations path', `/jaeger/api/services/${x}/operations`);
  add('jaeger operations service', `/jaeger/api/operations?service=${x}`);
  add('jaeger operations spanKind', `/jaeger/api/operations?service=api&spanKind=${x}`);
  for (const name of ['service', 'operation', 'lookback', 'limit', 'minDuration', 'maxDuration', 'start', 'end', 'raw', 'prettyPrint']) {
    add(`jaeger traces ${name}`, `/jaeger/api/traces?service=api&${us}&${name}=${x}`);
  }
  add('jaeger traces tags value', `/jaeger/api/traces?service=api&${us}&tags=${enc(JSON.stringify({ 'http.method': p }))}`);
  add('jaeger traces tags key', `/jaeger/api/traces?service=api&${us}&tags=${enc(JSON.stringify({ [p]: 'x' }))}`);
  add('jaeger traces tag', `/jaeger/api/traces?service=api&${us}&tag=${enc(`${p}:${p}`)}`);
  add('jaeger traces traceID', `/jaeger/api/traces?traceID=${x}`);
  add('jaeger trace id', `/jaeger/api/traces/${x}`);
  add('jaeger dependencies', `/jaeger/api/dependencies?endTs=${x}&lookback=${x}`);
  // Jaeger API v3.
  add('v3 operations service', `/jaeger/api/v3/operations?service=${x}`);
  add('v3 operations span_kind', `/jaeger/api/v3/operations?service=api&span_kind=${x}`);
  add('v3 trace id', `/jaeger/api/v3/traces/${x}`);
  add('v3 trace times', `/jaeger/api/v3/traces/0af7651916cd43dd8448eb211c80319c?startTime=${x}&endTime=${x}&rawTraces=${x}`);
  for (const path of ['/jaeger/api/v3/traces', '/jaeger/api/v3/trace-summaries']) {
    const names = ['query.serviceName', 'query.operationName', 'query.searchDepth', 'query.num_traces', 'query.durationMin', 'query.durationMax', 'query.rawTraces', 'query.filter'];
    for (const name of names) add(`v3 ${path.split('/').pop()} ${name}`, `${path}?${v3win}&query.serviceName=api&${name}=${x}`);
    add(`v3 ${path.split('/').pop()} attributes value`, `${path}?${v3win}&query.attributes=${enc(JSON.stringify({ 'http.method': p }))}`);
    add(`v3 ${path.split('/').pop()} attributes key`, `${path}?${v3win}&query.attributes=${enc(JSON.stringify({ [p]: 'x' }))}`);
    add(`v3 ${path.split('/').pop()} startTimeMin`, `${path}?query.startTimeMin=${x}&query.startTimeMax=${enc(iso(end))}`);
  }
  // The web UI's data endpoints.
  for (const name of ['start', 'end']) {
    add(`ui service graph ${name}`, `/api/ui/service-graph?${name}=${x}`);
    add(`ui monitor services ${name}`, `/api/ui/monitor/services?${name}=${x}`);
  }
  for (const name of ['service', 'spanKind', 'step', 'start', 'end']) add(`ui monitor ${name}`, `/api/ui/monitor?service=api&${name}=${x}`);
  // The tenant header reaches the tenant lookup (only header-safe payloads: printable ASCII).
  if (/^[\x20-\x7e]*$/.test(p)) {
    for (const path of [`/api/search?q=%7B%7D&${win}`, '/jaeger/api/services', `/api/v2/search/tags?${win}`, '/api/ui/monitor/services']) {
      out.push({ label: `tenant header ${path.split('?')[0]}`, path, headers: { 'x-scope-orgid': p } });
    }
  }
  return out;
}

/** Every payload through every request, as fuzz cases (for the long run). */
export function injectionCases(window: [number, number]): FuzzCase[] {
  return PAYLOADS.flatMap((p, n) =>
    injectionRequests(p, window).map((r) => ({ label: `injection #${n} ${r.label}`, method: 'GET' as const, path: r.path, headers: r.headers ?? {}, timeoutMs: QUERY_TIMEOUT_MS })),
  );
}
