// Limits on both drivers: attribute truncation, spans per request, the per-tenant ingest rate
// (429 + Retry-After) and its overrides in `tenant_limits`, the trace size on read (PARTIAL),
// search range and result limits, and the statement timeout of query routes (every read route
// and the PGlite watchdog: tests/integration/query-safety.test.ts).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { withStatementTimeout } from '../../apps/api/src/limits/statement-timeout.ts';
import { type TestServer, startTestServer } from '../support/app.ts';
import { drivers } from '../support/databases.ts';
import { encodeRequestProto } from '../support/payloads.ts';

const nowS = () => Math.floor(Date.now() / 1000);

/** `n` spans of one trace; `attr` goes on every span. */
function traceRequest(traceId: string, n: number, attr?: { key: string; value: string }) {
  const start = nowS() - 60;
  const spans = Array.from({ length: n }, (_, i) => ({
    traceId: Buffer.from(traceId, 'hex'),
    spanId: Buffer.from((i + 1).toString(16).padStart(16, '0'), 'hex'),
    parentSpanId: i === 0 ? undefined : Buffer.from('0000000000000001', 'hex'),
    name: `op ${i}`,
    kind: 1,
    startTimeUnixNano: (BigInt(start + i) * 1_000_000_000n).toString(),
    endTimeUnixNano: (BigInt(start + i) * 1_000_000_000n + 5_000_000n).toString(),
    attributes: attr ? [{ key: attr.key, value: { stringValue: attr.value } }] : [],
  }));
  return encodeRequestProto({
    resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'lim' } }] }, scopeSpans: [{ scope: { name: 's' }, spans }] }],
  });
}

