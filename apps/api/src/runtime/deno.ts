import type { RuntimeAdapter } from './types.ts';
import { serveGrpc } from './grpc.ts';
import { zlibInflate } from './zlib-inflate.ts';

declare const Deno: {
  version: { deno: string };
  serve(
    o: { port: number; hostname: string; onListen?: (a: { port: number }) => void },
    fetch: (r: Request) => Response | Promise<Response>,
  ): { finished: Promise<void>; shutdown(): Promise<void>; addr: { port: number } };
  readTextFile(path: string): Promise<string>;
  addSignalListener(sig: string, fn: () => void): void;
  env: { toObject(): Record<string, string> };
  exit(code: number): never;
};

/** How long close() lets in-flight requests finish before shutting the server down anyway. */
const DRAIN_TIMEOUT_MS = 30_000;

export const denoRuntime: RuntimeAdapter = {
  name: 'deno',
  version: Deno.version.deno,
  async serve(fetch, port, hostname) {
    // Deno 2.9's shutdown() makes the body of a request still being received unreadable
    // (denoland/deno#36809), so an OTLP export arriving at SIGTERM would fail with a 400. Close
    // therefore waits for in-flight requests first; requests arriving meanwhile get a 503 that
    // clients retry, as they would a refused connection on Node.
    let inFlight = 0;
    let closing = false;
    let drained = () => {};
    const handler = async (req: Request): Promise<Response> => {
      if (closing) {
        return new Response('shutting down', { status: 503, headers: { connection: 'close', 'retry-after': '1' } });
      }
      inFlight++;
      try {
        return await fetch(req);
      } finally {
        if (--inFlight === 0) drained();
      }
    };
    const server = Deno.serve({ port, hostname, onListen: () => {} }, handler);
    return {
      port: server.addr.port,
      async close() {
        closing = true;
        if (inFlight > 0) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, DRAIN_TIMEOUT_MS);
            drained = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        }
        await server.shutdown();
      },
    };
  },
  readText: (path) => Deno.readTextFile(path).catch(() => undefined),
  onShutdown(fn) {
    let done = false;
    const handler = () => {
      if (!done) {
        done = true;
        void fn();
      }
    };
    Deno.addSignalListener('SIGINT', handler);
    Deno.addSignalListener('SIGTERM', handler);
  },
  env: () => Deno.env.toObject(),
  exit: (code) => Deno.exit(code),
  inflate: zlibInflate,
  serveGrpc,
};
