import postgres from 'postgres';
import { createPostgresDb } from '@tracegres/schema';
import { compactionContext } from '../apps/api/src/compaction/from-config.ts';
import { runCompaction } from '../apps/api/src/compaction/job.ts';
import { parseConfig } from '../apps/api/src/config.ts';
import { loadGenerated, startServer } from './bench-support.ts';
const url = 'postgres://postgres@127.0.0.1:5432/tg_exp_x';
const admin = postgres('postgres://postgres@127.0.0.1:5432/postgres', { max: 1, onnotice: () => {} });
await admin.unsafe('drop database if exists tg_exp_x with (force)');
await admin.unsafe('create database tg_exp_x');
await admin.end();
const server = await startServer(url, { COMPACTION_INTERVAL: '0' });
const nowMs = Date.now();
await loadGenerated(server.url, { spans: 1_000_000, senders: 8, fromMs: nowMs - 55 * 60_000, toMs: nowMs });
const sql = postgres(url, { max: 1, onnotice: () => {} });
await sql`vacuum analyze`;
const Q = ['{ resource.service.name = "checkout" }', '{ duration > 100ms && duration < 500ms }', '{ resource.service.name = "api-gateway" } >> { status = error }'];
const time = async (label: string) => {
  const start = Math.floor(nowMs / 1000) - 3600, end = Math.floor(nowMs / 1000) + 60;
  for (const q of Q) {
    const ms: number[] = [];
    for (let i = 0; i < 4; i++) {
      const t0 = performance.now();
      const r = await fetch(`${server.url}/api/search?q=${encodeURIComponent(q)}&start=${start}&end=${end}&limit=20`);
      await r.text();
      ms.push(performance.now() - t0);
    }
    console.log(label, q, ms.map((x) => x.toFixed(0)).join(' '));
  }
};
await time('before');
const db = createPostgresDb(url, { max: 2 });
const job = await runCompaction(await compactionContext(parseConfig({ DATABASE_URL: url, COMPACTION_QUIET: '0s' }), db, Date.now));
console.log('compaction', job.ms);
await db.close();
await time('after-noanalyze');
await sql`vacuum analyze`;
await time('after');
await sql.end();
await server.stop();
