// Bearer tokens per tenant for ingest (OTLP/HTTP, OTLP/gRPC, Zipkin) and for the query APIs
// (Tempo, Jaeger, metrics, UI data); browser ingest keys still work without one; probes stay
// open. And multi-tenancy mode: no X-Scope-OrgID is Tempo's 401 "no org id".
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { encodeRequestJson, encodeRequestProto, everyFieldRequest } from '../support/payloads.ts';
import { ConfigError, parseConfig } from '../../apps/api/src/config.ts';
import { constantTimeEqual, findBearerToken, parseBearerTokens } from '../../apps/api/src/auth/tokens.ts';
import { grpcExportHandler } from '../../apps/api/src/ingest/grpc-export.ts';
import { nodeRuntime } from '../../apps/api/src/runtime/node.ts';
import type { Listener } from '../../apps/api/src/runtime/types.ts';
import { type TestServer, startTestServer } from '../support/app.ts';
import { drivers } from '../support/databases.ts';

const QUERY_ACME = 'qry_acme_0123456789abcdef';
const QUERY_ANY = 'qry_any_0123456789abcdefXY';
const INGEST_ACME = 'ing_acme_0123456789abcdef';
const INGEST_ANY = 'ing_any_0123456789abcdefXY';
const BLOG = 'https://blog.example';
const recent = () => Math.floor(Date.now() / 1000) - 600;
const PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

function grpcCall(address: string, message: Uint8Array, md: Record<string, string>): Promise<{ code: number; details: string }> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  for (const [k, v] of Object.entries(md)) metadata.set(k, v);
  return new Promise((resolve) => {
    client.makeUnaryRequest(PATH, (b: Buffer) => b, (b: Buffer) => b, Buffer.from(message), metadata, (err) => {
      client.close();
      resolve(err ? { code: err.code, details: err.details } : { code: 0, details: '' });
    });
  });
}

const newTrace = () => randomBytes(16).toString('hex');
const otlpJson = (traceId: string) => encodeRequestJson(everyFieldRequest(traceId, recent()));

