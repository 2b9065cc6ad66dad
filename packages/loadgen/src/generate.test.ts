import assert from 'node:assert/strict';
import { describe as suite, it } from 'node:test';
import { encodeOtlpJson, encodeTracesDataProto, type KeyValue, type Span, type TracesData } from '@tracegres/otlp';
import { describe } from './describe.ts';
import { createGenerator, type GeneratorOptions } from './generate.ts';
import { serviceNames } from './topology.ts';

const T0 = 1_760_000_000_000_000_000n; // fixed base time: output must not depend on the clock

interface Flat {
  span: Span;
  service: string;
  resourceIndex: number;
}

function flatten(td: TracesData): Flat[] {
  const out: Flat[] = [];
  td.resourceSpans.forEach((rs, resourceIndex) => {
    const service = rs.resource.attributes.find((kv) => kv.key === 'service.name')?.value;
    for (const ss of rs.scopeSpans) for (const span of ss.spans) out.push({ span, service: service?.type === 'string' ? service.value : '?', resourceIndex });
  });
  return out;
}

function attr(attrs: KeyValue[], key: string): unknown {
  const v = attrs.find((kv) => kv.key === key)?.value;
  return v && 'value' in v ? v.value : undefined;
}

function traces(opts: Partial<GeneratorOptions> & { n: number }): TracesData[] {
  const gen = createGenerator({ seed: 11, startTimeNs: T0, ...opts });
  return Array.from({ length: opts.n }, () => gen.nextTrace());
}

suite('createGenerator: determinism', () => {
  const payloads = (seed: number | string) => {
    const gen = createGenerator({ seed, startTimeNs: T0, largeTraceShare: 0.01, maxSpans: 3000 });
    const tds = [...Array.from({ length: 200 }, () => gen.nextTrace()), gen.batch({ spans: 4096 }), gen.batch({ spans: 1000, splitTraces: true })];
    return { proto: tds.map((td) => encodeTracesDataProto(td)), json: tds.map((td) => encodeOtlpJson(td)) };
  };

  it('same seed => byte-identical protobuf and JSON payloads', () => {
    const a = payloads(1234);
    const b = payloads(1234);
    assert.equal(a.proto.length, b.proto.length);
    for (let i = 0; i < a.proto.length; i++) {
      assert.deepEqual(a.proto[i], b.proto[i], `protobuf payload ${i}`);
      assert.equal(a.json[i], b.json[i], `JSON payload ${i}`);
    }
  });

  it('different seed => different payloads', () => {
    const a = payloads(1234);
    const c = payloads('another seed');
    assert.notDeepEqual(a.proto[0], c.proto[0]);
    assert.notEqual(a.json.join(), c.json.join());
  });

  it('takes the base time from the option, and defaults to now', () => {
    const fixed = flatten(createGenerator({ seed: 3, startTimeNs: T0 }).nextTrace());
    for (const { span } of fixed) assert.ok(span.startTimeUnixNano >= T0 && span.startTimeUnixNano < T0 + 3_600_000_000_000n);
    const now = BigInt(Date.now()) * 1_000_000n;
    const live = flatten(createGenerator({ seed: 3 }).nextTrace());
    for (const { span } of live) assert.ok(span.startTimeUnixNano > now - 60_000_000_000n && span.startTimeUnixNano < now + 60_000_000_000n);
    const pinned = flatten(createGenerator({ seed: 3, startTimeNs: T0 }).nextTrace({ startTimeNs: 5_000_000_000n }));
    assert.ok(pinned.every(({ span }) => span.startTimeUnixNano >= 5_000_000_000n && span.startTimeUnixNano < 3_605_000_000_000n));
  });

  it('rejects bad options with a message naming them', () => {
    assert.throws(() => createGenerator({ seed: 1, errorRate: 2 }), /errorRate/);
    assert.throws(() => createGenerator({ seed: 1, maxSpans: 1 }), /maxSpans/);
    assert.throws(() => createGenerator({ seed: 1, tracesPerSecond: 0 }), /tracesPerSecond/);
    assert.throws(() => createGenerator({ seed: 1 }).batch({ spans: 0 }), /spans/);
  });
});

