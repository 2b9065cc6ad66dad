import { Buffer } from 'node:buffer';
import * as grpc from '@grpc/grpc-js';
import type { GrpcReply, Metadata } from '../ingest/grpc-export.ts';
import type { Listener } from './types.ts';

const EXPORT_PATH = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
/** Replies are tiny; the spec's recommended reply cap. */
const MAX_SEND_BYTES = 4 * 1024 * 1024;
/** How long close() lets calls in flight finish before cutting them. */
const DRAIN_TIMEOUT_MS = 10_000;

/**
 * The OTLP/gRPC listener. @grpc/grpc-js does HTTP/2, message framing, gzip/deflate and the
 * receive limit (RESOURCE_EXHAUSTED past it) on Node, Bun and Deno alike; messages pass through
 * it as raw bytes and our own decoder reads them.
 */
export function serveGrpc(
  handle: (message: Uint8Array, metadata: Metadata) => Promise<GrpcReply>,
  port: number,
  hostname: string,
  maxReceiveBytes: number,
): Promise<Listener> {
  const server = new grpc.Server({
    'grpc.max_receive_message_length': maxReceiveBytes,
    'grpc.max_send_message_length': MAX_SEND_BYTES,
  });
  const raw = (b: Uint8Array) => b;
  const service: grpc.ServiceDefinition = {
    Export: {
      path: EXPORT_PATH,
      requestStream: false,
      responseStream: false,
      requestSerialize: raw as never,
      requestDeserialize: (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength),
      responseSerialize: (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength),
      responseDeserialize: raw as never,
    },
  };
  server.addService(service, {
    Export(call: grpc.ServerUnaryCall<Uint8Array, Uint8Array>, done: grpc.sendUnaryData<Uint8Array>) {
      const md = (k: string) => {
        const v = call.metadata.get(k)[0];
        return v === undefined ? undefined : String(v);
      };
      handle(call.request, md).then(
        (reply) => {
          if (reply.code === 0) return done(null, reply.response ?? new Uint8Array(0));
          const metadata = new grpc.Metadata();
          if (reply.details) metadata.set('grpc-status-details-bin', Buffer.from(reply.details));
          done({ code: reply.code, details: reply.message, metadata });
        },
        // A throwing handler would reach the client as UNKNOWN; say INTERNAL instead.
        (err) => done({ code: grpc.status.INTERNAL, details: `internal error: ${(err as Error)?.message ?? err}` }),
      );
    },
  });
  const host = hostname.includes(':') ? `[${hostname}]` : hostname;
  return new Promise((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) => {
      if (err) return reject(err);
      resolve({
        port: bound,
        close: () =>
          new Promise<void>((closed) => {
            const timer = setTimeout(() => {
              server.forceShutdown();
              closed();
            }, DRAIN_TIMEOUT_MS);
            server.tryShutdown(() => {
              clearTimeout(timer);
              closed();
            });
          }),
      });
    });
  });
}
