// The overload acceptance test, short: a server process on real Postgres with a small in-flight
// budget gets 5x its measured sustainable rate. Refusals must be 429/503 with Retry-After, peak
// RSS must stay under the documented bound, and afterwards it drains, answers a normal request
// and has stored every acknowledged span. `npm run test:overload` is the longer run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { overloadProblems, runOverload } from '../../scripts/test-overload.ts';

test('5x the sustainable ingest rate: 429/503 + Retry-After, bounded memory, drains, nothing acknowledged is lost', { timeout: 120_000 }, async () => {
  const lines: string[] = [];
  const r = await runOverload({ seconds: 4, spansPerRequest: 100, inflightBytes: 1 << 20, factor: 5, log: (l) => lines.push(l) });
  assert.deepEqual(overloadProblems(r), [], lines.join('\n'));
  assert.ok(r.normalRequestMs < 2000, `normal request took ${r.normalRequestMs} ms after the load`);
});