suite('createGenerator: shape of the data', () => {
  const tds = traces({ n: 3000, largeTraceShare: 0.01, maxSpans: 2000 });
  const summary = describe(tds);

  it('uses the whole topology within a few thousand traces', () => {
    assert.deepEqual(summary.services, [...serviceNames].sort());
    assert.ok(summary.services.length >= 12);
  });

  it('has every span kind', () => {
    for (const k of ['SERVER', 'CLIENT', 'INTERNAL', 'PRODUCER', 'CONSUMER']) assert.ok(summary.kinds[k] > 0, k);
    assert.equal(summary.kinds.UNSPECIFIED, 0);
    assert.ok(summary.kinds.CLIENT > summary.kinds.SERVER, 'every SERVER has a CLIENT, plus db/cache/external calls');
  });

  it('has about 20 attributes per span', () => {
    assert.ok(summary.avgAttributes >= 17 && summary.avgAttributes <= 24, `avgAttributes ${summary.avgAttributes}`);
    assert.ok(summary.avgResourceAttributes >= 12, `avgResourceAttributes ${summary.avgResourceAttributes}`);
  });

  it('keeps ordinary traces within 3..300 spans and honours the large share', () => {
    const d = summary.spanCountDistribution;
    assert.ok(d.min >= 3, `min ${d.min}`);
    assert.ok(d.max <= 2000, `max ${d.max}`);
    assert.ok(d.p50 >= 5 && d.p50 <= 40, `p50 ${d.p50}`);
    assert.ok(d.buckets['101-300'] > 0, 'some traces of 101-300 spans');
    // 1% of request traces; consumer traces (never large) dilute the share a little
    const share = summary.largeTraces / summary.traces;
    assert.ok(share >= 0.004 && share <= 0.016, `large share ${share}`);
    for (const td of tds) {
      const n = flatten(td).length;
      const large = flatten(td).some(({ service }) => service === 'inventory-sync');
      assert.ok(large ? n > 300 && n <= 2000 : n <= 300, `trace of ${n} spans (large: ${large})`);
    }
  });

  it('has errors in the configured share of traces, with exception events', () => {
    assert.ok(summary.errorShare >= 0.025 && summary.errorShare <= 0.06, `errorShare ${summary.errorShare}`);
    let withException = 0;
    for (const td of tds) {
      const spans = flatten(td).map((f) => f.span);
      if (!spans.some((s) => s.status.code === 2)) continue;
      if (spans.some((s) => s.events.some((e) => e.name === 'exception'))) withException++;
      for (const s of spans) {
        for (const e of s.events.filter((ev) => ev.name === 'exception')) {
          for (const k of ['exception.type', 'exception.message', 'exception.stacktrace']) assert.equal(typeof attr(e.attributes, k), 'string', k);
        }
      }
    }
    assert.ok(withException >= summary.errorTraces * 0.5, `${withException} of ${summary.errorTraces} error traces have an exception event`);
    const none = describe(traces({ n: 500, errorRate: 0 }));
    assert.equal(none.errorTraces, 0);
    const half = describe(traces({ n: 500, errorRate: 0.5 }));
    assert.ok(half.errorShare > 0.4 && half.errorShare < 0.6, `errorShare ${half.errorShare}`);
  });

  it('builds well-formed trees: one root, parents exist, children inside parents, unique ids', () => {
    const allSpanIds = new Set<string>();
    const traceIds = new Set<string>();
    for (const td of tds) {
      const flat = flatten(td);
      const traceId = flat[0].span.traceId;
      assert.ok(!traceIds.has(traceId), 'trace ids unique');
      traceIds.add(traceId);
      const byId = new Map<string, Flat>();
      for (const f of flat) {
        assert.equal(f.span.traceId, traceId, 'nextTrace() returns one trace');
        assert.match(f.span.traceId, /^[0-9a-f]{32}$/);
        assert.match(f.span.spanId, /^[0-9a-f]{16}$/);
        assert.ok(!allSpanIds.has(f.span.spanId), 'span ids unique');
        allSpanIds.add(f.span.spanId);
        byId.set(f.span.spanId, f);
        assert.ok(f.span.endTimeUnixNano >= f.span.startTimeUnixNano);
        assert.ok(f.span.flags === 0x101 || f.span.flags === 0x301, `flags ${f.span.flags}`);
        for (const e of f.span.events) assert.ok(e.timeUnixNano >= f.span.startTimeUnixNano && e.timeUnixNano <= f.span.endTimeUnixNano, `event ${e.name} inside ${f.span.name}`);
      }
      assert.equal(flat.filter((f) => f.span.parentSpanId === '').length, 1, 'one root');
      for (const f of flat) {
        if (!f.span.parentSpanId) continue;
        const p = byId.get(f.span.parentSpanId);
        assert.ok(p, `parent of ${f.span.name} exists`);
        assert.ok(f.span.startTimeUnixNano >= p.span.startTimeUnixNano && f.span.endTimeUnixNano <= p.span.endTimeUnixNano, `${f.span.name} inside ${p.span.name}`);
        const remote = p.resourceIndex !== f.resourceIndex;
        assert.equal(f.span.flags, remote ? 0x301 : 0x101, 'is-remote flag matches the parent');
      }
    }
  });

  it('pairs SERVER spans with a CLIENT parent in another service, with matching peer attributes', () => {
    let pairs = 0;
    for (const td of tds) {
      const flat = flatten(td);
      const byId = new Map(flat.map((f) => [f.span.spanId, f]));
      for (const f of flat) {
        if (f.span.kind !== 2 || !f.span.parentSpanId) continue;
        const p = byId.get(f.span.parentSpanId)!;
        assert.equal(p.span.kind, 3, 'a SERVER span with a parent has a CLIENT parent');
        assert.notEqual(p.service, f.service);
        assert.equal(attr(p.span.attributes, 'server.address'), attr(f.span.attributes, 'server.address'));
        if (attr(f.span.attributes, 'rpc.system') === 'grpc') {
          assert.equal(p.span.name, f.span.name);
          assert.equal(attr(p.span.attributes, 'rpc.method'), attr(f.span.attributes, 'rpc.method'));
          assert.equal(attr(p.span.attributes, 'rpc.grpc.status_code'), attr(f.span.attributes, 'rpc.grpc.status_code'));
        } else {
          assert.equal(attr(p.span.attributes, 'http.response.status_code'), attr(f.span.attributes, 'http.response.status_code'));
        }
        if (p.service !== 'web-frontend') assert.equal(attr(p.span.attributes, 'peer.service'), f.service);
        pairs++;
      }
    }
    assert.ok(pairs > 1000);
  });

  it('links each consumer trace back to a producer span that exists', () => {
    const producers = new Map<string, Span>();
    let consumers = 0;
    for (const td of tds) {
      for (const { span } of flatten(td)) {
        if (span.kind === 4) {
          producers.set(`${span.traceId}/${span.spanId}`, span);
          assert.equal(attr(span.attributes, 'messaging.destination.name'), 'orders');
          assert.equal(span.name, 'orders publish');
        }
        if (span.kind === 5) {
          consumers++;
          assert.equal(span.parentSpanId, '', 'the consumer starts its own trace');
          assert.equal(span.links.length, 1);
          const link = span.links[0];
          const producer = producers.get(`${link.traceId}/${link.spanId}`);
          assert.ok(producer, 'linked producer span exists (and came earlier)');
          assert.notEqual(link.traceId, span.traceId);
          assert.ok(span.startTimeUnixNano >= producer.endTimeUnixNano, 'consumed after it was produced');
          assert.equal(attr(span.attributes, 'messaging.kafka.message.key'), attr(producer.attributes, 'messaging.kafka.message.key'));
        }
      }
    }
    assert.ok(consumers > 20);
  });

  it('uses semantic-convention attributes and typed app attributes', () => {
    const seen = new Map<string, string>();
    for (const td of tds.slice(0, 1000)) for (const { span } of flatten(td)) for (const kv of span.attributes) seen.set(kv.key, kv.value.type);
    const want: Record<string, string> = {
      'http.request.method': 'string', 'url.path': 'string', 'url.scheme': 'string', 'http.route': 'string',
      'http.response.status_code': 'int', 'server.address': 'string', 'server.port': 'int', 'user_agent.original': 'string',
      'client.address': 'string', 'db.system.name': 'string', 'db.namespace': 'string', 'db.operation.name': 'string',
      'db.query.text': 'string', 'db.collection.name': 'string', 'rpc.system': 'string', 'rpc.service': 'string',
      'rpc.method': 'string', 'rpc.grpc.status_code': 'int', 'messaging.system': 'string', 'messaging.destination.name': 'string',
      'messaging.operation.type': 'string', 'messaging.kafka.message.key': 'string', 'peer.service': 'string',
      'app.user_id': 'string', 'app.cart.items': 'int', 'app.order.total': 'double', 'app.product.ids': 'array',
      'app.feature_flag.new_checkout': 'bool',
    };
    for (const [k, type] of Object.entries(want)) assert.equal(seen.get(k), type, k);
    const withState = tds.filter((td) => flatten(td)[0].span.traceState !== '').length;
    assert.ok(withState > 0 && withState < tds.length * 0.3, `traceState on ${withState} traces`);
  });

  it('gives each resource the expected attributes and instrumentation scopes', () => {
    const td = createGenerator({ seed: 2, startTimeNs: T0 }).batch({ spans: 8192 });
    for (const rs of td.resourceSpans) {
      const keys = new Set(rs.resource.attributes.map((kv) => kv.key));
      for (const k of ['service.name', 'service.namespace', 'service.version', 'deployment.environment.name', 'telemetry.sdk.language', 'telemetry.sdk.name', 'telemetry.sdk.version']) assert.ok(keys.has(k), k);
      if (attr(rs.resource.attributes, 'telemetry.sdk.language') !== 'webjs') {
        for (const k of ['host.name', 'k8s.pod.name', 'service.instance.id']) assert.ok(keys.has(k), k);
      }
      const scopes = rs.scopeSpans.map((s) => s.scope.name);
      assert.equal(new Set(scopes).size, scopes.length, 'one ScopeSpans per scope');
      for (const s of rs.scopeSpans) assert.ok(s.scope.name.length > 0 && s.spans.length > 0);
    }
    const names = new Set(td.resourceSpans.flatMap((rs) => rs.scopeSpans.map((s) => s.scope.name)));
    for (const n of ['@opentelemetry/instrumentation-fetch', 'io.opentelemetry.jdbc', 'go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc']) assert.ok(names.has(n), n);
    assert.equal(new Set(td.resourceSpans.map((rs) => rs.resource)).size, td.resourceSpans.length, 'one ResourceSpans per resource');
  });
});

