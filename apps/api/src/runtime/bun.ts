import type { RuntimeAdapter } from './types.ts';
import { serveGrpc } from './grpc.ts';
import { zlibInflate } from './zlib-inflate.ts';

declare const Bun: {
  version: string;
  serve(o: {
    fetch: (r: Request) => Response | Promise<Response>;
    port: number;
    hostname: string;
    maxRequestBodySize?: number;
    idleTimeout?: number;
  }): {
    port: number;
    stop(force?: boolean): Promise<void> | void;
  };
  file(path: string): { exists(): Promise<boolean>; text(): Promise<string> };
  env: Record<string, string | undefined>;
};
declare const process: { on(sig: string, fn: () => void): void; exit(code: number): never };

export const bunRuntime: RuntimeAdapter = {
  name: 'bun',
  version: Bun.version,
  async serve(fetch, port, hostname) {
    // Bun's default body cap (128 MiB) is above our own limit, which readBody enforces.
    // Bun also resets a connection that is silent for 10s, even while the handler is still
    // working (a slow query, an ingest waiting on the database): allow what Node allows (120s).
    const server = Bun.serve({ fetch, port, hostname, maxRequestBodySize: 256 * 1024 * 1024, idleTimeout: 120 });
    // Graceful like Node's server.close() and Deno's shutdown(): in-flight requests (an OTLP
    // export being committed) finish; stop(true) would reset them.
    return { port: server.port, close: async () => void (await server.stop()) };
  },
  async readText(path) {
    const f = Bun.file(path);
    return (await f.exists()) ? f.text() : undefined;
  },
  onShutdown(fn) {
    let done = false;
    const handler = () => {
      if (!done) {
        done = true;
        void fn();
      }
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  },
  env: () => Bun.env,
  exit: (code) => process.exit(code),
  inflate: zlibInflate,
  serveGrpc,
};
