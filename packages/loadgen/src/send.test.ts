import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodeExportRequestJson, decodeExportRequestProto, encodeExportResponseJson, encodeExportResponseProto,
  encodeRpcStatusJson, encodeRpcStatusProto,
} from '@tracegres/otlp';
import { createGenerator } from './generate.ts';
import { countSpans, encodeRequest, parseRetryAfter, sendEncoded, sendTraces, tracesUrl } from './send.ts';

const td = createGenerator({ seed: 21, startTimeNs: 1_760_000_000_000_000_000n }).batch({ spans: 300 });
const spans = countSpans(td);

interface Captured {
  url: string;
  headers: Headers;
  body: Uint8Array;
}

/** A fake `fetch` that records the request and answers with `reply`. */
function fakeFetch(reply: () => Response, seen: Captured[]): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    seen.push({ url: String(input), headers: new Headers(init?.headers), body: new Uint8Array(init?.body as Uint8Array) });
    return reply();
  }) as typeof fetch;
}

async function gunzip(b: Uint8Array): Promise<Uint8Array> {
  const s = new Blob([b as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(s).arrayBuffer());
}

describe('sendTraces', () => {
  it('POSTs protobuf to /v1/traces with the tenant header', async () => {
    const seen: Captured[] = [];
    const res = await sendTraces(td, {
      url: 'http://tracegres:3200/', tenant: 'team-a', headers: { authorization: 'Bearer x' },
      fetch: fakeFetch(() => new Response(new Uint8Array(0), { status: 200, headers: { 'content-type': 'application/x-protobuf' } }), seen),
    });
    assert.equal(res.status, 200);
    assert.equal(res.ok, true);
    assert.equal(res.acceptedSpans, spans);
    assert.equal(res.partialSuccess, undefined);
    assert.equal(seen[0].url, 'http://tracegres:3200/v1/traces');
    assert.equal(seen[0].headers.get('content-type'), 'application/x-protobuf');
    assert.equal(seen[0].headers.get('x-scope-orgid'), 'team-a');
    assert.equal(seen[0].headers.get('authorization'), 'Bearer x');
    assert.equal(seen[0].headers.get('content-encoding'), null);
    assert.equal(countSpans(decodeExportRequestProto(seen[0].body)), spans);
  });

  it('sends gzipped JSON made with CompressionStream', async () => {
    const seen: Captured[] = [];
    await sendTraces(td, { url: 'http://x', format: 'json', gzip: true, fetch: fakeFetch(() => new Response('{}', { headers: { 'content-type': 'application/json' } }), seen) });
    assert.equal(seen[0].headers.get('content-type'), 'application/json');
    assert.equal(seen[0].headers.get('content-encoding'), 'gzip');
    const text = new TextDecoder().decode(await gunzip(seen[0].body));
    assert.equal(countSpans(decodeExportRequestJson(text)), spans);
  });

  it('reads partial success in both encodings', async () => {
    const partial = { rejectedSpans: 7, errorMessage: '7 spans had invalid trace ids' };
    const req = await encodeRequest(td);
    const p = await sendEncoded(req, { url: 'http://x', fetch: fakeFetch(() => new Response(encodeExportResponseProto(partial) as Uint8Array<ArrayBuffer>, { headers: { 'content-type': 'application/x-protobuf' } }), []) });
    assert.deepEqual(p.partialSuccess, partial);
    assert.equal(p.acceptedSpans, spans - 7);
    const j = await sendEncoded(req, { url: 'http://x', fetch: fakeFetch(() => new Response(encodeExportResponseJson(partial), { headers: { 'content-type': 'application/json; charset=utf-8' } }), []) });
    assert.deepEqual(j.partialSuccess, partial);
    const empty = await sendEncoded(req, { url: 'http://x', fetch: fakeFetch(() => new Response('{"partialSuccess":{}}', { headers: { 'content-type': 'application/json' } }), []) });
    assert.equal(empty.partialSuccess, undefined);
    assert.equal(empty.acceptedSpans, spans);
  });

  it('reports throttling with Retry-After and the server message', async () => {
    const req = await encodeRequest(td);
    const r = await sendEncoded(req, {
      url: 'http://x',
      fetch: fakeFetch(() => new Response(encodeRpcStatusProto({ code: 8, message: 'ingest queue full' }) as Uint8Array<ArrayBuffer>, { status: 429, headers: { 'content-type': 'application/x-protobuf', 'retry-after': '3' } }), []),
    });
    assert.equal(r.status, 429);
    assert.equal(r.ok, false);
    assert.equal(r.acceptedSpans, 0);
    assert.equal(r.retryAfterSeconds, 3);
    assert.equal(r.error, 'ingest queue full');
    const bad = await sendEncoded(req, { url: 'http://x', fetch: fakeFetch(() => new Response(encodeRpcStatusJson({ code: 3, message: 'cannot decode body' }), { status: 400, headers: { 'content-type': 'application/json' } }), []) });
    assert.equal(bad.error, 'cannot decode body');
    const text = await sendEncoded(req, { url: 'http://x', fetch: fakeFetch(() => new Response('unsupported media type', { status: 415, headers: { 'content-type': 'text/plain' } }), []) });
    assert.equal(text.error, 'unsupported media type');
  });

  it('turns network failures into status 0 instead of throwing', async () => {
    const req = await encodeRequest(td);
    const r = await sendEncoded(req, { url: 'http://x', fetch: (async () => { throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }); }) as typeof fetch });
    assert.equal(r.status, 0);
    assert.equal(r.ok, false);
    assert.match(r.error ?? '', /ECONNREFUSED/);
    const real = await sendEncoded(req, { url: 'http://127.0.0.1:9', timeoutMs: 2000 });
    assert.equal(real.status, 0);
  });

  it('parses Retry-After seconds and HTTP dates', () => {
    assert.equal(parseRetryAfter(null), undefined);
    assert.equal(parseRetryAfter('120'), 120);
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:28:10 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')), 10);
    assert.equal(parseRetryAfter('soon'), undefined);
  });

  it('builds the traces URL', () => {
    assert.equal(tracesUrl('http://h:3200'), 'http://h:3200/v1/traces');
    assert.equal(tracesUrl('http://h:4318/'), 'http://h:4318/v1/traces');
    assert.equal(tracesUrl('http://h/otlp/v1/traces'), 'http://h/otlp/v1/traces');
  });
});
