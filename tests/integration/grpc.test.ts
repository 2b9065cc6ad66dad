// OTLP/gRPC TraceService/Export: the OTel JS gRPC exporter's spans come back intact (plain and
// gzip), overload answers UNAVAILABLE with a RetryInfo delay, bad data INVALID_ARGUMENT with a
// message, and a message over the receive limit RESOURCE_EXHAUSTED. In-process on Node; the
// contract suite (tests/contract/contract.ts) runs the exporter check against Bun and Deno.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { ApiError } from '../../apps/api/src/errors.ts';
import { grpcExportHandler } from '../../apps/api/src/ingest/grpc-export.ts';
import { nodeRuntime } from '../../apps/api/src/runtime/node.ts';
import type { Listener } from '../../apps/api/src/runtime/types.ts';
import { type TestServer, startTestServer } from '../support/app.ts';
import { drivers } from '../support/databases.ts';
import { encodeRequestProto, everyFieldRequest } from '../support/payloads.ts';
import { RpcStatus } from '../support/oracle.ts';
import { assertStoredEquals, sendWithSdk } from '../support/sdk.ts';

const recent = () => Math.floor(Date.now() / 1000) - 600;
const PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

/** A raw unary call: bytes in, the status (and details trailer) out. */
function call(address: string, message: Uint8Array, metadata = new grpc.Metadata()): Promise<{ code: number; details: string; response?: Buffer; statusDetails?: Buffer }> {
  const client = new grpc.Client(address, grpc.credentials.createInsecure());
  return new Promise((resolve) => {
    client.makeUnaryRequest(PATH, (b: Buffer) => b, (b: Buffer) => b, Buffer.from(message), metadata, (err, response) => {
      client.close();
      if (err) resolve({ code: err.code, details: err.details, statusDetails: err.metadata.get('grpc-status-details-bin')[0] as Buffer | undefined });
      else resolve({ code: 0, details: '', response: response as Buffer });
    });
  });
}

for (const driver of drivers) {
  describe(`OTLP/gRPC receiver (${driver})`, () => {
    let server: TestServer;
    let listener: Listener;
    let address: string;
    before(async () => {
      server = await startTestServer(driver);
      listener = await nodeRuntime.serveGrpc!(grpcExportHandler(server.deps), 0, '127.0.0.1', server.deps.config.ingestMaxBodyBytes);
      address = `127.0.0.1:${listener.port}`;
    });
    after(async () => {
      await listener?.close();
      await server?.close();
    });

    for (const compression of ['none', 'gzip']) {
      test(`the OTel gRPC exporter's spans come back field for field (${compression})`, async () => {
        const exporter = new OTLPTraceExporter({ url: `http://${address}`, compression: compression as never });
        const { traceId, expected, exportErrors } = await sendWithSdk(exporter, `grpc-${compression}`);
        await exporter.shutdown();
        assert.deepEqual(exportErrors, []);
        assert.equal(expected.length, 5);
        await assertStoredEquals(server.url, traceId, expected);
      });
    }

    test('every OTLP field through a raw call; the tenant comes from metadata', async () => {
      const traceId = randomBytes(16).toString('hex');
      const md = new grpc.Metadata();
      md.set('x-scope-orgid', 'grpc-tenant');
      const res = await call(address, encodeRequestProto(everyFieldRequest(traceId, recent())), md);
      assert.equal(res.code, 0, res.details);
      assert.equal(res.response!.length, 0, 'full success is an empty ExportTraceServiceResponse');
      assert.equal((await fetch(`${server.url}/api/traces/${traceId}`)).status, 404, 'not in the default tenant');
      assert.equal((await fetch(`${server.url}/api/traces/${traceId}`, { headers: { 'x-scope-orgid': 'grpc-tenant' } })).status, 200);
    });

    test('undecodable data is INVALID_ARGUMENT with a message', async () => {
      const res = await call(address, new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f, 1, 2]));
      assert.equal(res.code, grpc.status.INVALID_ARGUMENT);
      assert.match(res.details, /\S/);
      const st = RpcStatus.toObject(RpcStatus.decode(res.statusDetails!)) as { code: number; message: string };
      assert.equal(st.code, 3);
      assert.equal(st.message, res.details);
    });

    test('overload is UNAVAILABLE with a RetryInfo delay', async () => {
      const submit = server.deps.writer.submit.bind(server.deps.writer);
      server.deps.writer.submit = async () => {
        throw new ApiError('tooManyRequests', 'ingest queue is full; retry later', { retryAfter: 7 });
      };
      try {
        const res = await call(address, encodeRequestProto(everyFieldRequest(randomBytes(16).toString('hex'), recent())));
        assert.equal(res.code, grpc.status.UNAVAILABLE);
        assert.match(res.details, /queue is full/);
        const st = RpcStatus.toObject(RpcStatus.decode(res.statusDetails!)) as { code: number; details: { type_url?: string; typeUrl?: string; value: Uint8Array }[] };
        assert.equal(st.code, 14);
        const any = st.details[0];
        assert.equal(any.typeUrl ?? any.type_url, 'type.googleapis.com/google.rpc.RetryInfo');
        // RetryInfo{retry_delay: Duration{seconds: 7}} = 0a 02 08 07
        assert.deepEqual([...any.value], [0x0a, 0x02, 0x08, 0x07]);
      } finally {
        server.deps.writer.submit = submit;
      }
    });

    test('a message over the receive limit is RESOURCE_EXHAUSTED', async () => {
      const small = await nodeRuntime.serveGrpc!(grpcExportHandler(server.deps), 0, '127.0.0.1', 1024);
      try {
        const res = await call(`127.0.0.1:${small.port}`, new Uint8Array(4096));
        assert.equal(res.code, grpc.status.RESOURCE_EXHAUSTED);
      } finally {
        await small.close();
      }
    });
  });
}
