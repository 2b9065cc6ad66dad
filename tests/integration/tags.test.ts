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
  });
}
