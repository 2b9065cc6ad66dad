// Traces for the browser tests, sent the way applications send them: through the OpenTelemetry
// JS SDK and its OTLP/HTTP protobuf exporter. Several services each get their own tracer
// provider (their own resource), and context is handed across them as it would cross a network.
import { type Context, type Span, SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

export const XSS = '<img src=x onerror=alert(1)>';

export interface SentTraces {
  /** frontend GET /checkout: 7 spans over 3 services, one error, events and links. */
  checkout: string;
  checkoutSpans: { root: string; charge: string; reserve: string; audit: string };
  /** catalog GET /products: 2 spans, the longest trace (1.2 s). */
  slow: string;
  /** catalog GET /products: 3 quick spans. */
  quick: string;
  /** A span named and attributed with markup. */
  xss: string;
  /** frontend GET /orphans: a child 5 ms ahead of its parent (clock skew) and a span whose parent never arrived. */
  messy: string;
  messySpans: { skewed: string; orphan: string };
}

/** Sends the test traces to `baseUrl` and returns their ids. Start times are `now - 2 min` onwards. */
export async function sendTestTraces(baseUrl: string): Promise<SentTraces> {
  const providers: BasicTracerProvider[] = [];
  const tracerFor = (service: string) => {
    const p = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': service, 'service.version': '1.4.2', 'deployment.environment.name': 'e2e' }),
      spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${baseUrl}/v1/traces` }))],
    });
    providers.push(p);
    return p.getTracer('tracegres-e2e', '1.0.0');
  };
  const frontend = tracerFor('frontend');
  const checkout = tracerFor('checkout');
  const inventory = tracerFor('inventory');
  const catalog = tracerFor('catalog');
  const xssService = tracerFor('markup-service');

  const t0 = Date.now() - 120_000;
  const at = (ms: number) => new Date(t0 + ms);
  const child = (parent: Span): Context => trace.setSpan(context.active(), parent);

  // The slow and quick traces first, so "most recent" and "oldest" differ from insertion order.
  const slowRoot = catalog.startSpan('GET /products', { kind: SpanKind.SERVER, startTime: at(0), attributes: { 'http.route': '/products', 'http.response.status_code': 200 } });
  const slowDb = catalog.startSpan('SELECT products', { kind: SpanKind.CLIENT, startTime: at(10), attributes: { 'db.system.name': 'postgresql' } }, child(slowRoot));
  slowDb.end(at(1150));
  slowRoot.end(at(1200));

  const quickRoot = catalog.startSpan('GET /products', { kind: SpanKind.SERVER, startTime: at(5000), attributes: { 'http.route': '/products', 'http.response.status_code': 200 } });
  for (const [name, s, e] of [['cache get', 1, 3], ['render', 4, 9]] as const) {
    catalog.startSpan(name, { startTime: at(5000 + s) }, child(quickRoot)).end(at(5000 + e));
  }
  quickRoot.end(at(5010));

  const root = frontend.startSpan('GET /checkout', {
    kind: SpanKind.SERVER,
    startTime: at(10_000),
    attributes: { 'http.request.method': 'GET', 'http.route': '/checkout', 'http.response.status_code': 500, 'app.user_id': 'u-42' },
  });
  const place = checkout.startSpan('place order', { kind: SpanKind.SERVER, startTime: at(10_020), attributes: { 'app.order.id': 'ord-7731' } }, child(root));
  const reserve = inventory.startSpan('reserve stock', { kind: SpanKind.SERVER, startTime: at(10_030), attributes: { 'app.items': 3 } }, child(place));
  const reserveDb = inventory.startSpan('UPDATE stock', { kind: SpanKind.CLIENT, startTime: at(10_040), attributes: { 'db.system.name': 'postgresql', 'db.query.text': 'UPDATE stock SET n = n - $1' } }, child(reserve));
  reserveDb.end(at(10_090));
  reserve.end(at(10_100));
  const charge = checkout.startSpan('charge card', {
    kind: SpanKind.CLIENT,
    startTime: at(10_110),
    attributes: { 'payment.provider': 'acme-pay', 'payment.amount': 42.5 },
    links: [{ context: reserve.spanContext(), attributes: { 'link.reason': 'stock reserved for this charge' } }],
  }, child(place));
  charge.addEvent('retry', { attempt: 1 }, at(10_150));
  charge.recordException(new Error('card declined'), at(10_290));
  charge.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
  charge.end(at(10_300));
  const audit = checkout.startSpan('write audit log', {
    startTime: at(10_310),
    links: [{ context: slowRoot.spanContext(), attributes: { 'link.reason': 'same customer browsed' } }],
  }, child(place));
  audit.end(at(10_330));
  place.end(at(10_340));
  frontend.startSpan('render error page', { startTime: at(10_345) }, child(root)).end(at(10_360));
  root.setStatus({ code: SpanStatusCode.ERROR });
  root.end(at(10_370));

  // A messy trace: a child whose clock runs 5 ms ahead of its parent's, and a span whose parent
  // lives in a service that never sent it (a remote parent context).
  const messyRoot = frontend.startSpan('GET /orphans', { kind: SpanKind.SERVER, startTime: at(15_000) });
  const skewed = inventory.startSpan('check stock', { kind: SpanKind.SERVER, startTime: at(14_995) }, child(messyRoot));
  skewed.end(at(15_020));
  messyRoot.end(at(15_050));
  const lost = trace.setSpanContext(context.active(), { traceId: messyRoot.spanContext().traceId, spanId: 'feedfacecafebeef', traceFlags: 1, isRemote: true });
  const orphan = checkout.startSpan('late callback', { kind: SpanKind.CONSUMER, startTime: at(15_030) }, lost);
  orphan.end(at(15_040));

  const xssRoot = xssService.startSpan(XSS, { kind: SpanKind.SERVER, startTime: at(20_000), attributes: { 'user.input': XSS, [XSS]: 'key with markup' } });
  xssRoot.addEvent(XSS, { detail: XSS }, at(20_001));
  xssRoot.end(at(20_004));

  for (const p of providers) await p.forceFlush();
  for (const p of providers) await p.shutdown();
  return {
    checkout: root.spanContext().traceId,
    checkoutSpans: { root: root.spanContext().spanId, charge: charge.spanContext().spanId, reserve: reserve.spanContext().spanId, audit: audit.spanContext().spanId },
    slow: slowRoot.spanContext().traceId,
    quick: quickRoot.spanContext().traceId,
    xss: xssRoot.spanContext().traceId,
    messy: messyRoot.spanContext().traceId,
    messySpans: { skewed: skewed.spanContext().spanId, orphan: orphan.spanContext().spanId },
  };
}
