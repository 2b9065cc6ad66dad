import type { WorkerRequest, WorkerResponse } from './pglite-protocol.ts';
import { TsWorker } from './ts-worker.ts';

type Pending = { resolve: (r: WorkerResponse) => void; reject: (e: Error) => void };
export type RequestBody = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/**
 * One worker thread running PGlite (pglite-worker-entry.ts) and the requests waiting on it. The
 * thread can be stopped at any moment (the statement watchdog does it); its waiting requests
 * then fail with the reason given, and a new thread is opened on the same data directory.
 */
export class PgliteThread {
  readonly #worker: TsWorker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #dead: Error | null = null;
  /** Settles once PGlite has opened (or failed to) in the thread. */
  readonly ready: Promise<void>;

  constructor(dataDir: string | undefined) {
    this.#worker = new TsWorker(new URL('./pglite-worker-entry.ts', import.meta.url), { dataDir });
    this.#worker.onMessage((r: WorkerResponse) => {
      const p = this.#pending.get(r.id);
      this.#pending.delete(r.id);
      p?.resolve(r);
    });
    this.#worker.worker.on('error', (err) => this.#fail(err));
    this.#worker.worker.on('exit', (code) => this.#fail(new Error(`PGlite worker exited (code ${code})`)));
    // The first request waits for PGlite to open; its answer says whether it did.
    this.ready = this.#post({ op: 'ping' }).then((r) => {
      if (!r.ok) throw Object.assign(new Error(r.error?.message ?? 'PGlite failed to open'), { code: r.error?.code });
    });
    this.ready.catch(() => {});
  }

  /** Why the thread stopped, or null while it runs. */
  get dead(): Error | null {
    return this.#dead;
  }

  /** Sends one request; resolves with the worker's answer (which may carry a database error). */
  send(req: RequestBody): Promise<WorkerResponse> {
    if (this.#dead) return Promise.reject(unavailable(this.#dead));
    return this.#post(req);
  }

  /** Stops the thread now, mid-statement if need be; waiting requests fail with `reason`. */
  stop(reason: Error): Promise<number> {
    this.#fail(reason);
    return this.#worker.terminate();
  }

  #post(req: RequestBody): Promise<WorkerResponse> {
    const id = this.#nextId++;
    return new Promise<WorkerResponse>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.post({ id, ...req });
    });
  }

  #fail(err: Error): void {
    this.#dead ??= err;
    for (const p of this.#pending.values()) p.reject(err);
    this.#pending.clear();
  }
}

/** The error callers see once the thread is gone: SQLSTATE class 08, "unavailable, retry". */
export function unavailable(cause: Error): Error {
  return Object.assign(new Error(`embedded database unavailable: ${cause.message}`), { code: '08006' });
}
