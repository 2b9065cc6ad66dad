// Bad input gets its status and a message that says what is wrong; the server stays up.
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { type TestServer, startTestServer } from '../support/app.ts';
import { drivers } from '../support/databases.ts';
import { RpcStatus } from '../support/oracle.ts';
import { encodeRequestJson, encodeRequestProto, everyFieldRequest } from '../support/payloads.ts';

const recent = () => Math.floor(Date.now() / 1000) - 600;

function post(server: TestServer, body: BodyInit, headers: Record<string, string>): Promise<Response> {
  return fetch(`${server.url}/v1/traces`, { method: 'POST', headers, body, duplex: 'half' } as RequestInit);
}

async function protoStatus(res: Response): Promise<{ code: number; message: string }> {
  assert.equal(res.headers.get('content-type'), 'application/x-protobuf');
  return RpcStatus.toObject(RpcStatus.decode(new Uint8Array(await res.arrayBuffer()))) as { code: number; message: string };
}

function withIdHex(traceId: string, spanIds: string[]): string {
  const req = everyFieldRequest('0123456789abcdef0123456789abcdef', recent());
  const json = JSON.parse(encodeRequestJson(req));
  const spans = json.resourceSpans[0].scopeSpans[0].spans;
  spans.forEach((s: Record<string, unknown>, i: number) => {
    s.traceId = traceId;
    if (spanIds[i] !== undefined) s.spanId = spanIds[i];
  });
  return JSON.stringify(json);
}

