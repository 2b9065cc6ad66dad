// Spans sent by the OpenTelemetry JS SDK (protobuf and JSON exporters) and hand-made payloads
// setting every OTLP field come back from /api/traces/{id} and /api/v2/traces/{id}, JSON and
// protobuf, equal field for field. Runs against real Postgres and PGlite.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { drivers } from '../support/databases.ts';
import { type TestServer, startTestServer } from '../support/app.ts';
import { canonFromProto } from '../support/oracle.ts';
import { encodeRequestJson, encodeRequestProto, everyFieldRequest } from '../support/payloads.ts';
import { assertStoredEquals, sendWithSdk } from '../support/sdk.ts';

for (const driver of drivers) {
  describe(`round trip on ${driver}`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(driver);
    });
    after(() => server?.close());

    test('OTel SDK protobuf exporter: every span comes back field for field', async () => {
      const exporter = new ProtoExporter({ url: `${server.url}/v1/traces` });
      const { traceId, expected } = await sendWithSdk(exporter, 'sdk-proto');
      assert.equal(expected.length, 5);
      assert.ok(expected.some((s) => s.droppedAttributesCount > 0 && s.droppedEventsCount > 0 && s.droppedLinksCount > 0));
      assert.ok(expected.every((s) => s.traceState === 'vendor=abc,other=1'));
      await assertStoredEquals(server.url, traceId, expected);
    });

    test('OTel SDK JSON exporter with gzip: every span comes back field for field', async () => {
      const exporter = new JsonExporter({ url: `${server.url}/v1/traces`, compression: 'gzip' as never });
      const { traceId, expected } = await sendWithSdk(exporter, 'sdk-json');
      await assertStoredEquals(server.url, traceId, expected);
    });

    test('hand-made protobuf payload with every field and AnyValue type', async () => {
      const traceId = '5b8efff798038103d269b633813fc60c';
      const req = everyFieldRequest(traceId, Math.floor(Date.now() / 1000) - 3600);
      const body = encodeRequestProto(req);
      const res = await fetch(`${server.url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body,
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/x-protobuf');
      assert.equal((await res.arrayBuffer()).byteLength, 0, 'full success is an empty protobuf message');
      await assertStoredEquals(server.url, traceId, canonFromProto(body));
    });

    test('hand-made OTLP/JSON payload with every field and AnyValue type', async () => {
      const traceId = '00000000000000000000000000abcdef';
      const req = everyFieldRequest(traceId, Math.floor(Date.now() / 1000) - 7200);
      const res = await fetch(`${server.url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: encodeRequestJson(req),
      });
      assert.equal(res.status, 200);
      assert.deepEqual(await res.json(), {});
      await assertStoredEquals(server.url, traceId, canonFromProto(encodeRequestProto(req)));
      // Tempo accepts short ids, left-padded: 'abcdef' is the same trace.
      const short = await fetch(`${server.url}/api/traces/ABCDEF`);
      assert.equal(short.status, 200);
    });
  });
}
