// Small traces whose statistics, flame graph, span table and comparison were worked out on paper.
// The unit tests of those views and the browser tests send the same spans, so both check the
// same hand-computed figures.
import type { Span, TracesData } from '@tracegres/otlp';

/** [spanId, parentId, service, operation, start ms, end ms, error?] */
export type FixtureRow = [string, string, string, string, number, number, boolean?];

/**
 * Trace A ("GET /orders"), times in ms from its start. Self times: root 20 (100 minus its
 * children 5-15, 20-70, 75-95); load order 10 (the two SELECTs overlap, 25-55, and cache get
 * only counts until 70, so 30 + 10 of its 50 are covered); every leaf its own duration. All self
 * time: 120. By service: api 3 spans, total 170, self 50; db 2, 40, 40; cache 1, 20, 20; auth 1,
 * 10, 10.
 */
export const TRACE_A: FixtureRow[] = [
  ['a000000000000001', '', 'api', 'GET /orders', 0, 100],
  ['a000000000000002', 'a000000000000001', 'auth', 'auth', 5, 15],
  ['a000000000000003', 'a000000000000001', 'api', 'load order', 20, 70],
  ['a000000000000004', 'a000000000000003', 'db', 'SELECT orders', 25, 45],
  ['a000000000000005', 'a000000000000003', 'db', 'SELECT items', 35, 55],
  ['a000000000000006', 'a000000000000003', 'cache', 'cache get', 60, 80],
  ['a000000000000007', 'a000000000000001', 'api', 'render', 75, 95, true],
];

/**
 * Trace B, the same request later: the root takes 120 ms, load order 70 ms with SELECT orders
 * run twice and no cache get, and a new audit call. Against A: cache get is only in A, audit
 * only in B, SELECT orders changed (1 → 2 spans), the rest are in both with equal counts.
 */
export const TRACE_B: FixtureRow[] = [
  ['b000000000000001', '', 'api', 'GET /orders', 0, 120],
  ['b000000000000002', 'b000000000000001', 'auth', 'auth', 5, 15],
  ['b000000000000003', 'b000000000000001', 'api', 'load order', 20, 90],
  ['b000000000000004', 'b000000000000003', 'db', 'SELECT orders', 25, 45],
  ['b000000000000005', 'b000000000000003', 'db', 'SELECT orders', 45, 65],
  ['b000000000000006', 'b000000000000003', 'db', 'SELECT items', 65, 85],
  ['b000000000000007', 'b000000000000001', 'api', 'render', 95, 115],
  ['b000000000000008', 'b000000000000001', 'audit', 'audit', 100, 110],
];

/** The rows as OTLP spans, one resource per service, starting at `t0` (Unix ns). */
export function fixtureTrace(rows: FixtureRow[], traceId: string, t0: bigint): TracesData {
  const byService = new Map<string, Span[]>();
  for (const [id, parent, service, name, start, end, error] of rows) {
    const span: Span = {
      traceId, spanId: id, parentSpanId: parent, traceState: '', name, kind: parent ? 1 : 2,
      startTimeUnixNano: t0 + BigInt(Math.round(start * 1e6)), endTimeUnixNano: t0 + BigInt(Math.round(end * 1e6)),
      attributes: [], droppedAttributesCount: 0, events: [], droppedEventsCount: 0, links: [], droppedLinksCount: 0,
      status: { code: error ? 2 : 0, message: error ? 'template failed' : '' }, flags: 0,
    };
    byService.set(service, [...(byService.get(service) ?? []), span]);
  }
  return {
    resourceSpans: [...byService].map(([service, spans]) => ({
      resource: { attributes: [{ key: 'service.name', value: { type: 'string', value: service } }], droppedAttributesCount: 0 },
      schemaUrl: '',
      scopeSpans: [{ scope: { name: 'fixture', version: '1.0', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', spans }],
    })),
  };
}
