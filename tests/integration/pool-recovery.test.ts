// The server's postgres.js pool (with the no-delay socket factory the API uses) must survive any
// number of refused connections while Postgres is down: every query fails promptly, and once the
// database is back queries work again. A factory that rejected used to leak one pool slot per
// refusal, after which every query waited forever (found by `npm run test:faults`).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Db, createPostgresDb } from '@tracegres/schema';
import { noDelaySocket } from '@tracegres/schema/node';
import { createServerDatabase } from '../support/databases.ts';
import { type TcpProxy, startTcpProxy } from '../support/tcp-proxy.ts';

const POOL = 2;
let proxy: TcpProxy;
let db: Db;
let dropDatabase: () => Promise<void>;

before(async () => {
  const created = await createServerDatabase();
  dropDatabase = created.drop;
  const real = new URL(created.url);
  proxy = await startTcpProxy(real.hostname, Number(real.port || 5432));
  const viaProxy = new URL(created.url);
  viaProxy.hostname = '127.0.0.1';
  viaProxy.port = String(proxy.port);
  db = createPostgresDb(viaProxy.toString(), { max: POOL, connectTimeout: 2, socket: noDelaySocket });
});
after(async () => {
  await proxy?.restore().catch(() => {});
  await db?.close();
  await proxy?.close();
  await dropDatabase?.();
});

/** The query's outcome, or 'hung' when it has not settled within `ms`. */
async function settle(p: Promise<unknown>, ms: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<string>((r) => (timer = setTimeout(() => r('hung'), ms)));
  try {
    return await Promise.race([p.then(() => 'ok', (e: { code?: string }) => `error ${e.code ?? ''}`), hung]);
  } finally {
    clearTimeout(timer);
  }
}

test('refused connections do not use up the pool; queries work again after the outage', async () => {
  assert.equal(await settle(db.query('select 1'), 5000), 'ok');
  await proxy.cut();
  // Several times the pool size: each refusal must hand its slot back.
  for (let i = 0; i < POOL * 4; i++) {
    const outcome = await settle(db.query('select 1'), 5000);
    assert.notEqual(outcome, 'hung', `query ${i} during the outage`);
    assert.notEqual(outcome, 'ok', `query ${i} during the outage`);
  }
  const waiting = Array.from({ length: POOL * 2 }, () => settle(db.query('select 1'), 5000));
  assert.ok((await Promise.all(waiting)).every((o) => o !== 'hung'), 'concurrent queries during the outage settle');
  await proxy.restore();
  let last = '';
  for (let i = 0; i < 20 && last !== 'ok'; i++) {
    last = await settle(db.query('select 1'), 5000);
    if (last !== 'ok') await new Promise((r) => setTimeout(r, 250));
  }
  assert.equal(last, 'ok', 'a query succeeds once the database is reachable again');
  const together = await Promise.all(Array.from({ length: POOL * 3 }, () => settle(db.query('select 1'), 5000)));
  assert.deepEqual(together, Array(POOL * 3).fill('ok'));
});