const post = (s: TestServer, body: Uint8Array<ArrayBuffer>, tenant?: string, accept = 'application/x-protobuf') =>
  fetch(`${s.url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': accept, ...(tenant ? { 'x-scope-orgid': tenant } : {}) },
    body,
  });

const ENV = {
  MAX_ATTRIBUTE_BYTES: '16',
  INGEST_MAX_SPANS_PER_REQUEST: '50',
  INGEST_RATE_LIMIT_BYTES: '20000',
  INGEST_BURST_SIZE_BYTES: '40000',
  MAX_BYTES_PER_TRACE: '3000',
  MAX_SEARCH_DURATION: '2h',
  SEARCH_MAX_LIMIT: '50',
  SEARCH_MAX_SPANS_PER_SPAN_SET: '10',
  LIMITS_REFRESH: '1h', // tests reload explicitly
};

for (const driver of drivers) {
  describe(`limits (${driver})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(driver, ENV);
    });
    after(() => s?.close());

    test('attribute keys and values over MAX_ATTRIBUTE_BYTES are truncated, counted and reported', async () => {
      const id = 'a1000000000000000000000000000001';
      const res = await post(s, traceRequest(id, 1, { key: 'a.very.long.attribute.key', value: 'ü'.repeat(20) }), undefined, 'application/x-protobuf');
      assert.equal(res.status, 200);
      const body = new Uint8Array(await res.arrayBuffer());
      assert.match(Buffer.from(body).toString(), /2 attribute key\(s\)\/value\(s\) longer than 16 bytes were truncated/);
      const trace = await (await fetch(`${s.url}/api/v2/traces/${id}`)).json();
      const attrs = trace.trace.resourceSpans[0].scopeSpans[0].spans[0].attributes;
      assert.deepEqual(attrs, [{ key: 'a.very.long.attr', value: { stringValue: 'ü'.repeat(8) } }]);
      const metrics = await (await fetch(`${s.url}/metrics`)).text();
      assert.match(metrics, /tracegres_attributes_truncated_total 2/);
    });

    test('more spans than INGEST_MAX_SPANS_PER_REQUEST: 413 naming the limit, nothing stored', async () => {
      const id = 'a1000000000000000000000000000002';
      const res = await post(s, traceRequest(id, 51));
      assert.equal(res.status, 413);
      assert.equal(res.headers.get('content-type'), 'application/x-protobuf');
      assert.match(Buffer.from(await res.arrayBuffer()).toString(), /51 spans, more than the limit of 50 spans per request/);
      assert.equal((await fetch(`${s.url}/api/traces/${id}`)).status, 404);
    });

    test('ingest rate per tenant: 429 + Retry-After, other tenants unaffected, tenant_limits overrides', async () => {
      const body = traceRequest('a1000000000000000000000000000003', 40, { key: 'k', value: 'v'.repeat(10) });
      const statuses: number[] = [];
      let limited: Response | undefined;
      for (let i = 0; i < 40 && !limited; i++) {
        const res = await post(s, body, 'rate-a', 'application/x-protobuf');
        statuses.push(res.status);
        if (res.status === 429) limited = res;
      }
      assert.ok(limited, `no 429 after ${statuses.length} requests`);
      assert.match(limited.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
      assert.match(Buffer.from(await limited.arrayBuffer()).toString(), /RATE_LIMITED: ingestion rate limit \(20000 bytes\/s, burst 40000 bytes\)/);
      // JSON senders get the google.rpc.Status as JSON (code 8, RESOURCE_EXHAUSTED).
      const json = await fetch(`${s.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-scope-orgid': 'rate-a' }, body: '{"resourceSpans":[]}'.padEnd(30000, ' ') });
      assert.equal(json.status, 429);
      assert.equal((await json.json()).code, 8);
      assert.equal((await post(s, body, 'rate-b')).status, 200, 'another tenant has its own bucket');

      await s.deps.db.query(
        `insert into tenant_limits (tenant, ingestion_rate_limit_bytes, ingestion_burst_size_bytes, max_search_limit) values ($1, 0, null, 500)`,
        ['rate-a'],
      );
      await s.deps.limits.overrides.reload();
      for (let i = 0; i < 10; i++) assert.equal((await post(s, body, 'rate-a')).status, 200, 'rate 0 = no limit for this tenant');
      const bigger = await fetch(`${s.url}/api/search?q=%7B%7D&limit=500`, { headers: { 'x-scope-orgid': 'rate-a' } });
      assert.equal(bigger.status, 200, await bigger.text());
      const capped = await fetch(`${s.url}/api/search?q=%7B%7D&limit=500`, { headers: { 'x-scope-orgid': 'rate-b' } });
      assert.equal(capped.status, 400);
      assert.match(await capped.text(), /invalid limit: must be at most 50/);
    });

    test('a request larger than the burst can never fit: 413, not retried', async () => {
      const res = await post(s, traceRequest('a1000000000000000000000000000004', 45, { key: 'k', value: 'x'.repeat(1000) }), 'burst');
      assert.equal(res.status, 413);
      assert.equal(res.headers.get('retry-after'), null);
    });

    test('trace over MAX_BYTES_PER_TRACE: v2 answers PARTIAL with the spans that fit, v1 422', async () => {
      const id = 'a1000000000000000000000000000005';
      assert.equal((await post(s, traceRequest(id, 40, { key: 'k', value: 'y'.repeat(16) }), 'big-trace')).status, 200);
      const v2 = await (await fetch(`${s.url}/api/v2/traces/${id}`, { headers: { 'x-scope-orgid': 'big-trace' } })).json();
      assert.equal(v2.status, 'PARTIAL');
      assert.equal(v2.message, 'Trace exceeds maximum size of 3000 bytes, a partial trace is returned');
      const spans = v2.trace.resourceSpans.flatMap((r: { scopeSpans: { spans: unknown[] }[] }) => r.scopeSpans.flatMap((x) => x.spans));
      assert.ok(spans.length > 0 && spans.length < 40, `${spans.length} spans`);
      assert.equal(spans[0].name, 'op 0', 'earliest spans first');
      const v1 = await fetch(`${s.url}/api/traces/${id}`, { headers: { 'x-scope-orgid': 'big-trace' } });
      assert.equal(v1.status, 422);
      assert.match(await v1.text(), /Trace exceeds maximum size of 3000 bytes/);
      await s.deps.db.query(`insert into tenant_limits (tenant, max_bytes_per_trace) values ('big-trace', 0)`);
      await s.deps.limits.overrides.reload();
      const whole = await (await fetch(`${s.url}/api/v2/traces/${id}`, { headers: { 'x-scope-orgid': 'big-trace' } })).json();
      assert.equal(whole.status, undefined);
      assert.equal(whole.trace.resourceSpans[0].scopeSpans[0].spans.length, 40);
    });

    test('Jaeger reads under MAX_BYTES_PER_TRACE: the spans that fit plus a warning in errors; v3 answers 422', async () => {
      const id = 'a1000000000000000000000000000006';
      const h = { headers: { 'x-scope-orgid': 'big-jaeger' } };
      assert.equal((await post(s, traceRequest(id, 40, { key: 'k', value: 'y'.repeat(16) }), 'big-jaeger')).status, 200);
      const warning = { code: 422, msg: 'Trace exceeds maximum size of 3000 bytes, a partial trace is returned', traceID: id };
      const byId = await (await fetch(`${s.url}/jaeger/api/traces/${id}`, h)).json();
      assert.equal(byId.data.length, 1);
      const n = byId.data[0].spans.length;
      assert.ok(n > 0 && n < 40, `${n} spans`);
      assert.ok(byId.data[0].spans.some((sp: { operationName: string }) => sp.operationName === 'op 0'), 'earliest spans first');
      assert.deepEqual(byId.errors, [warning]);
      const found = await (await fetch(`${s.url}/jaeger/api/traces?service=lim&limit=5`, h)).json();
      assert.equal(found.data[0].spans.length, n, 'search results are cut the same way');
      assert.deepEqual(found.errors, [warning]);
      const v3 = await fetch(`${s.url}/jaeger/api/v3/traces/${id}`, h);
      assert.equal(v3.status, 422);
      assert.match((await v3.json()).error.message, /^Trace exceeds maximum size of 3000 bytes; \/jaeger\/api\/traces\/\{id\} returns the spans that fit$/);
      const iso = (sec: number) => new Date(sec * 1000).toISOString();
      const v3found = await fetch(`${s.url}/jaeger/api/v3/traces?query.serviceName=lim&query.startTimeMin=${iso(nowS() - 600)}&query.startTimeMax=${iso(nowS() + 60)}`, h);
      assert.equal(v3found.status, 200, 'a v3 search sends an oversized trace cut');
      const v3spans = (await v3found.json()).result.resourceSpans.flatMap((r: { scopeSpans: { spans: unknown[] }[] }) => r.scopeSpans.flatMap((x) => x.spans));
      assert.equal(v3spans.length, n);
      const small = 'a1000000000000000000000000000007';
      assert.equal((await post(s, traceRequest(small, 2), 'big-jaeger')).status, 200);
      const whole = await (await fetch(`${s.url}/jaeger/api/traces/${small}`, h)).json();
      assert.equal(whole.errors, null, 'a trace within the limit has no warning');
      assert.equal((await fetch(`${s.url}/jaeger/api/v3/traces/${small}`, h)).status, 200);
    });

    test('search: range over MAX_SEARCH_DURATION, limit and spss over their maxima are 400s naming them', async () => {
      const end = nowS();
      const cases: [string, RegExp][] = [
        [`start=${end - 3 * 3600}&end=${end}`, /invalid start\/end: range specified by start and end exceeds 2h \(MAX_SEARCH_DURATION\)/],
        ['limit=51', /invalid limit: must be at most 50/],
        ['spss=11', /invalid spss: must be at most 10/],
      ];
      for (const [qs, re] of cases) {
        const res = await fetch(`${s.url}/api/search?q=%7B%7D&${qs}`);
        assert.equal(res.status, 400, qs);
        assert.match(await res.text(), re);
      }
      assert.equal((await fetch(`${s.url}/api/search?q=%7B%7D&start=${end - 7000}&end=${end}&limit=50&spss=10`)).status, 200);
    });

    if (driver === 'postgres') {
      test('QUERY_TIMEOUT: a statement past it is cancelled and reads as a 504, not a 500', async () => {
        const db = withStatementTimeout(s.deps.db, 100, 'test query');
        await assert.rejects(db.query('select pg_sleep(2)'), (e: Error & { status?: number }) => {
          assert.equal(e.status, 504);
          assert.match(e.message, /test query exceeded its time limit of 100ms \(QUERY_TIMEOUT\)/);
          return true;
        });
        const [row] = await s.deps.db.query<{ t: string }>("select current_setting('statement_timeout') as t");
        assert.equal(row.t, '0', 'the timeout stays inside its transaction');
      });
    }
  });
}
