// A decode worker thread: runs decodeRequest (decode, validate, prepare, render COPY text,
// digest tags) so the main thread only moves bytes between HTTP and Postgres.
import { parentPort } from 'node:worker_threads';
import { type DecodeJob, decodeRequestSafely } from '../ingest/decode.ts';

const port = parentPort;
if (!port) throw new Error('decode-worker.ts must run in a worker thread');

port.on('message', (msg: { id: number; job: DecodeJob }) => {
  try {
    port.postMessage({ id: msg.id, out: decodeRequestSafely(msg.job) });
  } catch (err) {
    port.postMessage({ id: msg.id, crash: String((err as Error)?.stack ?? err) });
  }
});
