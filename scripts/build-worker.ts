// `npm run build:worker`: the Cloudflare Worker. Bundles apps/api/src/main.worker.ts into
// apps/api/dist/worker/main.js (checked edge-safe, see worker-bundle.ts), copies the built web
// UI to apps/api/dist/worker-public for the static-assets binding, and prints the bundle's
// compressed size against Workers' limits. wrangler.toml runs this before `wrangler dev/deploy`.
//
//   --web      build the web UI first even if apps/web/dist exists
//   --quiet    print only problems and the size line
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { bundleWorker, workerOutDir } from './worker-bundle.ts';

const root = new URL('..', import.meta.url).pathname;
const args = new Set(process.argv.slice(2));
const quiet = args.has('--quiet');
const MIB = 1024 * 1024;
/** Workers' limits on the uploaded script: compressed on the Free and Paid plans, and raw. */
const LIMITS = { freeGzip: 3 * MIB, paidGzip: 10 * MIB, raw: 64 * MIB };

const webDist = join(root, 'apps/web/dist');
if (args.has('--web') || !existsSync(join(webDist, 'index.html'))) {
  if (!quiet) console.log('building the web UI (npm run build)');
  const web = spawnSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
  if (web.status !== 0) process.exit(web.status ?? 1);
}

const t0 = performance.now();
const bundle = await bundleWorker({ write: true });
if (bundle.problems.length) {
  console.error(`the Worker bundle is not edge-safe:\n  ${bundle.problems.join('\n  ')}`);
  process.exit(1);
}

// Static assets: the UI build minus embedded.js (the same files as one module, for the servers
// that import it; on Workers the assets binding serves the files themselves).
// Not inside the bundle's folder: wrangler would attach files there as extra modules.
const publicDir = join(workerOutDir, '../worker-public');
rmSync(publicDir, { recursive: true, force: true });
mkdirSync(publicDir, { recursive: true });
cpSync(webDist, publicDir, { recursive: true, filter: (src) => !src.endsWith('/embedded.js') });

const gz = gzipSync(bundle.code, { level: 9 }).byteLength;
const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
console.log(
  `worker bundle: apps/api/dist/worker/main.js ${kib(bundle.code.byteLength)}, gzip ${kib(gz)} ` +
    `(limits: ${LIMITS.freeGzip / MIB} MiB gzip on Workers Free, ${LIMITS.paidGzip / MIB} MiB on Paid; ` +
    `${((gz / LIMITS.freeGzip) * 100).toFixed(1)}% of Free) in ${((performance.now() - t0) / 1000).toFixed(1)}s`,
);
if (gz > LIMITS.freeGzip || bundle.code.byteLength > LIMITS.raw) {
  console.error('the Worker bundle is over the Workers Free size limit');
  process.exit(1);
}
