// The ingest-and-fetch contract, over HTTP only, against a running server at TRACEGRES_URL.
// One suite for every runtime: `scripts/test-runtimes.ts` starts a server per runtime (Node, Bun,
// Deno) and storage and runs this file against it; `scripts/test-edge.ts` runs it against
// `wrangler dev` (workerd). Not named *.test.ts so the unit
// run does not pick it up without a server. Trace ids are random, so it can run repeatedly
// against the same server.
//
//   TRACEGRES_URL=http://127.0.0.1:3200 node --import tsx --test tests/contract/contract.ts
//
// TRACEGRES_RUNTIME, when set (node, bun, deno, workerd), is checked against what buildinfo reports.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { canonFromProto, canonFromTempoJson, RpcStatus } from '../support/oracle.ts';
import { encodeRequestJson, encodeRequestProto, everyFieldRequest } from '../support/payloads.ts';
import { assertStoredEquals, sendWithSdk } from '../support/sdk.ts';

const baseUrl = process.env.TRACEGRES_URL?.replace(/\/+$/, '');
if (!baseUrl) throw new Error('TRACEGRES_URL is not set: give the base URL of a running Tracegres, e.g. http://127.0.0.1:3200');
const expectRuntime = process.env.TRACEGRES_RUNTIME;

// A hung server fails the test instead of hanging the run.
const opts = { timeout: 30_000 };
const randomTraceId = () => randomBytes(16).toString('hex');
const recent = () => Math.floor(Date.now() / 1000) - 600;

function post(body: BodyInit, headers: Record<string, string>): Promise<Response> {
  return fetch(`${baseUrl}/v1/traces`, { method: 'POST', headers, body });
}

async function spanCount(traceId: string): Promise<number> {
  const res = await fetch(`${baseUrl}/api/traces/${traceId}`);
  if (res.status === 404) return 0;
  assert.equal(res.status, 200);
  return canonFromTempoJson(await res.json()).length;
}

