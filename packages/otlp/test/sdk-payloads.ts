/**
 * Real payloads made by the OpenTelemetry JS SDK (2.x) and the serializers of
 * `@opentelemetry/otlp-transformer`, for tests and the benchmark.
 */

import { context, trace, SpanKind as ApiSpanKind, SpanStatusCode, type Link } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';

/**
 * Finished spans as the SDK records them: one server root per 8 spans with client/internal
 * children, ~20 attributes each (strings, ints, doubles, bools, arrays, NaN), an exception event
 * every 4th span, a link every 5th, errors every 7th.
 */
export function sdkSpans(count: number): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'checkout', 'service.version': '1.4.2', 'service.namespace': 'shop',
      'deployment.environment.name': 'production', 'host.name': 'ip-10-0-3-17', 'host.arch': 'amd64',
      'os.type': 'linux', 'process.pid': 4242, 'process.runtime.name': 'nodejs', 'process.runtime.version': '20.20.2',
      'telemetry.sdk.language': 'nodejs', 'telemetry.sdk.name': 'opentelemetry', 'telemetry.sdk.version': '2.12.1',
    }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    spanLimits: { attributeCountLimit: 128 },
  });
  const tracer = provider.getTracer('@opentelemetry/instrumentation-http', '0.223.1');
  let rootCtx = context.active();
  let link: Link | undefined;
  for (let i = 0; i < count; i++) {
    const isRoot = i % 8 === 0;
    const s = tracer.startSpan(
      isRoot ? 'GET /api/orders/:id' : `SELECT orders ${i % 3}`,
      {
        kind: isRoot ? ApiSpanKind.SERVER : i % 2 === 0 ? ApiSpanKind.CLIENT : ApiSpanKind.INTERNAL,
        startTime: [1_760_000_000 + i, 123_456_789],
        links: i % 5 === 4 && link ? [{ context: link.context, attributes: { 'link.kind': 'follows' } }] : [],
        attributes: {
          'http.request.method': 'GET', 'http.route': '/api/orders/:id', 'url.full': `https://shop.example.com/api/orders/${i}?expand=items`,
          'url.scheme': 'https', 'server.address': 'shop.example.com', 'server.port': 443, 'client.address': '10.0.0.' + (i % 255),
          'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
          'http.response.status_code': i % 7 === 0 ? 500 : 200, 'network.protocol.version': '1.1',
          'db.system': 'postgresql', 'db.namespace': 'orders', 'db.query.text': 'SELECT * FROM orders WHERE id = $1 AND tenant = $2',
          'db.response.rows': i * 3, 'thread.id': i % 16, 'order.total': 12.5 + i, 'order.items': ['sku-1', 'sku-2', `sku-${i}`],
          'feature.flags': [true, false], 'retry.count': 0, 'cache.hit': i % 2 === 0, 'ratio.nan': i % 50 === 0 ? NaN : 0.25,
        },
      },
      rootCtx,
    );
    if (i % 4 === 1) {
      s.recordException(Object.assign(new Error(`order ${i} not found`), { name: 'NotFoundError' }), [1_760_000_000 + i, 500]);
    }
    if (i % 7 === 0) s.setStatus({ code: SpanStatusCode.ERROR, message: 'internal error' });
    s.end([1_760_000_000 + i, 923_456_789]);
    if (isRoot) {
      rootCtx = trace.setSpan(context.active(), s);
      link = { context: s.spanContext() };
    }
  }
  return exporter.getFinishedSpans();
}

/** SDK spans serialized as OTLP protobuf and OTLP/JSON by `@opentelemetry/otlp-transformer`. */
export function sdkPayloads(count: number): { spans: ReadableSpan[]; proto: Uint8Array; json: string } {
  const spans = sdkSpans(count);
  const proto = ProtobufTraceSerializer.serializeRequest(spans)!;
  const json = new TextDecoder().decode(JsonTraceSerializer.serializeRequest(spans)!);
  return { spans, proto, json };
}
