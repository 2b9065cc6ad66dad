// While Postgres is unreachable, ingest answers 503 + Retry-After (clients retry), /ready says
// so, and once the database is back everything works again without a restart.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createPostgresDb } from '@tracegres/schema';
import { type TestServer, startServerOn } from '../support/app.ts';
import { createServerDatabase } from '../support/databases.ts';
import { encodeRequestProto, everyFieldRequest } from '../support/payloads.ts';
import { type TcpProxy, startTcpProxy } from '../support/tcp-proxy.ts';

let server: TestServer;
let proxy: TcpProxy;

before(async () => {
  const created = await createServerDatabase();
  const real = new URL(created.url);
  proxy = await startTcpProxy(real.hostname, Number(real.port || 5432));
  const viaProxy = new URL(created.url);
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(proxy.port);
  const db = createPostgresDb(viaProxy.toString(), { max: 4, connectTimeout: 2 });
  server = await startServerOn({ db, url: viaProxy.toString(), drop: async () => (await db.close(), await created.drop()) });
});
after(async () => {
  await proxy?.restore().catch(() => {});
  await server?.close();
  await proxy?.close();
});

const body = (traceId: string) => encodeRequestProto(everyFieldRequest(traceId, Math.floor(Date.now() / 1000) - 60));
const post = (b: Uint8Array<ArrayBuffer>) =>
  fetch(`${server.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: b });

test('database outage: 503 with Retry-After, then recovery', async () => {
  assert.equal((await post(body('cccccccccccccccccccccccccccccc01'))).status, 200);
  await proxy.cut();
  const t0 = Date.now();
  const res = await post(body('cccccccccccccccccccccccccccccc02'));
  assert.equal(res.status, 503);
  assert.match(res.headers.get('retry-after') ?? '', /^\d+$/);
  assert.equal(res.headers.get('content-type'), 'application/x-protobuf');
  assert.ok(Date.now() - t0 < 10_000, 'answers quickly instead of hanging');
  assert.equal((await fetch(`${server.url}/ready`)).status, 503);
  // Queries too: the database is unavailable, which is a 503 to retry, not an internal error.
  for (const path of ['/api/traces/cccccccccccccccccccccccccccccc01', '/api/search?q=%7B%7D', '/jaeger/api/services']) {
    const q = await fetch(`${server.url}${path}`);
    assert.equal(q.status, 503, `${path}: ${await q.text()}`);
    assert.match(q.headers.get('retry-after') ?? '', /^\d+$/, path);
  }

  await proxy.restore();
  let status = 0;
  for (let i = 0; i < 20 && status !== 200; i++) {
    status = (await post(body('cccccccccccccccccccccccccccccc02'))).status;
    if (status !== 200) await new Promise((r) => setTimeout(r, 250));
  }
  assert.equal(status, 200);
  assert.equal((await fetch(`${server.url}/ready`)).status, 200);
  assert.equal((await fetch(`${server.url}/api/traces/cccccccccccccccccccccccccccccc02`)).status, 200);
});
