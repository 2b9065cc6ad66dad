/** What a runtime adapter provides; each of node.ts, bun.ts and deno.ts exports one. */
export interface Listener {
  /** The port actually bound (useful with port 0 in tests). */
  port: number;
  close(): Promise<void>;
}

import type { GrpcReply, Metadata } from '../ingest/grpc-export.ts';
import type { Inflate } from '../routes/otlp/body.ts';

export interface RuntimeAdapter {
  name: 'node' | 'bun' | 'deno';
  version: string;
  serve(fetch: (req: Request) => Response | Promise<Response>, port: number, hostname: string): Promise<Listener>;
  /** Reads a UTF-8 file, or undefined when it does not exist. */
  readText(path: string): Promise<string | undefined>;
  /** Calls `fn` once on SIGINT/SIGTERM. */
  onShutdown(fn: () => Promise<void>): void;
  env(): Record<string, string | undefined>;
  exit(code: number): never;
  /** Native gzip/deflate with an output cap; absent where only web streams exist. */
  inflate?: Inflate;
  /** Serves OTLP/gRPC `TraceService/Export`; absent where the runtime cannot. */
  serveGrpc?(
    handle: (message: Uint8Array, metadata: Metadata) => Promise<GrpcReply>,
    port: number,
    hostname: string,
    maxReceiveBytes: number,
  ): Promise<Listener>;
}
