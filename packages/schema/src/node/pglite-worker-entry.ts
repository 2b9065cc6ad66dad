// Runs inside a worker thread: owns the PGlite instance so its blocking queries never stall
// the HTTP server's event loop. Speaks a tiny request/response protocol with pglite-worker.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { createPgliteDb } from '../client-pglite.ts';
import type { Queryable } from '../db.ts';
import type { WorkerRequest, WorkerResponse } from './pglite-protocol.ts';

const port = parentPort;
if (!port) throw new Error('pglite-worker-entry.ts must run in a worker thread');

const ready = createPgliteDb((workerData as { dataDir?: string }).dataDir);
// An open transaction: BEGIN arrives as its own message; statements follow until COMMIT/ROLLBACK.
let tx: { q: Queryable; finish: (commit: boolean) => void; settled: Promise<void> } | null = null;
const ROLLBACK = new Error('rollback requested');

port.on('message', async (msg: WorkerRequest) => {
  const reply = (r: Omit<WorkerResponse, 'id'>) => port.postMessage({ id: msg.id, ...r });
  try {
    const db = await ready;
    switch (msg.op) {
      case 'query': {
        const rows = tx ? await tx.q.query(msg.text, msg.params) : await db.query(msg.text, msg.params);
        return reply({ ok: true, rows });
      }
      case 'exec':
        await db.exec(msg.text);
        return reply({ ok: true });
      case 'begin': {
        // Hold a PGlite transaction open until the host says commit or rollback; `settled`
        // resolves once COMMIT has run (or rejects with the reason it failed).
        let opened!: (q: Queryable, finish: (commit: boolean) => void) => void;
        const open = new Promise<{ q: Queryable; finish: (commit: boolean) => void }>((resolve) => {
          opened = (q, finish) => resolve({ q, finish });
        });
        const settled = db.transaction(
          (q) => new Promise<void>((resolve, reject) => opened(q, (commit) => (commit ? resolve() : reject(ROLLBACK)))),
        );
        settled.catch(() => {});
        const started = await Promise.race([open, settled.then(() => null)]);
        if (!started) throw new Error('transaction ended before it started');
        tx = { ...started, settled };
        return reply({ ok: true });
      }
      case 'commit':
      case 'rollback': {
        const open = tx;
        tx = null;
        if (open) {
          open.finish(msg.op === 'commit');
          if (msg.op === 'commit') await open.settled;
          else await open.settled.catch(() => {});
        }
        return reply({ ok: true });
      }
      case 'ping':
        return reply({ ok: true, rows: [{ alive: await db.ping() }] });
      case 'close':
        await db.close();
        return reply({ ok: true });
    }
  } catch (err) {
    const e = err as { message?: string; code?: string };
    reply({ ok: false, error: { message: String(e.message ?? err), code: e.code } });
  }
});
