// Plain-JS bootstrap for worker threads running TypeScript entries (PGlite, ingest decoding). Node 20 does not apply the parent's `--import tsx`
// loader inside a worker, so on Node (only) it registers tsx before importing the TypeScript
// entry; Bun and Deno load TypeScript natively. Once the entry has loaded (and attached its
// message listener) it tells the parent, which holds its messages until then (ts-worker.ts).
import { parentPort, workerData } from 'node:worker_threads';

const native = typeof globalThis.Bun !== 'undefined' || typeof globalThis.Deno !== 'undefined';
if (!native && workerData.entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(workerData.entry);
parentPort?.postMessage('tracegres-worker-booted');
