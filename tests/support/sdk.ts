// Sending with the real OpenTelemetry JS SDK and checking what came back, shared by the
// in-process round-trip tests and the HTTP-only contract suite that runs against Node, Bun and Deno.
import assert from 'node:assert/strict';
import { type Link, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { ExportResultCode, TraceState } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type SpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import {
  type CanonSpan,
  canonFromProto,
  canonFromTempoJson,
  canonFromTraceByIdProto,
} from './oracle.ts';

export interface SdkSent {
  traceId: string;
  /** What the SDK serialised, canonicalised by the oracle. */
  expected: CanonSpan[];
  /** One message per export call that did not succeed (the SDK itself only logs these). */
  exportErrors: string[];
}

/** Emits a small trace through `exporter` and returns what the SDK serialised, canonicalised. */
export async function sendWithSdk(exporter: SpanExporter, service: string): Promise<SdkSent> {
  const exportErrors: string[] = [];
  const watched: SpanExporter = {
    export: (spans, done) =>
      exporter.export(spans, (result) => {
        if (result.code !== ExportResultCode.SUCCESS) exportErrors.push(String(result.error?.message ?? result.error));
        done(result);
      }),
    shutdown: () => exporter.shutdown(),
    forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
  };
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'deployment.environment.name': 'test', 'host.cpu.count': 2 }),
    spanProcessors: [new SimpleSpanProcessor(watched), new SimpleSpanProcessor(memory)],
    spanLimits: { attributeCountLimit: 12, eventCountLimit: 3, linkCountLimit: 2, attributePerEventCountLimit: 2 },
  });
  const tracer = provider.getTracer('roundtrip-test', '9.9.9');
  const now = Math.floor(Date.now() / 1000) - 60;
  // A remote parent carrying trace state: the root inherits both (and the is-remote flag bits).
  const remote = trace.setSpanContext(context.active(), {
    traceId: [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join(''),
    spanId: 'a1b2c3d4e5f60718',
    traceFlags: 1,
    isRemote: true,
    traceState: new TraceState('vendor=abc,other=1'),
  });
  const root = tracer.startSpan(
    'GET /checkout',
    {
      kind: SpanKind.SERVER,
      startTime: [now, 123_456_789],
      attributes: {
        'http.request.method': 'GET',
        'http.response.status_code': 500,
        'app.ratio': 0.25,
        'app.flag': true,
        'app.tags': ['a', 'b'],
        'app.counts': [1, 2, 3],
        'app.ratios': [0.5, 1.5],
        'app.bools': [true, false],
      },
    },
    remote,
  );
  root.addEvent('cache.miss', { 'cache.key': 'user:1', 'cache.size': 3 }, [now, 200_000_001]);
  root.recordException(new Error('payment declined'), [now, 300_000_000]);
  root.setStatus({ code: SpanStatusCode.ERROR, message: 'payment declined' });
  const ctx = trace.setSpan(remote, root);
  const link: Link = {
    context: { traceId: 'ffeeddccbbaa99887766554433221100', spanId: '0102030405060708', traceFlags: 1 },
    attributes: { 'link.reason': 'retry-of', 'link.n': 2 },
  };
  const child = tracer.startSpan(
    'charge card',
    { kind: SpanKind.CLIENT, startTime: [now, 400_000_000], links: [link, link, link] },
    ctx,
  );
  // More attributes and events than the limits allow: the SDK counts what it drops.
  for (let i = 0; i < 15; i++) child.setAttribute(`extra.${i}`, i);
  for (let i = 0; i < 5; i++) child.addEvent(`retry ${i}`, { a: 1, b: 2, c: 3 }, [now, 400_000_000 + i]);
  child.end([now, 900_000_123]);
  const internal = tracer.startSpan('compute', { kind: SpanKind.INTERNAL, startTime: [now, 410_000_000] }, ctx);
  internal.setStatus({ code: SpanStatusCode.OK });
  internal.end([now, 410_000_001]);
  const producer = tracer.startSpan('orders publish', { kind: SpanKind.PRODUCER, startTime: [now, 420_000_000] }, ctx);
  producer.end([now, 420_500_000]);
  const consumer = tracer.startSpan('orders process', { kind: SpanKind.CONSUMER, startTime: [now, 430_000_000] }, ctx);
  consumer.end([now, 440_000_000]);
  root.end([now + 1, 5]);
  // forceFlush rejects only for exports still pending when it is called; exportErrors has them all.
  await provider.forceFlush();
  const spans = memory.getFinishedSpans();
  await provider.shutdown();
  const bytes = ProtobufTraceSerializer.serializeRequest(spans);
  assert.ok(bytes, 'serializer produced bytes');
  return { traceId: root.spanContext().traceId, expected: canonFromProto(bytes), exportErrors };
}

/** Fetches a trace from the server at `baseUrl` in all four shapes and checks each equals `expected`. */
export async function assertStoredEquals(baseUrl: string, traceId: string, expected: CanonSpan[]): Promise<void> {
  const base = `${baseUrl}/api`;
  const v1json = await fetch(`${base}/traces/${traceId}`);
  assert.equal(v1json.status, 200);
  assert.equal(v1json.headers.get('content-type'), 'application/json');
  const v1body = await v1json.json();
  assert.ok(Array.isArray(v1body.batches), 'v1 JSON has top-level batches');
  assert.deepEqual(canonFromTempoJson(v1body), expected, 'v1 JSON');

  const v1pb = await fetch(`${base}/traces/${traceId}`, { headers: { accept: 'application/protobuf' } });
  assert.equal(v1pb.status, 200);
  assert.equal(v1pb.headers.get('content-type'), 'application/protobuf');
  assert.deepEqual(canonFromProto(new Uint8Array(await v1pb.arrayBuffer())), expected, 'v1 protobuf');

  const v2json = await (await fetch(`${base}/v2/traces/${traceId}`)).json();
  assert.deepEqual(canonFromTempoJson(v2json), expected, 'v2 JSON');
  assert.match(v2json.metrics.inspectedBytes, /^[1-9]\d*$/, 'inspectedBytes is a 64-bit string');
  assert.equal(v2json.status, undefined, 'complete traces carry no status');

  const v2pb = await fetch(`${base}/v2/traces/${traceId}`, { headers: { accept: 'application/protobuf' } });
  const decoded = canonFromTraceByIdProto(new Uint8Array(await v2pb.arrayBuffer()));
  assert.deepEqual(decoded.spans, expected, 'v2 protobuf');
  assert.equal(decoded.status, 0);
}
