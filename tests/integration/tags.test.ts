// Tempo's tag APIs answered from the ingest-time dictionaries.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MAX_VALUES_PER_KEY } from '../../apps/api/src/ingest/tag-dictionary.ts';
import { type TestServer, startTestServer } from '../support/app.ts';
import { drivers } from '../support/databases.ts';
import { encodeRequestProto } from '../support/payloads.ts';

const nowS = Math.floor(Date.now() / 1000) - 60;
const hex = (h: string) => Buffer.from(h, 'hex');

function request(service: string, spans: { id: number; name: string; attrs: Record<string, unknown> }[], startS = nowS) {
  const value = (v: unknown) =>
    typeof v === 'string' ? { stringValue: v } : typeof v === 'boolean' ? { boolValue: v } : Number.isInteger(v) ? { intValue: String(v) } : Array.isArray(v) ? { arrayValue: { values: v.map((x) => ({ stringValue: x })) } } : { doubleValue: v };
  return encodeRequestProto({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }, { key: 'k8s.pod.name', value: { stringValue: `${service}-pod` } }] },
        scopeSpans: [
          {
            scope: { name: 'lib', version: '1.0' },
            spans: spans.map((s) => ({
              traceId: hex('f'.repeat(31) + (s.id % 10)),
              spanId: hex(s.id.toString(16).padStart(16, '0')),
              name: s.name,
              startTimeUnixNano: (BigInt(startS) * 1_000_000_000n).toString(),
              endTimeUnixNano: (BigInt(startS) * 1_000_000_000n + 1000n).toString(),
              attributes: Object.entries(s.attrs).map(([key, v]) => ({ key, value: value(v) })),
              events: [{ timeUnixNano: (BigInt(startS) * 1_000_000_000n).toString(), name: 'retry', attributes: [{ key: 'attempt', value: { intValue: '2' } }] }],
            })),
          },
        ],
      },
    ],
  });
}