suite('createGenerator: batches and big traces', () => {
  it('batch() packs whole traces up to the target, from several services', () => {
    const gen = createGenerator({ seed: 5, startTimeNs: T0, largeTraceShare: 0 });
    for (let i = 0; i < 5; i++) {
      const td = gen.batch({ spans: 2000 });
      const flat = flatten(td);
      assert.ok(flat.length <= 2000 && flat.length > 1500, `batch of ${flat.length}`);
      assert.ok(new Set(flat.map((f) => f.service)).size >= 8);
      const perTrace = new Map<string, Flat[]>();
      for (const f of flat) perTrace.set(f.span.traceId, [...(perTrace.get(f.span.traceId) ?? []), f]);
      for (const spans of perTrace.values()) assert.equal(spans.filter((f) => !f.span.parentSpanId).length, 1, 'whole traces: each has its root');
    }
  });

  it('batch({ splitTraces: true }) gives exact sizes', () => {
    const gen = createGenerator({ seed: 5, startTimeNs: T0, largeTraceShare: 0.2, maxSpans: 5000 });
    for (let i = 0; i < 6; i++) assert.equal(flatten(gen.batch({ spans: 1000, splitTraces: true })).length, 1000);
  });

  it('makes large traces up to maxSpans (default 50,000) as a batch-job fan-out', () => {
    const gen = createGenerator({ seed: 8, startTimeNs: T0, largeTraceShare: 1 });
    let max = 0;
    for (let i = 0; i < 3; i++) {
      const flat = flatten(gen.nextTrace());
      max = Math.max(max, flat.length);
      assert.ok(flat.length > 300 && flat.length <= 50_000, `large trace of ${flat.length}`);
      const root = flat.find((f) => !f.span.parentSpanId)!;
      assert.equal(root.service, 'inventory-sync');
      for (const f of flat) assert.ok(f.span.endTimeUnixNano <= root.span.endTimeUnixNano);
    }
    assert.ok(max > 1000);
    assert.equal(gen.stats.largeTraces, 3);
  });

  it('keeps stats of what it generated', () => {
    const gen = createGenerator({ seed: 9, startTimeNs: T0 });
    const tds = Array.from({ length: 300 }, () => gen.nextTrace());
    const d = describe(tds);
    assert.equal(gen.stats.traces, 300);
    assert.equal(gen.stats.spans, d.spans);
    assert.equal(gen.stats.errorTraces, d.errorTraces);
    assert.equal(gen.stats.consumerTraces, d.kinds.CONSUMER);
  });
});
