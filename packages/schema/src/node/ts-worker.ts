import { Worker } from 'node:worker_threads';

/** What worker-boot.mjs posts once the entry has loaded and attached its message listener. */
const BOOTED = 'tracegres-worker-booted';

/**
 * A worker thread whose entry is a TypeScript file, on Node (through tsx, registered inside the
 * worker by worker-boot.mjs), Bun and Deno. `data` reaches the entry as workerData.
 *
 * Messages are held until the entry says it is listening: Deno drops a message that reaches
 * `parentPort` before the entry's listener exists, which happens when loading the entry is slow
 * (a cold module cache took long enough that PGlite's first request was lost and start-up hung).
 */
export class TsWorker {
  readonly worker: Worker;
  #queue: unknown[] | null = [];
  readonly #handlers: ((msg: never) => void)[] = [];

  constructor(entry: URL, data: Record<string, unknown> = {}) {
    this.worker = new Worker(new URL('./worker-boot.mjs', import.meta.url), { workerData: { ...data, entry: entry.href } });
    this.worker.on('message', (msg: unknown) => {
      if (this.#queue && msg === BOOTED) {
        const queued = this.#queue;
        this.#queue = null;
        for (const m of queued) this.worker.postMessage(m);
        return;
      }
      for (const h of this.#handlers) h(msg as never);
    });
  }

  /** Sends `msg` now, or as soon as the entry is listening. */
  post(msg: unknown): void {
    if (this.#queue) this.#queue.push(msg);
    else this.worker.postMessage(msg);
  }

  /** Calls `fn` with every message the entry posts. */
  onMessage<T>(fn: (msg: T) => void): void {
    this.#handlers.push(fn as (msg: never) => void);
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}