for (const driver of drivers) {
  describe(`tag APIs on ${driver}`, () => {
    let server: TestServer;
    const get = async (path: string, tenant?: string) => {
      const res = await fetch(server.url + path, { headers: tenant ? { 'x-scope-orgid': tenant } : {} });
      return { status: res.status, body: res.status === 200 ? await res.json() : await res.text() };
    };
    before(async () => {
      server = await startTestServer(driver);
      const post = (body: Uint8Array<ArrayBuffer>, tenant?: string) =>
        fetch(`${server.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf', ...(tenant ? { 'x-scope-orgid': tenant } : {}) }, body });
      assert.equal((await post(request('cart', [{ id: 1, name: 'GET /cart', attrs: { 'http.request.method': 'GET', 'http.response.status_code': 200, 'app.ratio': 0.5, 'app.flag': true, 'app.tags': ['a', 'b'] } }]))).status, 200);
      assert.equal((await post(request('checkout', [{ id: 2, name: 'POST /checkout', attrs: { 'http.request.method': 'POST', 'http.response.status_code': 500 } }]))).status, 200);
      assert.equal((await post(request('secret', [{ id: 3, name: 'hidden op', attrs: { 'other.tenant.key': 'x' } }]), 'tenant-b')).status, 200);
      // A high-cardinality key: values stop at the cap, the name stays.
      const many = Array.from({ length: MAX_VALUES_PER_KEY + 50 }, (_, i) => ({ id: 100 + i, name: 'op', attrs: { 'request.id': `req-${i}` } }));
      assert.equal((await post(request('cart', many))).status, 200);
      await server.deps.tags.flush(server.deps.db);
    });
    after(() => server?.close());

    test('v1 tag names: span and resource attributes; intrinsic scope; invalid scope is a 400', async () => {
      const { body } = await get('/api/search/tags');
      for (const k of ['service.name', 'k8s.pod.name', 'http.request.method', 'http.response.status_code', 'app.tags', 'request.id']) assert.ok(body.tagNames.includes(k), k);
      assert.ok(!body.tagNames.includes('other.tenant.key'), 'no other tenant');
      assert.ok(!body.tagNames.includes('attempt'), 'event attributes are not in the default scopes');
      assert.deepEqual((await get('/api/search/tags?scope=resource')).body.tagNames, ['k8s.pod.name', 'service.name']);
      assert.ok((await get('/api/search/tags?scope=intrinsic')).body.tagNames.includes('span:duration'));
      const bad = await get('/api/search/tags?scope=nope');
      assert.equal(bad.status, 400);
      assert.match(bad.body, /invalid scope "nope"/);
    });

    test('v2 tag names by scope, with limit per scope and tenant isolation', async () => {
      const { body } = await get('/api/v2/search/tags');
      const byName = Object.fromEntries(body.scopes.map((s: { name: string; tags: string[] }) => [s.name, s.tags]));
      assert.deepEqual(Object.keys(byName).sort(), ['event', 'instrumentation', 'intrinsic', 'link', 'resource', 'span']);
      assert.deepEqual(byName.event, ['attempt']);
      assert.ok(byName.intrinsic.includes('rootServiceName'));
      const limited = await get('/api/v2/search/tags?scope=span&limit=2');
      assert.equal(limited.body.scopes.length, 1);
      assert.equal(limited.body.scopes[0].tags.length, 2);
      const b = await get('/api/v2/search/tags?scope=span', 'tenant-b');
      assert.deepEqual(b.body.scopes[0].tags, ['other.tenant.key']);
    });

    test('v1 tag values: strings, virtual status.code, double-encoded names, time windows', async () => {
      assert.deepEqual((await get('/api/search/tag/service.name/values')).body.tagValues, ['cart', 'checkout']);
      assert.deepEqual((await get('/api/search/tag/http.response.status_code/values')).body.tagValues, ['200', '500']);
      assert.deepEqual((await get('/api/search/tag/status.code/values')).body.tagValues, ['unset', 'ok', 'error']);
      assert.deepEqual((await get(`/api/search/tag/${encodeURIComponent(encodeURIComponent('http.request.method'))}/values`)).body.tagValues, ['GET', 'POST']);
      assert.deepEqual((await get('/api/search/tag/app.tags/values')).body.tagValues, ['a', 'b']);
      assert.deepEqual((await get('/api/search/tag/name/values')).body.tagValues.slice(0, 2), ['GET /cart', 'POST /checkout']);
      const old = await get(`/api/search/tag/service.name/values?start=${nowS - 7200}&end=${nowS - 3600}`);
      assert.deepEqual(old.body.tagValues, []);
      const inWindow = await get(`/api/search/tag/service.name/values?start=${nowS - 10}&end=${nowS + 10}`);
      assert.deepEqual(inWindow.body.tagValues, ['cart', 'checkout']);
      const capped = await get('/api/search/tag/request.id/values?limit=100000');
      assert.equal(capped.body.tagValues.length, MAX_VALUES_PER_KEY);
      assert.equal((await get('/api/search/tag/x/values?limit=abc')).status, 400);
    });

    test('v2 tag values: typed values by TraceQL identifier, keywords for enums, 400 for bad identifiers', async () => {
      const v = async (ident: string) => (await get(`/api/v2/search/tag/${encodeURIComponent(encodeURIComponent(ident))}/values`)).body;
      assert.deepEqual((await v('resource.service.name')).tagValues, [
        { type: 'string', value: 'cart' },
        { type: 'string', value: 'checkout' },
      ]);
      assert.deepEqual((await v('span.http.response.status_code')).tagValues, [
        { type: 'int', value: '200' },
        { type: 'int', value: '500' },
      ]);
      assert.deepEqual((await v('.app.ratio')).tagValues, [{ type: 'float', value: '0.5' }]);
      assert.deepEqual((await v('.app.flag')).tagValues, [{ type: 'bool', value: 'true' }]);
      assert.deepEqual((await v('event.attempt')).tagValues, [{ type: 'int', value: '2' }]);
      assert.deepEqual((await v('resource.http.request.method')).tagValues, [], 'scoped lookups stay in their scope');
      assert.deepEqual((await v('span:status')).tagValues.map((x: { value: string }) => x.value), ['ok', 'error', 'unset']);
      assert.equal((await v('kind')).tagValues[0].type, 'keyword');
      assert.deepEqual((await v('trace:rootService')).tagValues.map((x: { value: string }) => x.value), ['cart', 'checkout']);
      assert.deepEqual((await v('event:name')).tagValues, [{ type: 'string', value: 'retry' }]);
      assert.deepEqual((await v('duration')).tagValues, []);
      const bad = await get('/api/v2/search/tag/span.foo%20bar%7B/values');
      assert.equal(bad.status, 400);
      assert.match(bad.body, /invalid tag/);
      const b = await get('/api/v2/search/tag/resource.service.name/values', 'tenant-b');
      assert.deepEqual(b.body.tagValues, [{ type: 'string', value: 'secret' }]);
    });

    test('v2 tag values with q: only values on spans matching the filter; trivial or unparsable q filters nothing', async () => {
      const v = async (ident: string, q?: string, extra = '') =>
        get(`/api/v2/search/tag/${encodeURIComponent(ident)}/values?${q === undefined ? '' : `q=${encodeURIComponent(q)}`}${extra}`);
      const values = (r: { body: { tagValues: { value: string }[] } }) => r.body.tagValues.map((x) => x.value);
      assert.deepEqual((await v('resource.service.name', '{ span.http.request.method = "POST" }')).body.tagValues, [{ type: 'string', value: 'checkout' }]);
      assert.deepEqual(values(await v('span.http.request.method', '{ resource.service.name = "cart" }')), ['GET']);
      assert.deepEqual((await v('span.http.response.status_code', '{ .http.request.method = "GET" }')).body.tagValues, [{ type: 'int', value: '200' }]);
      assert.deepEqual(values(await v('.app.tags', '{ name = "GET /cart" }')), ['a', 'b'], 'arrays list their elements');
      assert.deepEqual((await v('event.attempt', '{ name = "POST /checkout" }')).body.tagValues, [{ type: 'int', value: '2' }]);
      assert.deepEqual(values(await v('name', '{ resource.service.name = "checkout" }')), ['POST /checkout']);
      assert.deepEqual(values(await v('instrumentation:name', '{ resource.service.name = "checkout" }')), ['lib']);
      assert.deepEqual((await v('resource.service.name', '{ name = "no such span" }')).body.tagValues, []);
      assert.deepEqual(values(await v('resource.service.name', '{ status = error }')), []);
      assert.deepEqual(values(await v('resource.service.name', '{ span.http.response.status_code >= 500 }', `&start=${nowS - 10}&end=${nowS + 10}`)), ['checkout']);
      assert.deepEqual(values(await v('resource.service.name', '{ span.http.response.status_code >= 500 }', `&start=${nowS - 7200}&end=${nowS - 3600}`)), [], 'window applies');
      assert.deepEqual(values(await v('resource.service.name', '{ span.http.response.status_code >= 200 }', '&limit=1')), ['cart']);
      for (const trivial of ['', '{}', '{ true }', '{ resource.service.name = }', '{ } | rate()']) {
        assert.deepEqual(values(await v('resource.service.name', trivial)), ['cart', 'checkout'], `q=${trivial}`);
      }
      assert.deepEqual(values(await v('resource.service.name', '{ }', '')), ['cart', 'checkout']);
      const other = await get(`/api/v2/search/tag/resource.service.name/values?q=${encodeURIComponent('{ name = "hidden op" }')}`, 'tenant-b');
      assert.deepEqual(other.body.tagValues, [{ type: 'string', value: 'secret' }]);
      const mine = await get(`/api/v2/search/tag/resource.service.name/values?q=${encodeURIComponent('{ name = "hidden op" }')}`);
      assert.deepEqual(mine.body.tagValues, [], 'no other tenant');
    });

    test('bad parameters of every tag endpoint are 400s with a message', async () => {
      const paths = ['/api/search/tags', '/api/v2/search/tags', '/api/search/tag/service.name/values', '/api/v2/search/tag/resource.service.name/values'];
      const cases: [string, RegExp][] = [
        ['limit=abc', /invalid limit/],
        ['limit=-1', /invalid limit/],
        [`start=${nowS}`, /start and end must be given together/],
        [`end=${nowS}`, /start and end must be given together/],
        [`start=${nowS}&end=${nowS - 10}`, /must be after start/],
        [`start=abc&end=${nowS}`, /invalid start/],
        [`start=${nowS}&end=soon`, /invalid end/],
      ];
      for (const path of paths) {
        for (const [qs, re] of cases) {
          const r = await get(`${path}?${qs}`);
          assert.equal(r.status, 400, `${path}?${qs}: ${JSON.stringify(r.body)}`);
          assert.match(r.body, re, `${path}?${qs}`);
        }
      }
      for (const path of ['/api/search/tags?scope=spans', '/api/v2/search/tags?scope=Resource']) {
        const r = await get(path);
        assert.equal(r.status, 400, path);
        assert.match(r.body, /invalid scope/);
      }
      for (const ident of ['span.', 'parent.foo', '{ .a }', 'span.a = 1']) {
        const r = await get(`/api/v2/search/tag/${encodeURIComponent(encodeURIComponent(ident))}/values`);
        assert.equal(r.status, 400, ident);
        assert.match(r.body, /invalid tag|parent/, ident);
      }
    });
  });
}
