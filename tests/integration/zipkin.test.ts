// Zipkin v2 ingest: spans sent by zipkin-js (Zipkin's own JS instrumentation) and by OTel's Zipkin
// exporter, and hand-written Brave-style JSON, read back through the Tempo and Jaeger APIs.
import assert from 'node:assert/strict';
import { type EventEmitter, once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { ExportResultCode } from '@opentelemetry/core';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import zipkin from 'zipkin';
import { HttpLogger } from 'zipkin-transport-http';
import { type TestServer, startTestServer } from '../support/app.ts';
import { drivers } from '../support/databases.ts';

interface JTag { key: string; type: string; value: unknown }
interface JSpan { spanID: string; operationName: string; references: { refType: string; spanID: string }[]; startTime: number; duration: number; tags: JTag[]; logs: { timestamp: number; fields: JTag[] }[]; processID: string }
interface JTrace { traceID: string; spans: JSpan[]; processes: Record<string, { serviceName: string; tags: JTag[] }> }

const tag = (s: JSpan, key: string) => s.tags.find((t) => t.key === key)?.value;

for (const driver of drivers) {
  describe(`Zipkin v2 receiver (${driver})`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(driver);
    });
    after(() => server?.close());

    const jaegerTrace = async (id: string): Promise<JTrace> => {
      const res = await fetch(`${server.url}/jaeger/api/traces/${id}`);
      assert.equal(res.status, 200, `trace ${id}`);
      return ((await res.json()) as { data: JTrace[] }).data[0];
    };
    const tempoTrace = async (id: string) => {
      const res = await fetch(`${server.url}/api/traces/${id}`);
      assert.equal(res.status, 200);
      return (await res.json()) as { batches: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: Record<string, unknown>[] }[] }[] };
    };

    test('zipkin-js: a server span and its client call, 64-bit ids, endpoints, annotations and tags', async () => {
      const logger = new HttpLogger({ endpoint: `${server.url}/api/v2/spans`, jsonEncoder: zipkin.jsonEncoder.JSON_V2, httpInterval: 50 });
      // HttpLogger is an EventEmitter at run time; its typings leave that out.
      const events = logger as unknown as EventEmitter;
      const sent = once(events, 'success');
      events.on('error', (e: Error) => assert.fail(e.message));
      const recorder = new zipkin.BatchRecorder({ logger });
      const tracer = new zipkin.Tracer({ ctxImpl: new zipkin.ExplicitContext(), recorder, localServiceName: 'zk-front', traceId128Bit: false });
      const t0 = Date.now() * 1000 - 60_000_000;
      const rootId = tracer.createRootId();
      tracer.letId(rootId, () => {
        tracer.recordServiceName('zk-front');
        tracer.recordRpc('GET /zk');
        tracer.recordAnnotation(new zipkin.Annotation.ServerRecv(), t0);
        tracer.recordAnnotation(new zipkin.Annotation.LocalAddr({ host: new zipkin.InetAddress('10.1.2.3'), port: 8080 }), t0);
        tracer.recordBinary('http.path', '/zk');
        tracer.recordMessage('handler.start');
      });
      const childId = tracer.letId(rootId, () => tracer.createChildId());
      tracer.letId(childId, () => {
        tracer.recordServiceName('zk-front');
        tracer.recordRpc('SELECT items');
        tracer.recordAnnotation(new zipkin.Annotation.ClientSend(), t0 + 1000);
        tracer.recordAnnotation(new zipkin.Annotation.ServerAddr({ serviceName: 'zk-db', host: new zipkin.InetAddress('10.9.9.9'), port: 5432 }), t0 + 1000);
        tracer.recordBinary('error', 'connection reset');
        tracer.recordAnnotation(new zipkin.Annotation.ClientRecv(), t0 + 4000);
      });
      tracer.letId(rootId, () => tracer.recordAnnotation(new zipkin.Annotation.ServerSend(), t0 + 10_000));
      await sent;

      const traceId = rootId.traceId;
      assert.equal(traceId.length, 16);
      const jt = await jaegerTrace(traceId);
      assert.equal(jt.traceID, traceId, 'a 64-bit id comes back as 16 hex characters');
      const root = jt.spans.find((s) => s.spanID === rootId.spanId)!;
      const child = jt.spans.find((s) => s.spanID === childId.spanId)!;
      assert.equal(root.operationName, 'get /zk'); // zipkin-js lower-cases span names
      assert.equal(root.startTime, t0);
      assert.equal(root.duration, 10_000);
      assert.equal(tag(root, 'span.kind'), 'server');
      assert.equal(tag(root, 'http.path'), '/zk');
      assert.equal(tag(root, 'net.host.ip'), '10.1.2.3');
      assert.equal(tag(root, 'net.host.port'), 8080);
      assert.deepEqual(root.logs, [{ timestamp: root.logs[0].timestamp, fields: [{ key: 'event', type: 'string', value: 'handler.start' }] }]);
      assert.equal(jt.processes[root.processID].serviceName, 'zk-front');
      assert.deepEqual(child.references, [{ refType: 'CHILD_OF', traceID: traceId, spanID: rootId.spanId }]);
      assert.equal(tag(child, 'span.kind'), 'client');
      assert.equal(tag(child, 'peer.service'), 'zk-db');
      assert.equal(tag(child, 'net.peer.ip'), '10.9.9.9');
      assert.equal(tag(child, 'net.peer.port'), 5432);
      assert.equal(tag(child, 'error'), true);
      assert.equal(tag(child, 'otel.status_description'), 'connection reset');
      assert.equal(child.duration, 3000);

      // Tempo's view of the same trace: OTLP with the id zero-extended to 128 bits.
      const tt = await tempoTrace(traceId);
      const spans = tt.batches.flatMap((b) => b.scopeSpans.flatMap((s) => s.spans));
      assert.equal(spans.length, 2);
      assert.equal(Buffer.from(spans[0].traceId as string, 'base64').toString('hex'), traceId.padStart(32, '0'));
      assert.equal(tt.batches[0].resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue, 'zk-front');
      assert.deepEqual(new Set(spans.map((s) => s.kind)), new Set(['SPAN_KIND_SERVER', 'SPAN_KIND_CLIENT']));
    });

    test('OpenTelemetry Zipkin exporter: resource, kind, attributes, events and status survive', async () => {
      const results: number[] = [];
      const exporter = new ZipkinExporter({ url: `${server.url}/api/v2/spans` });
      const provider = new BasicTracerProvider({
        resource: resourceFromAttributes({ 'service.name': 'otel-zk', 'host.name': 'box-1' }),
        spanProcessors: [new SimpleSpanProcessor({ export: (s, done) => exporter.export(s, (r) => { results.push(r.code); done(r); }), shutdown: () => exporter.shutdown() })],
      });
      const tracer = provider.getTracer('zk-lib', '3.1');
      const link = { context: { traceId: 'ffeeddccbbaa99887766554433221100', spanId: '0102030405060708', traceFlags: 1 }, attributes: { 'link.kind': 'batch' } };
      const span = tracer.startSpan('POST /orders', { kind: SpanKind.PRODUCER, attributes: { 'http.response.status_code': 500, 'app.list': ['a', 'b'] }, links: [link] });
      span.addEvent('retry', { attempt: 2 });
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'bad gateway' });
      span.end();
      await provider.forceFlush();
      await provider.shutdown();
      assert.deepEqual(results, [ExportResultCode.SUCCESS]);

      const id = span.spanContext().traceId;
      const jt = await jaegerTrace(id);
      const s = jt.spans[0];
      assert.equal(s.operationName, 'POST /orders');
      assert.equal(jt.processes[s.processID].serviceName, 'otel-zk');
      assert.deepEqual(jt.processes[s.processID].tags.map((t) => [t.key, t.value]), [['host.name', 'box-1']]);
      assert.equal(tag(s, 'span.kind'), 'producer');
      // This exporter sends neither the instrumentation scope nor links.
      assert.equal(tag(s, 'otel.scope.name'), undefined);
      assert.equal(tag(s, 'http.response.status_code'), '500', 'Zipkin tags are strings');
      assert.equal(tag(s, 'app.list'), 'a,b');
      assert.equal(tag(s, 'error'), true);
      assert.equal(tag(s, 'otel.status_code'), 'ERROR');
      assert.equal(tag(s, 'otel.status_description'), 'bad gateway');
      assert.equal(s.logs[0].fields[0].value, 'retry');
      const tt = await tempoTrace(id);
      const ts = tt.batches[0].scopeSpans[0].spans[0] as { name: string; status: { code: string } };
      assert.equal(ts.name, 'POST /orders');
      assert.equal(ts.status.code, 'STATUS_CODE_ERROR');
    });

    const post = (body: string | Uint8Array, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
      fetch(`${server.url}/api/v2/spans`, { method: 'POST', headers, body: body as BodyInit });

    test('hand-written Brave-style JSON: 128-bit ids, gzip, shared spans, remote endpoint, local spans', async () => {
      const tid = '463ac35c9f6413ad48485a3953bb6124';
      const ts = Date.now() * 1000 - 120_000_000;
      const spans = [
        { traceId: tid, id: 'a2fb4a1d1a96d312', name: 'get /api', kind: 'SERVER', timestamp: ts, duration: 2000, localEndpoint: { serviceName: 'brave-svc', ipv6: '2001:db8::c001' }, tags: { 'http.method': 'GET', 'mvc.controller.class': 'Api' } },
        { traceId: tid, id: '0f72d9a2b1c0e3d4', parentId: 'a2fb4a1d1a96d312', name: 'compute', timestamp: ts + 100, duration: 500, localEndpoint: { serviceName: 'brave-svc' }, tags: { 'span.kind': 'internal' }, annotations: [{ timestamp: ts + 200, value: 'cache.miss' }] },
        { traceId: tid, id: 'b1b2b3b4b5b6b7b8', parentId: 'a2fb4a1d1a96d312', name: 'send', kind: 'PRODUCER', timestamp: ts + 300, duration: 10, localEndpoint: { serviceName: 'brave-svc' }, remoteEndpoint: { serviceName: 'kafka' } },
      ];
      const res = await post(gzipSync(JSON.stringify(spans)), { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      assert.equal(res.status, 202);
      assert.equal(await res.text(), '');
      const jt = await jaegerTrace(tid);
      assert.equal(jt.traceID, tid);
      const byId = new Map(jt.spans.map((s) => [s.spanID, s]));
      assert.equal(tag(byId.get('a2fb4a1d1a96d312')!, 'net.host.ip'), '2001:db8::c001');
      assert.equal(tag(byId.get('0f72d9a2b1c0e3d4')!, 'span.kind'), 'internal');
      assert.equal(byId.get('0f72d9a2b1c0e3d4')!.logs[0].timestamp, ts + 200);
      assert.equal(tag(byId.get('b1b2b3b4b5b6b7b8')!, 'peer.service'), 'kafka');
      const deps = await (await fetch(`${server.url}/jaeger/api/dependencies?endTs=${Math.floor(ts / 1000) + 60_000}&lookback=600000`)).json() as { data: unknown[] };
      assert.ok(Array.isArray(deps.data));
    });

    test('bad Zipkin bodies get 400 naming the field; other media types 415', async () => {
      const cases: [string, RegExp][] = [
        ['{"traceId":"x"}', /expected a JSON array/],
        ['[{"traceId":"xyz","id":"0000000000000001"}]', /\[0\]\.traceId: expected 16 or 32 hex characters/],
        ['[{"traceId":"0000000000000001","id":"1"}]', /\[0\]\.id: expected 16 hex characters/],
        ['[{"traceId":"0000000000000001","id":"0000000000000001","kind":"SIDEWAYS"}]', /\[0\]\.kind: expected CLIENT, SERVER/],
        ['[{"traceId":"0000000000000001","id":"0000000000000001","timestamp":"soon"}]', /\[0\]\.timestamp/],
        ['[{"traceId":"0000000000000001","id":"0000000000000001","tags":{"a":{"b":1}}}]', /\[0\]\.tags\.a: expected a string/],
        ['not json', /invalid JSON/],
      ];
      for (const [body, re] of cases) {
        const res = await post(body);
        assert.equal(res.status, 400, body);
        assert.match(await res.text(), re, body);
      }
      const proto = await post(new Uint8Array([10, 0]), { 'content-type': 'application/x-protobuf' });
      assert.equal(proto.status, 415);
      assert.equal((await post('[]')).status, 202, 'an empty list is accepted');
    });
  });
}