describe('operational endpoints', () => {
  test('/ready answers 200 once the database is reachable', opts, async () => {
    const res = await fetch(`${baseUrl}/ready`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'ready');
  });

  test('/api/echo answers like Tempo', opts, async () => {
    const res = await fetch(`${baseUrl}/api/echo`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'echo\n');
  });

  test('/api/status/buildinfo has the fields Grafana reads', opts, async () => {
    const res = await fetch(`${baseUrl}/api/status/buildinfo`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const info = await res.json();
    assert.deepEqual(Object.keys(info).sort(), ['branch', 'buildDate', 'buildUser', 'goVersion', 'revision', 'version']);
    assert.match(info.version, /^\d+\.\d+\.\d+$/);
    assert.match(info.revision, /^tracegres-/);
    if (expectRuntime) assert.match(info.goVersion, new RegExp(` on ${expectRuntime} `), 'served by the expected runtime');
  });

  test('unknown paths are a plain 404', opts, async () => {
    const res = await fetch(`${baseUrl}/no/such/path`);
    assert.equal(res.status, 404);
    assert.match(await res.text(), /404 page not found/);
  });
});

describe('ingest and fetch', () => {
  test('OTel SDK protobuf exporter with gzip: every span comes back field for field', opts, async () => {
    const exporter = new ProtoExporter({ url: `${baseUrl}/v1/traces`, compression: 'gzip' as never });
    const { traceId, expected, exportErrors } = await sendWithSdk(exporter, 'contract-proto');
    assert.deepEqual(exportErrors, []);
    assert.equal(expected.length, 5);
    await assertStoredEquals(baseUrl, traceId, expected);
  });

  test('OTel SDK JSON exporter with gzip: every span comes back field for field', opts, async () => {
    const exporter = new JsonExporter({ url: `${baseUrl}/v1/traces`, compression: 'gzip' as never });
    const { traceId, expected, exportErrors } = await sendWithSdk(exporter, 'contract-json');
    assert.deepEqual(exportErrors, []);
    assert.equal(expected.length, 5);
    await assertStoredEquals(baseUrl, traceId, expected);
  });

  test('hand-made every-field payload, protobuf with gzip', opts, async () => {
    const traceId = randomTraceId();
    const body = encodeRequestProto(everyFieldRequest(traceId, recent()));
    const res = await post(gzipSync(body), { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/x-protobuf');
    assert.equal((await res.arrayBuffer()).byteLength, 0, 'full success is an empty protobuf message');
    await assertStoredEquals(baseUrl, traceId, canonFromProto(body));
  });

  test('hand-made every-field payload, OTLP/JSON', opts, async () => {
    const traceId = randomTraceId();
    const req = everyFieldRequest(traceId, recent());
    const res = await post(encodeRequestJson(req), { 'content-type': 'application/json' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.deepEqual(await res.json(), {});
    await assertStoredEquals(baseUrl, traceId, canonFromProto(encodeRequestProto(req)));
  });

  test('re-sending the same spans, one after another and at once, stores them once', opts, async () => {
    const traceId = randomTraceId();
    const req = everyFieldRequest(traceId, recent());
    const proto = encodeRequestProto(req);
    for (let i = 0; i < 3; i++) {
      assert.equal((await post(proto, { 'content-type': 'application/x-protobuf' })).status, 200);
    }
    const together = await Promise.all([
      ...Array.from({ length: 3 }, () => post(proto, { 'content-type': 'application/x-protobuf' })),
      ...Array.from({ length: 2 }, () => post(encodeRequestJson(req), { 'content-type': 'application/json' })),
    ]);
    assert.deepEqual(
      together.map((r) => r.status),
      [200, 200, 200, 200, 200],
    );
    await Promise.all(together.map((r) => r.arrayBuffer()));
    assert.equal(await spanCount(traceId), 3);
    await assertStoredEquals(baseUrl, traceId, canonFromProto(proto));
  });

  test('an unknown trace: v1 404 with an empty body, v2 200 with an empty trace', opts, async () => {
    const traceId = randomTraceId();
    const v1 = await fetch(`${baseUrl}/api/traces/${traceId}`);
    assert.equal(v1.status, 404);
    assert.equal(await v1.text(), '');
    const v2 = await fetch(`${baseUrl}/api/v2/traces/${traceId}`);
    assert.equal(v2.status, 200);
    assert.deepEqual((await v2.json()).trace, {});
  });
});

describe('search and tags', () => {
  // A tenant of its own, so only this suite's trace can match and the answers are exact.
  const headers = { 'x-scope-orgid': `contract-${randomBytes(6).toString('hex')}` };
  const traceId = randomTraceId();
  const base = recent();
  let sent: Promise<void> | undefined;
  const ingest = () =>
    (sent ??= (async () => {
      const res = await post(encodeRequestJson(everyFieldRequest(traceId, base)), { 'content-type': 'application/json', ...headers });
      assert.equal(res.status, 200);
      await res.arrayBuffer();
    })());
  const get = async (path: string) => {
    const res = await fetch(`${baseUrl}${path}`, { headers });
    assert.equal(res.status, 200, `${path}: ${res.status}`);
    return res.json();
  };
  /** Tag dictionaries are written after the acknowledgement (like Tempo's), so poll briefly. */
  const eventually = async <T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const v = await read();
      if (ok(v) || Date.now() > deadline) return v;
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  test('TraceQL search finds an acknowledged trace at once', opts, async () => {
    await ingest();
    const q = encodeURIComponent('{ resource.service.name = "hand-made" && span.bool.true = true }');
    const body = await get(`/api/search?q=${q}&start=${base - 60}&end=${base + 60}`);
    assert.equal(body.traces.length, 1);
    assert.equal(body.traces[0].traceID.padStart(32, '0'), traceId);
    assert.equal(body.traces[0].rootServiceName, 'hand-made');
    const none = await get(`/api/search?q=${encodeURIComponent('{ resource.service.name = "no-such-service" }')}&start=${base - 60}&end=${base + 60}`);
    assert.deepEqual(none.traces, []);
  });

  test('tag names and values come from ingested spans', opts, async () => {
    await ingest();
    const v1 = await eventually(() => get('/api/search/tags'), (b) => b.tagNames.includes('bool.true'));
    assert.ok(v1.tagNames.includes('bool.true'), `tagNames: ${JSON.stringify(v1.tagNames)}`);
    assert.ok(v1.tagNames.includes('service.name'));
    const v2 = await eventually(() => get('/api/v2/search/tags?scope=resource'), (b) => b.scopes[0]?.tags.includes('res.str'));
    assert.deepEqual(v2.scopes.map((x: { name: string }) => x.name), ['resource']);
    assert.ok(v2.scopes[0].tags.includes('res.str'), `resource tags: ${JSON.stringify(v2.scopes[0].tags)}`);
    const values = await eventually(
      () => get('/api/v2/search/tag/resource.service.name/values'),
      (b) => b.tagValues.length > 0,
    );
    assert.deepEqual(values.tagValues, [{ type: 'string', value: 'hand-made' }]);
  });
});

describe('bad requests', () => {
  test('truncated protobuf: 400 with a google.rpc.Status', opts, async () => {
    const full = encodeRequestProto(everyFieldRequest(randomTraceId(), recent()));
    const res = await post(full.slice(0, Math.floor(full.length / 2)), { 'content-type': 'application/x-protobuf' });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('content-type'), 'application/x-protobuf');
    const status = RpcStatus.toObject(RpcStatus.decode(new Uint8Array(await res.arrayBuffer()))) as { code: number; message: string };
    assert.equal(status.code, 3);
    assert.match(status.message, /truncated|length|offset/i);
  });

  test('truncated gzip: 400', opts, async () => {
    const gz = gzipSync(encodeRequestProto(everyFieldRequest(randomTraceId(), recent())));
    const res = await post(gz.subarray(0, gz.length - 12), { 'content-type': 'application/x-protobuf', 'content-encoding': 'gzip' });
    assert.equal(res.status, 400);
    await res.arrayBuffer();
  });

  test('unknown content type: 415 naming what is supported', opts, async () => {
    const res = await post('<spans/>', { 'content-type': 'application/xml' });
    assert.equal(res.status, 415);
    assert.match(await res.text(), /application\/json, application\/x-protobuf/);
  });

  test('the server still ingests after bad requests', opts, async () => {
    const traceId = randomTraceId();
    const res = await post(encodeRequestProto(everyFieldRequest(traceId, recent())), { 'content-type': 'application/x-protobuf' });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    assert.equal(await spanCount(traceId), 3);
  });
});

describe('metrics', () => {
  test('/metrics is Prometheus text with ingest counters and request durations', opts, async () => {
    // At least one request of each kind has happened, whatever ran before.
    await (await fetch(`${baseUrl}/api/echo`)).text();
    await (await post('{}', { 'content-type': 'application/json' })).text();
    const res = await fetch(`${baseUrl}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    assert.match(text, /^# TYPE tracegres_spans_received_total counter$/m);
    assert.match(text, /^tracegres_spans_received_total \d+$/m);
    assert.match(text, /^tracegres_spans_stored_total \d+$/m);
    assert.match(text, /^tracegres_request_duration_seconds_count\{route="\/v1\/traces",method="POST",status="200"\} [1-9]\d*$/m);
    assert.match(text, /^tracegres_request_duration_seconds_count\{route="\/api\/echo",method="GET",status="200"\} [1-9]\d*$/m);
  });
});

// OTLP/gRPC, when the runner gives the server's gRPC address (`host:port`).
const grpcUrl = process.env.TRACEGRES_GRPC_URL;
describe('OTLP/gRPC', { skip: grpcUrl ? false : 'TRACEGRES_GRPC_URL is not set' }, () => {
  test('OTel SDK gRPC exporter with gzip: every span comes back field for field', opts, async () => {
    const { OTLPTraceExporter: GrpcExporter } = await import('@opentelemetry/exporter-trace-otlp-grpc');
    const exporter = new GrpcExporter({ url: `http://${grpcUrl}`, compression: 'gzip' as never });
    const { traceId, expected, exportErrors } = await sendWithSdk(exporter, 'contract-grpc');
    await exporter.shutdown();
    assert.deepEqual(exportErrors, []);
    assert.equal(expected.length, 5);
    await assertStoredEquals(baseUrl!, traceId, expected);
  });
});
