import { Worker } from 'node:worker_threads';

/**
 * Starts a worker thread whose entry is a TypeScript file, on Node (through tsx, registered
 * inside the worker by worker-boot.mjs), Bun and Deno. `data` reaches the entry as workerData.
 */
export function startTsWorker(entry: URL, data: Record<string, unknown> = {}): Worker {
  return new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: { ...data, entry: entry.href } });
}
