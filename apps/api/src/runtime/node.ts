import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import type { RuntimeAdapter } from './types.ts';
import { serveGrpc } from './grpc.ts';
import { zlibInflate } from './zlib-inflate.ts';

export const nodeRuntime: RuntimeAdapter = {
  name: 'node',
  version: process.version,
  serve(fetch, port, hostname) {
    return new Promise((resolve, reject) => {
      const server = serve({ fetch, port, hostname }, (info) =>
        resolve({
          port: info.port,
          close: () =>
            new Promise<void>((done) => {
              // close() drops the connections idle at that moment only; one whose request was
              // still in flight would then hold the exit back for keepAliveTimeout (5s).
              const sweep = setInterval(() => (server as Server).closeIdleConnections(), 50);
              server.close(() => {
                clearInterval(sweep);
                done();
              });
            }),
        }),
      );
      server.once('error', reject);
      // OTLP bodies of several MB on slow links: keep Node's default timeouts from cutting them.
      (server as unknown as { requestTimeout: number }).requestTimeout = 120_000;
    });
  },
  readText: (path) => readFile(path, 'utf8').catch(() => undefined),
  onShutdown(fn) {
    let done = false;
    const handler = () => {
      if (done) return;
      done = true;
      void fn();
    };
    process.once('SIGINT', handler);
    process.once('SIGTERM', handler);
  },
  env: () => process.env,
  exit: (code) => process.exit(code),
  inflate: zlibInflate,
  serveGrpc,
};
