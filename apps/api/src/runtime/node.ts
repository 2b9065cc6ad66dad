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
      const http = server as unknown as { requestTimeout: number; keepAliveTimeout: number; headersTimeout: number };
      http.requestTimeout = 120_000;
      // Node closes idle keep-alive connections after 5 s, the moment a client may pick the same
      // connection for its next request: on a busy machine the two race and the client's request
      // fails with a reset (seen as "fetch failed"). Exporters and proxies idle far longer between
      // batches; 65 s (the usual load-balancer idle timeout) makes that race rare.
      http.keepAliveTimeout = 65_000;
      http.headersTimeout = 66_000;
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
