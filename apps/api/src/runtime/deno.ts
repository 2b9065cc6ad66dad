import type { RuntimeAdapter } from './types.ts';

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

export const denoRuntime: RuntimeAdapter = {
  name: 'deno',
  version: Deno.version.deno,
  async serve(fetch, port, hostname) {
    const server = Deno.serve({ port, hostname, onListen: () => {} }, fetch);
    return { port: server.addr.port, close: () => server.shutdown() };
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
};
