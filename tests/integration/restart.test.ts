// The embedded database (PGlite in a worker thread, files in DATA_DIR) keeps its data across a
// restart, and the HTTP server stays responsive while the worker is busy.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createPgliteWorkerDb } from '@tracegres/schema/node';
import { type TestServer, startServerOn } from '../support/app.ts';
import { encodeRequestProto, everyFieldRequest } from '../support/payloads.ts';
import { canonFromProto, canonFromTempoJson } from '../support/oracle.ts';

const dir = mkdtempSync(join(tmpdir(), 'tracegres-restart-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function start(): Promise<TestServer> {
  const db = await createPgliteWorkerDb(dir);
  return startServerOn({ db, drop: () => db.close() });
}

test('PGlite data survives a restart', async () => {
  const traceId = 'dddddddddddddddddddddddddddddd01';
  const body = encodeRequestProto(everyFieldRequest(traceId, Math.floor(Date.now() / 1000) - 60));
  let server = await start();
  const res = await fetch(`${server.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body });
  assert.equal(res.status, 200);
  await server.close();

  server = await start();
  try {
    const got = await fetch(`${server.url}/api/traces/${traceId}`);
    assert.equal(got.status, 200);
    assert.deepEqual(canonFromTempoJson(await got.json()), canonFromProto(body));
  } finally {
    await server.close();
  }
});

test('the event loop keeps serving while PGlite runs a slow query in its worker', async () => {
  const server = await start();
  try {
    const slow = server.database.db.query('select pg_sleep(1.5)');
    const t0 = performance.now();
    const ready = await fetch(`${server.url}/api/echo`);
    assert.equal(await ready.text(), 'echo\n');
    assert.ok(performance.now() - t0 < 500, 'echo answered while the worker was busy');
    await slow;
  } finally {
    await server.close();
  }
});
