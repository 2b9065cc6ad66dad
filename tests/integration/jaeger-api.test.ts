// Jaeger's classic query API under /jaeger: every endpoint and parameter, the envelope, and the
// trace model field by field (reference jaeger-api-and-ui.md §1.2-1.7), on Postgres and PGlite.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { encodeTracesDataProto } from '@tracegres/otlp';
import { type TestServer, startTestServer } from '../support/app.ts';
import { drivers } from '../support/databases.ts';
import { A, B, baseMs, expectedA, traceA, traceB, us } from '../support/jaeger-fixtures.ts';

/** Spans in a stable order (storage order is by start time, grouped by resource). */
function bySpanId<T extends { spans: { spanID: string }[] }>(t: T): T {
  return { ...t, spans: [...t.spans].sort((a, b) => (a.spanID < b.spanID ? -1 : 1)) };
}

for (const driver of drivers) {
  describe(`Jaeger classic API (${driver})`, () => {
    let server: TestServer;
    const get = async (path: string, headers: Record<string, string> = {}) => {
      const res = await server.app.request(`/jaeger${path}`, { headers });
      const text = await res.text();
      return { status: res.status, type: res.headers.get('content-type'), text, body: JSON.parse(text) };
    };

    before(async () => {
      server = await startTestServer(driver);
      for (const td of [traceA, traceB]) {
        const res = await server.app.request('/v1/traces', {
          method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: encodeTracesDataProto(td),
        });
        assert.equal(res.status, 200, await res.text());
      }
    });
    after(() => server?.close());

    test('trace by id: the envelope and the model, field by field', async () => {
      const r = await get(`/api/traces/${A.slice(16)}`);
      assert.equal(r.status, 200);
      assert.equal(r.type, 'application/json');
      assert.deepEqual(Object.keys(r.body), ['data', 'total', 'limit', 'offset', 'errors']);
      assert.equal(r.body.total, 0);
      assert.equal(r.body.limit, 0);
      assert.equal(r.body.offset, 0);
      assert.equal(r.body.errors, null);
      assert.equal(r.body.data.length, 1);
      const got = r.body.data[0];
      assert.deepEqual(Object.keys(got), ['traceID', 'spans', 'processes', 'warnings']);
      const want = expectedA();
      // Process ids follow the order spans are returned in: map them before comparing.
      const byService = new Map(Object.entries(got.processes as Record<string, { serviceName: string }>).map(([id, p]) => [id, p.serviceName]));
      const wantService = new Map(Object.entries(want.processes).map(([id, p]) => [id, p.serviceName]));
      for (const sp of got.spans) sp.processID = byService.get(sp.processID);
      for (const sp of want.spans) sp.processID = wantService.get(sp.processID)!;
      assert.deepEqual(Object.values(got.processes).sort((a: any, b: any) => (a.serviceName < b.serviceName ? -1 : 1)), Object.values(want.processes).sort((a, b) => (a.serviceName < b.serviceName ? -1 : 1)));
      assert.equal(Object.keys(got.processes).join(), ['p1', 'p2', 'p3'].join());
      assert.deepEqual(bySpanId({ ...got, processes: {} }), bySpanId({ ...want, processes: {} }));
      // Key order of a span as Jaeger writes it.
      const root = got.spans.find((x: { spanID: string }) => x.spanID === '00000000000000f1');
      assert.deepEqual(Object.keys(root), ['traceID', 'spanID', 'flags', 'operationName', 'references', 'startTime', 'duration', 'tags', 'logs', 'processID', 'warnings']);
    });

    test('raw=true skips the adjusters: stored order, no warnings', async () => {
      const r = await get(`/api/traces/${A}?raw=true`);
      const root = r.body.data[0].spans.find((x: { spanID: string }) => x.spanID === '00000000000000f1');
      // Attributes come back in storage order (not sorted), the same set as adjusted.
      const keys = root.tags.map((t: { key: string }) => t.key);
      assert.deepEqual([...keys].sort(), expectedA().spans[0].tags.map((t) => t.key).sort());
      assert.deepEqual(root.logs.map((l: { fields: { value: string }[] }) => l.fields[0].value), ['retry', 'custom']);
      const late = r.body.data[0].spans.find((x: { spanID: string }) => x.spanID === '00000000000000d2');
      assert.equal(late.warnings, null);
    });

    test('a 128-bit trace id, a resource without service.name, prettyPrint', async () => {
      const r = await get(`/api/traces/${B.toUpperCase()}?prettyPrint=true`);
      assert.equal(r.status, 200);
      assert.match(r.text, /^\{\n {4}"data": \[/);
      const t = r.body.data[0];
      assert.equal(t.traceID, B);
      const names = Object.values(t.processes as Record<string, { serviceName: string }>).map((p) => p.serviceName).sort();
      assert.deepEqual(names, ['frontend', 'unknown_service']);
    });

    test('unknown and malformed trace ids', async () => {
      const r = await get('/api/traces/0123456789abcdef');
      assert.equal(r.status, 404);
      assert.deepEqual(r.body, { data: null, total: 0, limit: 0, offset: 0, errors: [{ code: 404, msg: 'trace not found' }] });
      const bad = await get('/api/traces/not-a-trace-id!');
      assert.equal(bad.status, 400);
      assert.equal(bad.body.data, null);
      assert.equal(bad.body.errors[0].code, 400);
      assert.match(bad.body.errors[0].msg, /traceID.*hex/);
      const tooLong = await get(`/api/traces/${'a'.repeat(33)}`);
      assert.equal(tooLong.status, 400);
    });

    test('base64 trace ids and several ids at once (path and ?traceID=)', async () => {
      const b64 = Buffer.from(B, 'hex').toString('base64url');
      assert.equal((await get(`/api/traces/${b64}`)).body.data[0].traceID, B);
      const both = await get(`/api/traces/${A},${B}`);
      assert.deepEqual(both.body.data.map((t: { traceID: string }) => t.traceID).sort(), [A.slice(16), B].sort());
      const some = await get(`/api/traces?traceID=${A}&traceID=00000000000000000000000000000abc`);
      assert.equal(some.status, 200);
      assert.deepEqual(some.body.data.map((t: { traceID: string }) => t.traceID), [A.slice(16)]);
      assert.deepEqual(some.body.errors, [{ msg: 'trace not found', traceID: '0000000000000abc' }]);
    });

    test('start/end (µs) narrow a trace-by-id lookup', async () => {
      const later = us(3 * 86_400_000);
      assert.equal((await get(`/api/traces/${A}?start=${later}&end=${later + 1_000_000}`)).status, 404);
      assert.equal((await get(`/api/traces/${A}?start=${us(-60_000)}&end=${us(60_000)}`)).status, 200);
      assert.equal((await get(`/api/traces/${A}?start=yesterday`)).status, 400);
    });

    test('services and operations', async () => {
      const svc = await get('/api/services');
      assert.deepEqual(svc.body, { data: ['backend', 'db', 'frontend', 'unknown_service'], total: 4, limit: 0, offset: 0, errors: null });
      const legacy = await get('/api/services/db/operations');
      assert.deepEqual(legacy.body.data, ['SELECT card', 'SELECT late']);
      assert.equal(legacy.body.total, 2);
      const enc = await get(`/api/services/${encodeURIComponent('frontend')}/operations`);
      assert.deepEqual(enc.body.data, ['GET /checkout', 'GET /home']);
      const all = await get('/api/operations?service=backend');
      assert.deepEqual(all.body.data, [{ name: 'charge', spanKind: 'client' }, { name: 'validate', spanKind: 'internal' }]);
      assert.equal(all.body.total, 2);
      const client = await get('/api/operations?service=db&spanKind=client');
      assert.deepEqual(client.body.data, [{ name: 'SELECT card', spanKind: 'client' }]);
      const unspecified = await get('/api/operations?service=db');
      assert.deepEqual(unspecified.body.data, [{ name: 'SELECT card', spanKind: 'client' }, { name: 'SELECT late', spanKind: '' }]);
      const none = await get('/api/operations');
      assert.equal(none.status, 400);
      assert.deepEqual(none.body.errors, [{ code: 400, msg: "parameter 'service' is required" }]);
      const badKind = await get('/api/operations?service=db&spanKind=sideways');
      assert.equal(badKind.status, 400);
      assert.match(badKind.body.errors[0].msg, /sideways/);
      const otherTenant = await get('/api/services', { 'x-scope-orgid': 'nobody' });
      assert.deepEqual(otherTenant.body.data, []);
    });

    const ids = (r: { body: { data: { traceID: string }[] } }) => r.body.data.map((t) => t.traceID).sort();
    const window = `start=${us(-60_000)}&end=${us(60_000)}`;

    test('search by service, operation, tags, durations, limit and window', async () => {
      assert.deepEqual(ids(await get(`/api/traces?service=frontend&${window}`)), [A.slice(16), B].sort());
      assert.deepEqual(ids(await get(`/api/traces?service=frontend`)), [A.slice(16), B].sort(), 'default window: the last 2 days');
      assert.deepEqual(ids(await get(`/api/traces?service=db&operation=SELECT%20card&${window}`)), [A.slice(16)]);
      assert.deepEqual(ids(await get(`/api/traces?service=db&operation=GET%20%2Fhome&${window}`)), []);
      const tags = (o: Record<string, string>) => encodeURIComponent(JSON.stringify(o));
      assert.deepEqual(ids(await get(`/api/traces?service=frontend&tags=${tags({ 'http.response.status_code': '200' })}&${window}`)), [B]);
      assert.deepEqual(ids(await get(`/api/traces?service=frontend&tags=${tags({ error: 'true' })}&${window}`)), [A.slice(16)]);
      assert.deepEqual(ids(await get(`/api/traces?tags=${tags({ 'span.kind': 'internal' })}&${window}`)), [A.slice(16)]);
      // Resource (process) tags match too; all tags must hold on one span.
      assert.deepEqual(ids(await get(`/api/traces?tags=${tags({ 'db.system.name': 'postgresql', rows: '1' })}&${window}`)), [A.slice(16)]);
      assert.deepEqual(ids(await get(`/api/traces?tags=${tags({ 'db.system.name': 'postgresql', 'http.request.method': 'GET' })}&${window}`)), []);
      assert.deepEqual(ids(await get(`/api/traces?tag=http.request.method:GET&tag=app.ok:false&${window}`)), [A.slice(16)]);
      assert.deepEqual(ids(await get(`/api/traces?service=frontend&minDuration=50ms&${window}`)), [A.slice(16)]);
      assert.deepEqual(ids(await get(`/api/traces?service=frontend&maxDuration=5ms&${window}`)), [B]);
      assert.deepEqual(ids(await get(`/api/traces?service=frontend&minDuration=1ms&maxDuration=1.5s&${window}`)), [A.slice(16), B].sort());
      assert.equal((await get(`/api/traces?service=frontend&limit=1&${window}`)).body.data.length, 1);
      assert.deepEqual(ids(await get(`/api/traces?service=frontend&start=${us(500)}&end=${us(60_000)}`)), [B]);
      assert.deepEqual(ids(await get(`/api/traces?service=frontend&end=${us(60_000)}&lookback=1h`)), [A.slice(16), B].sort());
      const full = await get(`/api/traces?service=db&operation=SELECT%20card&${window}`);
      assert.equal(full.body.data[0].spans.length, 5, 'search returns whole traces');
      assert.equal(full.body.errors, null);
    });

    test('search parameter errors name the parameter', async () => {
      const cases: [string, RegExp][] = [
        ['minDuration=fast', /minDuration/],
        ['minDuration=2s&maxDuration=1s', /'maxDuration' should be greater than 'minDuration'/],
        ['limit=-1', /limit/],
        ['limit=100000', /limit.*at most/],
        ['start=abc', /start/],
        ['tags=%7Bnot%20json', /malformed 'tags' parameter/],
        ['tags=%7B%22a%22%3A1%7D', /must be a string/],
        ['tag=novalue', /expecting key:value/],
        ['raw=maybe', /raw/],
        ['traceID=xyz!', /traceID/],
      ];
      for (const [qs, re] of cases) {
        const r = await get(`/api/traces?service=frontend&${qs}`);
        assert.equal(r.status, 400, qs);
        assert.equal(r.body.data, null);
        assert.equal(r.body.errors[0].code, 400);
        assert.match(r.body.errors[0].msg, re, qs);
      }
    });

    test('dependencies: endTs and lookback in ms, service filter', async () => {
      const endTs = Math.floor(baseMs + 60_000);
      const r = await get(`/api/dependencies?endTs=${endTs}&lookback=3600000`);
      assert.deepEqual(r.body, {
        data: [{ parent: 'backend', child: 'db', callCount: 1 }, { parent: 'frontend', child: 'backend', callCount: 2 }, { parent: 'frontend', child: 'unknown_service', callCount: 1 }],
        total: 0, limit: 0, offset: 0, errors: null,
      });
      assert.deepEqual((await get(`/api/dependencies?endTs=${endTs}&lookback=3600000&service=db`)).body.data, [{ parent: 'backend', child: 'db', callCount: 1 }]);
      assert.equal((await get(`/api/dependencies`)).body.data.length, 3, 'defaults: now, 24h back');
      assert.deepEqual((await get(`/api/dependencies?endTs=${endTs - 3_600_000}&lookback=1000`)).body.data, []);
      const bad = await get('/api/dependencies?lookback=1h');
      assert.equal(bad.status, 400);
      assert.match(bad.body.errors[0].msg, /lookback/);
    });
  });
}
