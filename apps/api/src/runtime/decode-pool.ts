import { OtlpDecodeError } from '@tracegres/otlp';
import { TsWorker } from '@tracegres/schema/node';
import type { Decoder } from '../ingest/accept.ts';
import type { DecodeFailure, DecodeJob, DecodeOutcome } from '../ingest/decode.ts';

interface Slot {
  worker: TsWorker;
  pending: Map<number, { resolve: (o: DecodeOutcome) => void; reject: (e: Error) => void }>;
}

type Reply = { id: number; out?: DecodeOutcome | DecodeFailure; crash?: string };

/**
 * Decode worker threads (node:worker_threads: Node, Bun and Deno). Each job goes to the
 * least busy worker; a worker that dies fails its jobs (their requests answer 500 and the
 * client retries) and is replaced.
 */
export function createDecodePool(size: number): Decoder {
  let nextId = 1;
  let closed = false;
  const slots: Slot[] = [];
  const spawn = (): Slot => {
    const slot: Slot = { worker: new TsWorker(new URL('./decode-worker.ts', import.meta.url)), pending: new Map() };
    slot.worker.onMessage((r: Reply) => {
      const p = slot.pending.get(r.id);
      if (!p) return;
      slot.pending.delete(r.id);
      if (r.crash !== undefined) p.reject(new Error(`decode worker failed: ${r.crash}`));
      else if (r.out && 'decodeError' in r.out) p.reject(new OtlpDecodeError(r.out.decodeError));
      else p.resolve(r.out as DecodeOutcome);
    });
    const fail = (err: Error) => {
      for (const p of slot.pending.values()) p.reject(err);
      slot.pending.clear();
      if (closed) return;
      const i = slots.indexOf(slot);
      if (i >= 0) slots[i] = spawn();
    };
    slot.worker.worker.on('error', fail);
    slot.worker.worker.on('exit', (code) => fail(new Error(`decode worker exited (code ${code})`)));
    return slot;
  };
  for (let i = 0; i < size; i++) slots.push(spawn());
  return {
    decode(job) {
      const slot = slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
      const id = nextId++;
      return new Promise<DecodeOutcome>((resolve, reject) => {
        slot.pending.set(id, { resolve, reject });
        slot.worker.post({ id, job });
      });
    },
    async close() {
      closed = true;
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