for (const driver of drivers) {
  describe(`bad input on ${driver}`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(driver);
    });
    after(() => server?.close());

    test('truncated protobuf: 400 with a google.rpc.Status naming the truncation', async () => {
      const full = encodeRequestProto(everyFieldRequest('11111111111111111111111111111111', recent()));
      for (const cut of [7, Math.floor(full.length / 2), full.length - 3]) {
        const res = await post(server, full.slice(0, cut), { 'content-type': 'application/x-protobuf' });
        assert.equal(res.status, 400, `cut at ${cut}`);
        const st = await protoStatus(res);
        assert.equal(st.code, 3);
        assert.match(st.message, /truncated|length|offset/i);
      }
    });

    test('invalid JSON: 400 with a JSON Status', async () => {
      const res = await post(server, '{"resourceSpans": [', { 'content-type': 'application/json' });
      assert.equal(res.status, 400);
      assert.equal(res.headers.get('content-type'), 'application/json');
      const body = await res.json();
      assert.equal(body.code, 3);
      assert.match(body.message, /JSON/i);
    });

    test('JSON with a wrong structure names the field', async () => {
      const res = await post(server, '{"resourceSpans": {"x": 1}}', { 'content-type': 'application/json' });
      assert.equal(res.status, 400);
      assert.match((await res.json()).message, /resourceSpans/);
    });

    test('wrong id lengths: every span invalid is a 400 naming the path', async () => {
      const res = await post(server, withIdHex('0123456789abcdef0123456789abcd', []), { 'content-type': 'application/json' });
      assert.equal(res.status, 400);
      const body = await res.json();
      assert.match(body.message, /resourceSpans\[0\]\.scopeSpans\[0\]\.spans\[0\]\.traceId/);
      assert.match(body.message, /16 bytes/);
      assert.equal(body.details[0]['@type'], 'type.googleapis.com/google.rpc.BadRequest');
    });

    test('wrong id lengths on some spans: 200 with partialSuccess and the rest stored', async () => {
      const traceId = '22222222222222222222222222222222';
      const body = withIdHex(traceId, ['1111111111111111', '22222222222222', '3333333333333333']);
      const res = await post(server, body, { 'content-type': 'application/json' });
      assert.equal(res.status, 200);
      const out = await res.json();
      assert.equal(out.partialSuccess.rejectedSpans, '1');
      assert.match(out.partialSuccess.errorMessage, /spans\[1\]\.spanId: must be 8 bytes/);
      const got = await (await fetch(`${server.url}/api/traces/${traceId}`)).json();
      assert.equal(got.batches[0].scopeSpans[0].spans.length, 2);
    });

    test('gzip bomb: 413 once the decompressed size passes the limit', async () => {
      const bomb = gzipSync(Buffer.alloc(100 * 1024 * 1024)); // ~100 KB that inflate to 100 MiB
      assert.ok(bomb.length < 200_000);
      const res = await post(server, bomb, { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' });
      assert.equal(res.status, 413);
      assert.match((await protoStatus(res)).message, /exceeds the limit of 67108864 bytes/);
    });

    test('corrupt gzip: 400', async () => {
      const res = await post(server, new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7]), {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
      });
      assert.equal(res.status, 400);
      assert.match((await res.json()).message, /invalid gzip body/);
    });

    test('unknown content type and content encoding: 415 naming what is supported', async () => {
      const res = await post(server, 'x', { 'content-type': 'application/xml' });
      assert.equal(res.status, 415);
      assert.match(await res.text(), /application\/json, application\/x-protobuf/);
      const enc = await post(server, 'x', { 'content-type': 'application/json', 'content-encoding': 'br' });
      assert.equal(enc.status, 415);
      assert.match(await enc.text(), /Content-Encoding "br"/);
    });

    test('invalid tenant id: 400', async () => {
      const res = await post(server, '{}', { 'content-type': 'application/json', 'x-scope-orgid': 'a/b' });
      assert.equal(res.status, 400);
      assert.match((await res.json()).message, /invalid tenant id/);
    });

    test('empty request and empty body are a normal success', async () => {
      assert.equal((await post(server, '{}', { 'content-type': 'application/json' })).status, 200);
      const res = await post(server, new Uint8Array(0), { 'content-type': 'application/x-protobuf' });
      assert.equal(res.status, 200);
    });

    test('trace by ID rejects bad ids and ranges with plain-text 400s', async () => {
      const cases: [string, RegExp][] = [
        ['/api/traces/xyz', /invalid character 'x' at position 1/],
        [`/api/traces/${'a'.repeat(33)}`, /larger than 128 bits/],
        ['/api/traces/abc?start=10', /start and end must be given together/],
        ['/api/traces/abc?start=10&end=5', /must be after start/],
        ['/api/v2/traces/abc?start=x&end=5', /invalid start/],
      ];
      for (const [path, re] of cases) {
        const res = await fetch(server.url + path);
        assert.equal(res.status, 400, path);
        assert.match(await res.text(), re, path);
      }
      const missing = await fetch(`${server.url}/api/traces/abc`);
      assert.equal(missing.status, 404);
      assert.equal(await missing.text(), '');
      const v2 = await fetch(`${server.url}/api/v2/traces/abc`);
      assert.equal(v2.status, 200);
      assert.deepEqual((await v2.json()).trace, {});
    });

    test('the server is still up and ingesting after all of that', async () => {
      assert.equal((await fetch(`${server.url}/ready`)).status, 200);
      const res = await post(server, encodeRequestProto(everyFieldRequest('33333333333333333333333333333333', recent())), {
        'content-type': 'application/x-protobuf',
      });
      assert.equal(res.status, 200);
    });
  });
}

describe('body size limit', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer(drivers[0], { INGEST_MAX_BODY_BYTES: '2000' });
  });
  after(() => server?.close());

  test('an oversized body is refused with 413, with or without Content-Length', async () => {
    const body = encodeRequestJson(everyFieldRequest('44444444444444444444444444444444', recent()));
    assert.ok(body.length > 2000);
    const res = await post(server, body, { 'content-type': 'application/json' });
    assert.equal(res.status, 413);
    assert.match((await res.json()).message, /exceeds the limit of 2000 bytes/);
    const chunked = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(body));
        c.close();
      },
    });
    const res2 = await post(server, chunked, { 'content-type': 'application/json' });
    assert.equal(res2.status, 413);
  });
});
