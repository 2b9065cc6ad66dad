// A trace big enough to be read in two halves (read-trace.ts, over 10,000 spans) comes back whole,
// once per span, in (start, span id) order, with its attributes, through the protobuf answer the
// trace page uses and the JSON one. Many spans share a start time, so the tie order is checked too.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Span, type TracesData, bytesToHex, decodeExportRequestProto, encodeTracesDataProto } from '@tracegres/otlp';
import { decodeTraceByIdProto } from '../../apps/web/src/lib/trace-response.ts';
import { type TestServer, startTestServer } from '../support/app.ts';
import { drivers } from '../support/databases.ts';

const SPANS = 10_400;

function bigTrace(): { td: TracesData; traceId: string; spans: Span[] } {
  let seed = 42;
  const byte = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) >>> 24);
  const traceId = bytesToHex(Uint8Array.from({ length: 16 }, () => 1 + (byte() % 255)));
  const base = BigInt(Date.now() - 10 * 60_000) * 1_000_000n;
  const spans: Span[] = [];
  for (let i = 0; i < SPANS; i++) {
    // 1,300 distinct start times: about eight spans share each one.
    const start = base + BigInt(i % 1300) * 1_000_000n;
    spans.push({
      traceId, spanId: bytesToHex(Uint8Array.from({ length: 8 }, byte)), parentSpanId: i === 0 ? '' : spans[0]?.spanId ?? '',
      traceState: '', name: `op-${i % 17}`, kind: 1, startTimeUnixNano: start, endTimeUnixNano: start + 500_000n,
      attributes: [{ key: 'i', value: { type: 'int', value: BigInt(i) } }, { key: 'shard', value: { type: 'string', value: `s${i % 5}` } }],
      droppedAttributesCount: 0, events: [], droppedEventsCount: 0, links: [], droppedLinksCount: 0,
      status: { code: 0, message: '' }, flags: 0,
    });
  }
  const td: TracesData = {
    resourceSpans: [{
      resource: { attributes: [{ key: 'service.name', value: { type: 'string', value: 'batch' } }], droppedAttributesCount: 0 },
      schemaUrl: '',
      scopeSpans: [{ scope: { name: 'big', version: '', attributes: [], droppedAttributesCount: 0 }, schemaUrl: '', spans }],
    }],
  };
  return { td, traceId, spans };
}

for (const driver of drivers) {
  describe(`a big trace read in halves on ${driver}`, () => {
    let server: TestServer;
    const { td, traceId, spans } = bigTrace();
    const expected = [...spans].sort((a, b) =>
      a.startTimeUnixNano !== b.startTimeUnixNano ? (a.startTimeUnixNano < b.startTimeUnixNano ? -1 : 1) : a.spanId < b.spanId ? -1 : 1,
    );

    before(async () => {
      server = await startTestServer(driver);
      for (let i = 0; i < SPANS; i += 2600) {
        const part = { resourceSpans: [{ ...td.resourceSpans[0], scopeSpans: [{ ...td.resourceSpans[0].scopeSpans[0], spans: spans.slice(i, i + 2600) }] }] };
        const res = await fetch(`${server.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: encodeTracesDataProto(part) });
        assert.equal(res.status, 200, await res.text());
      }
    });
    after(() => server?.close());

    test('protobuf: every span once, in (start, span id) order, attributes intact', async () => {
      const res = await fetch(`${server.url}/api/v2/traces/${traceId}`, { headers: { accept: 'application/protobuf' } });
      assert.equal(res.status, 200);
      const got = decodeTraceByIdProto(new Uint8Array(await res.arrayBuffer())).trace.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
      assert.equal(got.length, SPANS);
      assert.deepEqual(got.map((s) => s.spanId), expected.map((s) => s.spanId));
      const byId = new Map(spans.map((s) => [s.spanId, s]));
      for (const s of got) assert.deepEqual(s.attributes, byId.get(s.spanId)!.attributes);
    });

    test('v1 answers the same spans in the same order, as protobuf and as JSON batches', async () => {
      const res = await fetch(`${server.url}/api/traces/${traceId}`, { headers: { accept: 'application/protobuf' } });
      const got = decodeExportRequestProto(new Uint8Array(await res.arrayBuffer())).resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
      assert.deepEqual(got.map((s) => s.spanId), expected.map((s) => s.spanId));
      const json = (await (await fetch(`${server.url}/api/traces/${traceId}`)).json()) as { batches: { scopeSpans: { spans: unknown[] }[] }[] };
      assert.equal(json.batches.flatMap((b) => b.scopeSpans.flatMap((s) => s.spans)).length, SPANS);
    });
  });
}