for (const driver of drivers) {
  describe(`bearer tokens (${driver})`, () => {
    let server: TestServer;
    let grpcListener: Listener;
    let grpcAddress: string;
    before(async () => {
      server = await startTestServer(driver, {
        QUERY_TOKENS: `${QUERY_ACME}=acme-corp ${QUERY_ANY}=*`,
        INGEST_TOKENS: `${INGEST_ACME}=acme-corp,${INGEST_ANY}=*`,
        RUM_INGEST_KEYS: `pk_blog_12345=blog-tenant@${BLOG}`,
      });
      grpcListener = await nodeRuntime.serveGrpc!(grpcExportHandler(server.deps), 0, '127.0.0.1', server.deps.config.ingestMaxBodyBytes);
      grpcAddress = `127.0.0.1:${grpcListener.port}`;
    });
    after(async () => {
      await grpcListener?.close();
      await server?.close();
    });

    const post = (path: string, body: string | Uint8Array<ArrayBuffer>, headers: Record<string, string>) =>
      fetch(server.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    const get = (path: string, headers: Record<string, string> = {}) => fetch(server.url + path, { headers });
    /** Where a trace landed: the tenant whose query token finds it, if any. */
    const tenantOfTrace = async (traceId: string): Promise<string | undefined> => {
      for (const tenant of ['acme-corp', 'globex', 'single-tenant', 'blog-tenant']) {
        if ((await get(`/api/traces/${traceId}`, { ...bearer(QUERY_ANY), 'x-scope-orgid': tenant })).status === 200) return tenant;
      }
      return undefined;
    };

    test('OTLP/HTTP ingest: 401 with a challenge without a valid ingest token, in OTLP error shape', async () => {
      const missing = await post('/v1/traces', otlpJson(newTrace()), {});
      assert.equal(missing.status, 401);
      assert.equal(missing.headers.get('www-authenticate'), 'Bearer realm="tracegres"');
      assert.match((await missing.json()).message, /missing bearer token/);
      const wrong = await post('/v1/traces', otlpJson(newTrace()), bearer('ing_acme_0123456789abcdeX'));
      assert.equal(wrong.status, 401);
      assert.equal(wrong.headers.get('www-authenticate'), 'Bearer realm="tracegres", error="invalid_token"');
      assert.equal((await post('/v1/traces', otlpJson(newTrace()), bearer(QUERY_ANY))).status, 401, 'a query token does not ingest');
      assert.equal((await post('/v1/traces', otlpJson(newTrace()), { authorization: `Basic ${btoa(`x:${INGEST_ANY}`)}` })).status, 401);
      const proto = await post('/v1/traces', encodeRequestProto(everyFieldRequest(newTrace(), recent())), { 'content-type': 'application/x-protobuf' });
      assert.equal(proto.status, 401);
      assert.match(proto.headers.get('content-type')!, /protobuf/, 'a protobuf sender gets a protobuf Status');
    });

    test('OTLP/HTTP ingest: a tenant token names its tenant, and cannot write to another', async () => {
      const mine = newTrace();
      assert.equal((await post('/v1/traces', otlpJson(mine), bearer(INGEST_ACME))).status, 200);
      assert.equal(await tenantOfTrace(mine), 'acme-corp');
      const other = newTrace();
      const forbidden = await post('/v1/traces', otlpJson(other), { ...bearer(INGEST_ACME), 'x-scope-orgid': 'globex' });
      assert.equal(forbidden.status, 403);
      assert.match((await forbidden.json()).message, /for tenant "acme-corp", not "globex"/);
      assert.equal(await tenantOfTrace(other), undefined, 'nothing stored');
      assert.equal((await post('/v1/traces', otlpJson(other), { ...bearer(INGEST_ACME), 'x-scope-orgid': 'acme-corp' })).status, 200);
      const anyTenant = newTrace();
      assert.equal((await post('/v1/traces', otlpJson(anyTenant), { ...bearer(INGEST_ANY), 'x-scope-orgid': 'globex' })).status, 200);
      assert.equal(await tenantOfTrace(anyTenant), 'globex');
    });

    test('Zipkin ingest needs the token too', async () => {
      const id = randomBytes(8).toString('hex');
      const spans = JSON.stringify([{ traceId: id, id, name: 'zipkin-span', timestamp: recent() * 1e6, duration: 1000, localEndpoint: { serviceName: 'zip' } }]);
      const missing = await post('/api/v2/spans', spans, {});
      assert.equal(missing.status, 401);
      assert.equal(missing.headers.get('www-authenticate'), 'Bearer realm="tracegres"');
      assert.equal((await post('/api/v2/spans', spans, bearer(INGEST_ACME))).status, 202);
      assert.equal(await tenantOfTrace(id.padStart(32, '0')), 'acme-corp');
    });

    test('OTLP/gRPC ingest: the token in `authorization` metadata; UNAUTHENTICATED and PERMISSION_DENIED', async () => {
      const message = (traceId: string) => encodeRequestProto(everyFieldRequest(traceId, recent()));
      assert.equal((await grpcCall(grpcAddress, message(newTrace()), {})).code, grpc.status.UNAUTHENTICATED);
      assert.equal((await grpcCall(grpcAddress, message(newTrace()), bearer('nope_0123456789abcdef'))).code, grpc.status.UNAUTHENTICATED);
      const denied = await grpcCall(grpcAddress, message(newTrace()), { ...bearer(INGEST_ACME), 'x-scope-orgid': 'globex' });
      assert.equal(denied.code, grpc.status.PERMISSION_DENIED, denied.details);
      const ok = newTrace();
      assert.equal((await grpcCall(grpcAddress, message(ok), bearer(INGEST_ACME))).code, 0);
      assert.equal(await tenantOfTrace(ok), 'acme-corp');
    });

    test('a browser ingest key needs no bearer token and writes to its own tenant only', async () => {
      const traceId = newTrace();
      const res = await post('/v1/traces', otlpJson(traceId), { origin: BLOG, 'x-ingest-key': 'pk_blog_12345', 'x-scope-orgid': 'acme-corp' });
      assert.equal(res.status, 200);
      assert.equal(await tenantOfTrace(traceId), 'blog-tenant');
      const badKey = await post('/v1/traces', otlpJson(newTrace()), { origin: BLOG, 'x-ingest-key': 'pk_wrong_12345' });
      assert.equal(badKey.status, 401);
    });

    test('every query API: 401 without a token, each in its protocol shape; an ingest token does not query', async () => {
      const paths = [
        '/api/traces/0123456789abcdef0123456789abcdef', '/api/v2/traces/0123456789abcdef0123456789abcdef', '/api/search',
        '/api/search/tags', '/api/search/tags?scope=intrinsic', '/api/v2/search/tags', '/api/search/tag/service.name/values',
        '/api/v2/search/tag/resource.service.name/values', '/api/v2/search/tag/span:status/values',
        `/api/metrics/query_range?q=${encodeURIComponent('{} | rate()')}`, `/api/metrics/query?q=${encodeURIComponent('{} | rate()')}`,
        '/metrics/generator', '/jaeger/api/services', '/jaeger/api/dependencies', '/jaeger/api/v3/services',
        '/api/ui/service-graph', '/api/ui/monitor/services', '/api/does-not-exist',
      ];
      for (const path of paths) {
        const res = await get(path);
        assert.equal(res.status, 401, path);
        assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="tracegres"', path);
        const body = await res.text();
        if (path.startsWith('/jaeger/api/v3/')) assert.equal(JSON.parse(body).error.httpCode, 401, path);
        else if (path.startsWith('/jaeger/')) assert.equal(JSON.parse(body).errors[0].code, 401, path);
        else assert.match(body, /missing bearer token/, path);
        assert.equal((await get(path, bearer(INGEST_ANY))).status, 401, `${path} with an ingest token`);
        assert.notEqual((await get(path, bearer(QUERY_ANY))).status, 401, `${path} with a query token`);
      }
    });

    test('a query token reads its own tenant, is refused another (403), and * reads the one named', async () => {
      const acme = newTrace();
      const globex = newTrace();
      assert.equal((await post('/v1/traces', otlpJson(acme), bearer(INGEST_ACME))).status, 200);
      assert.equal((await post('/v1/traces', otlpJson(globex), { ...bearer(INGEST_ANY), 'x-scope-orgid': 'globex' })).status, 200);
      assert.equal((await get(`/api/traces/${acme}`, bearer(QUERY_ACME))).status, 200, 'the token names its tenant');
      assert.equal((await get(`/api/traces/${globex}`, bearer(QUERY_ACME))).status, 404);
      const cross = await get(`/api/traces/${globex}`, { ...bearer(QUERY_ACME), 'x-scope-orgid': 'globex' });
      assert.equal(cross.status, 403);
      assert.match(await cross.text(), /for tenant "acme-corp"/);
      const jaeger = await get('/jaeger/api/services', { ...bearer(QUERY_ACME), 'x-scope-orgid': 'globex' });
      assert.equal(jaeger.status, 403);
      assert.equal((await jaeger.json()).errors[0].code, 403);
      assert.equal((await get(`/api/traces/${globex}`, { ...bearer(QUERY_ANY), 'x-scope-orgid': 'globex' })).status, 200);
      assert.equal((await get(`/api/traces/${acme}`, bearer(QUERY_ANY))).status, 404, 'no header: single-tenant');
      assert.equal((await get(`/api/traces/${acme}`, { authorization: `bearer ${QUERY_ACME}` })).status, 200, 'the scheme is case-insensitive');
    });

    test('probes, self-metrics, the web UI and CORS preflights stay open', async () => {
      for (const path of ['/ready', '/api/echo', '/api/status/buildinfo', '/metrics', '/', '/search']) {
        assert.equal((await get(path)).status, 200, path);
      }
      const pre = await fetch(`${server.url}/v1/traces`, { method: 'OPTIONS', headers: { origin: BLOG, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' } });
      assert.equal(pre.status, 204);
    });
  });

  describe(`multi-tenancy mode (${driver})`, () => {
    let server: TestServer;
    let grpcListener: Listener;
    before(async () => {
      server = await startTestServer(driver, { MULTITENANCY_ENABLED: 'true', QUERY_TOKENS: `${QUERY_ACME}=acme-corp` });
      grpcListener = await nodeRuntime.serveGrpc!(grpcExportHandler(server.deps), 0, '127.0.0.1', server.deps.config.ingestMaxBodyBytes);
    });
    after(async () => {
      await grpcListener?.close();
      await server?.close();
    });

    test('no X-Scope-OrgID: 401 "no org id" on ingest (HTTP and gRPC); a tenant-bound query token names the tenant', async () => {
      const traceId = newTrace();
      const send = (headers: Record<string, string>) =>
        fetch(`${server.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: otlpJson(traceId) });
      const missing = await send({});
      assert.equal(missing.status, 401);
      assert.equal(missing.headers.get('www-authenticate'), null, 'no token is involved: no challenge');
      assert.equal((await grpcCall(`127.0.0.1:${grpcListener.port}`, encodeRequestProto(everyFieldRequest(newTrace(), recent())), {})).code, grpc.status.UNAUTHENTICATED);
      assert.equal((await send({ 'x-scope-orgid': 'a/b' })).status, 400);
      assert.equal((await send({ 'x-scope-orgid': 'acme-corp' })).status, 200);
      assert.equal((await fetch(`${server.url}/api/traces/${traceId}`, { headers: bearer(QUERY_ACME) })).status, 200);
      const other = await fetch(`${server.url}/api/search/tags`, { headers: { ...bearer(QUERY_ACME), 'x-scope-orgid': 'globex' } });
      assert.equal(other.status, 403);
    });
  });
}

test('token configuration: entries checked, secrets never echoed, lists separate', () => {
  assert.throws(() => parseConfig({ QUERY_TOKENS: 'short=acme' }), (e: Error) => e instanceof ConfigError && /QUERY_TOKENS: invalid entry starting "shor"\.\.\./.test(e.message));
  assert.throws(() => parseConfig({ INGEST_TOKENS: 'supersecret_0123456789=a/b' }), (e: Error) => /INGEST_TOKENS: invalid tenant id "a\/b"/.test(e.message) && !e.message.includes('supersecret_0123456789'));
  assert.throws(() => parseConfig({ QUERY_TOKENS: `${QUERY_ACME}=a ${QUERY_ACME}=b` }), /listed twice/);
  assert.throws(() => parseConfig({ MULTITENANCY_ENABLED: 'maybe' }), /MULTITENANCY_ENABLED: expected true or false/);
  const c = parseConfig({ QUERY_TOKENS: `${QUERY_ACME}=acme-corp;abcdefghijklmnop0123===*`, MULTITENANCY_ENABLED: 'on' });
  assert.deepEqual(c.queryTokens, [{ token: QUERY_ACME, tenant: 'acme-corp' }, { token: 'abcdefghijklmnop0123==', tenant: '*' }]);
  assert.deepEqual(c.ingestTokens, []);
  assert.equal(c.multitenancyEnabled, true);
  assert.equal(parseConfig({}).multitenancyEnabled, false);
  const { tokens } = parseBearerTokens(`${QUERY_ACME}=acme-corp ${QUERY_ANY}=*`);
  assert.equal(findBearerToken(tokens, QUERY_ANY)?.tenant, '*');
  assert.equal(findBearerToken(tokens, QUERY_ANY.slice(0, -1)), undefined);
  assert.equal(findBearerToken(tokens, ''), undefined);
  assert.ok(constantTimeEqual('abc', 'abc'));
  for (const [a, b] of [['abc', 'abd'], ['abc', 'ab'], ['', 'a'], ['abcabc', 'abc']]) assert.ok(!constantTimeEqual(a, b), `${a} vs ${b}`);
});
