// The Cloudflare Worker bundle (apps/api/src/main.worker.ts -> one ES module) and the check that
// keeps its code path edge-safe. Used by scripts/build-worker.ts and by tests/edge/bundle.test.ts.
//
// Node's own modules stay external and are then checked against what workerd itself provides
// under `nodejs_compat` (not polyfills): only postgres.js' Workers build may use them, and only
// node:buffer, node:events and node:stream. Anything else (node:fs, node:zlib, worker threads,
// PGlite, the Node HTTP server, gRPC) means a Node-only path leaked into the Worker.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type Metafile, type Plugin, build } from 'esbuild';
import { loadMigrations } from '@tracegres/schema/node';

const root = new URL('..', import.meta.url).pathname;
export const workerEntry = join(root, 'apps/api/src/main.worker.ts');
export const workerOutDir = join(root, 'apps/api/dist/worker');

/** Node built-ins workerd implements natively, and the only package allowed to import them. */
const platformNodeModules = new Set(['node:buffer', 'node:events', 'node:stream']);
const platformNodeImporter = /^node_modules\/postgres\/cf\//;
/** Inputs that must never be in the Worker, with the reason shown when one is. */
const forbiddenInputs: [RegExp, string][] = [
  [/@electric-sql\/pglite/, 'PGlite (embedded Postgres) is not available on Workers'],
  [/^packages\/schema\/src\/node\//, '@tracegres/schema/node is the Node/Bun/Deno side (files, threads)'],
  [/@hono\/node-server/, 'the Node HTTP server'],
  [/@grpc\//, 'OTLP/gRPC needs a TCP listener'],
  [/^apps\/api\/src\/runtime\/(?!worker)/, 'a Node/Bun/Deno runtime adapter'],
  [/^apps\/api\/src\/(boot|main)\.ts$/, 'the long-running server start-up'],
];

/** The web UI's index page: the build's, else the source placeholder. */
function uiIndexHtml(): string | undefined {
  for (const p of ['apps/web/dist/index.html', 'apps/web/index.html']) {
    try {
      return readFileSync(join(root, p), 'utf8');
    } catch {
      // try the next
    }
  }
  return undefined;
}

/** `tracegres:*` modules generated at build time (see apps/api/src/worker/bundled.d.ts). */
const generated: Plugin = {
  name: 'tracegres-generated',
  setup(b) {
    b.onResolve({ filter: /^tracegres:/ }, (a) => ({ path: a.path, namespace: 'tracegres' }));
    b.onLoad({ filter: /.*/, namespace: 'tracegres' }, async (a) => {
      if (a.path === 'tracegres:migrations') {
        return { contents: `export default ${JSON.stringify(await loadMigrations())};`, loader: 'js' };
      }
      if (a.path === 'tracegres:ui-index') return { contents: `export default ${JSON.stringify(uiIndexHtml())};`, loader: 'js' };
      return { errors: [{ text: `unknown generated module ${a.path}` }] };
    });
  },
};

export interface WorkerBundle {
  /** The bundle's text (also written to apps/api/dist/worker/main.js when `write`). */
  code: Uint8Array;
  metafile: Metafile;
  /** Why the bundle is not edge-safe; empty when it is. */
  problems: string[];
}

/** Bundles the Worker the way workerd loads it and checks what it pulls in. */
export async function bundleWorker(opts: { write: boolean; minify?: boolean }): Promise<WorkerBundle> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [workerEntry],
    outfile: join(workerOutDir, 'main.js'),
    bundle: true,
    write: opts.write,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    // postgres.js ships a Workers build (cloudflare:sockets) under the "workerd" condition.
    conditions: ['workerd', 'worker', 'browser', 'import'],
    mainFields: ['module', 'main'],
    external: ['node:*', 'cloudflare:*'],
    // workerd gives bundled modules no file URL; code that resolves files next to itself (the
    // UI route looking for apps/web/dist/embedded.js) then finds nothing and falls back, as it
    // does on a server without a UI build, instead of failing on an invalid URL.
    define: { 'import.meta.url': JSON.stringify('file:///tracegres-worker/main.js') },
    plugins: [generated],
    minify: opts.minify ?? true,
    sourcemap: false,
    metafile: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const metafile = result.metafile!;
  const code = opts.write ? readFileSync(join(workerOutDir, 'main.js')) : result.outputFiles![0].contents;
  return { code, metafile, problems: edgeProblems(metafile) };
}

/** Node-only modules and files in the Worker's import graph, each with who imports it. */
export function edgeProblems(meta: Metafile): string[] {
  const problems: string[] = [];
  for (const [file, input] of Object.entries(meta.inputs)) {
    const rel = relative(root, join(root, file));
    for (const [re, why] of forbiddenInputs) if (re.test(rel)) problems.push(`${rel} is in the Worker bundle: ${why}`);
    for (const imp of input.imports) {
      if (!imp.external) continue;
      if (imp.path.startsWith('cloudflare:') && platformNodeImporter.test(rel)) continue;
      if (platformNodeModules.has(imp.path) && platformNodeImporter.test(rel)) continue;
      problems.push(`${rel} imports ${imp.path}, which workerd does not provide natively`);
    }
  }
  return problems;
}
