// Browser ingest on /v1/traces: CORS for configured origins (preflight, credentials, headers on
// every answer including errors), and public ingest keys that work only from their own origins.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { type TestServer, startTestServer } from '../support/app.ts';
import { drivers } from '../support/databases.ts';
import { encodeRequestJson, everyFieldRequest } from '../support/payloads.ts';

const SHOP = 'https://shop.example';
const BLOG = 'https://blog.example';
const recent = () => Math.floor(Date.now() / 1000) - 600;

for (const driver of drivers) {
  describe(`RUM CORS and ingest keys (${driver})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(driver, {
        CORS_ALLOWED_ORIGINS: `${SHOP}, https://*.cdn.example`,
        RUM_INGEST_KEYS: `pk_blog_12345=blog-tenant@${BLOG}|http://localhost:5173`,
      });
    });
    after(() => server?.close());

    const send = (headers: Record<string, string>, body?: string, query = '') =>
      server.app.request(`/v1/traces${query}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: body ?? encodeRequestJson(everyFieldRequest(randomBytes(16).toString('hex'), recent())) });
    const preflight = (origin: string, reqHeaders = 'content-type') =>
      server.app.request('/v1/traces', { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': reqHeaders } });

    test('preflight from an allowed origin: 204 with the CORS answer', async () => {
      for (const origin of [SHOP, 'https://img.cdn.example', BLOG]) {
        const res = await preflight(origin, 'content-type,x-ingest-key');
        assert.equal(res.status, 204, origin);
        assert.equal(res.headers.get('access-control-allow-origin'), origin);
        assert.equal(res.headers.get('access-control-allow-credentials'), 'true');
        assert.match(res.headers.get('access-control-allow-methods')!, /POST/);
        assert.equal(res.headers.get('access-control-allow-headers'), 'content-type,x-ingest-key');
        assert.equal(res.headers.get('access-control-max-age'), '7200');
        assert.equal(res.headers.get('vary'), 'Origin');
      }
    });

    test('preflight and POST from another origin are refused; nothing is stored', async () => {
      const pre = await preflight('https://evil.example');
      assert.equal(pre.status, 403);
      assert.equal(pre.headers.get('access-control-allow-origin'), null);
      const traceId = randomBytes(16).toString('hex');
      const res = await send({ origin: 'https://evil.example' }, encodeRequestJson(everyFieldRequest(traceId, recent())));
      assert.equal(res.status, 403);
      assert.equal(res.headers.get('access-control-allow-origin'), null);
      assert.equal((await server.app.request(`/api/traces/${traceId}`)).status, 404);
      assert.equal((await send({ origin: 'https://cdn.example' })).status, 403, 'the wildcard needs a subdomain');
    });

    test('POST from an allowed origin: stored, CORS headers on success and on errors', async () => {
      const traceId = randomBytes(16).toString('hex');
      const ok = await send({ origin: SHOP }, encodeRequestJson(everyFieldRequest(traceId, recent())));
      assert.equal(ok.status, 200);
      assert.equal(ok.headers.get('access-control-allow-origin'), SHOP);
      assert.equal(ok.headers.get('access-control-allow-credentials'), 'true');
      assert.equal((await server.app.request(`/api/traces/${traceId}`)).status, 200);
      const bad = await send({ origin: SHOP }, '{"resourceSpans": 5}');
      assert.equal(bad.status, 400);
      assert.equal(bad.headers.get('access-control-allow-origin'), SHOP);
      const unsupported = await send({ origin: SHOP, 'content-type': 'image/png' }, 'x');
      assert.equal(unsupported.status, 415);
      assert.equal(unsupported.headers.get('access-control-allow-origin'), SHOP);
    });

    test('requests without an Origin (servers, the Collector) are untouched', async () => {
      const res = await send({});
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('access-control-allow-origin'), null);
    });

    test('an ingest key sends spans to its tenant, from its own origins only', async () => {
      const traceId = randomBytes(16).toString('hex');
      const res = await send({ origin: BLOG, 'x-ingest-key': 'pk_blog_12345', 'x-scope-orgid': 'someone-else' }, encodeRequestJson(everyFieldRequest(traceId, recent())));
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('access-control-allow-origin'), BLOG);
      assert.equal((await server.app.request(`/api/traces/${traceId}`, { headers: { 'x-scope-orgid': 'blog-tenant' } })).status, 200);
      assert.equal((await server.app.request(`/api/traces/${traceId}`, { headers: { 'x-scope-orgid': 'someone-else' } })).status, 404);
      const viaQuery = await send({ origin: 'http://localhost:5173' }, undefined, '?ingestKey=pk_blog_12345');
      assert.equal(viaQuery.status, 200);

      const wrongOrigin = await send({ origin: SHOP, 'x-ingest-key': 'pk_blog_12345' });
      assert.equal(wrongOrigin.status, 403);
      assert.match(JSON.parse(await wrongOrigin.text()).message, /not allowed from origin/);
      const unknown = await send({ origin: BLOG, 'x-ingest-key': 'pk_nope_00000' });
      assert.equal(unknown.status, 401);
      assert.equal(unknown.headers.get('access-control-allow-origin'), BLOG);
      const noOrigin = await send({ 'x-ingest-key': 'pk_blog_12345' });
      assert.equal(noOrigin.status, 401);
      // A page of the blog without the key is not one of the keyless origins.
      assert.equal((await send({ origin: BLOG })).status, 403);
    });
  });
}
