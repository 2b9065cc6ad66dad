// A short fuzz run through the real app (the long one is `npm run test:fuzz`): mutated OTLP
// bodies, generated TraceQL, and SQL-injection strings in every parameter. Nothing may answer
// 5xx, throw, or take longer than its timeout, and the stored data must come through untouched.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createGenerator } from '@tracegres/loadgen';
import { startTestServer } from '../support/app.ts';
import { send } from '../support/compaction.ts';
import { drivers } from '../support/databases.ts';
import { runFuzz } from '../support/fuzz.ts';

for (const driver of drivers) {
  test(`fuzzing the HTTP surface answers no 5xx (${driver})`, async () => {
    const server = await startTestServer(driver);
    try {
      const gen = createGenerator({ seed: 3, startTimeNs: BigInt(Date.now() - 300_000) * 1_000_000n, tracesPerSecond: 5 });
      await send(server, [gen.batch({ spans: 400 })]);
      const count = async () => (await server.deps.db.query<{ n: string }>(`select count(*)::text as n from spans`))[0].n;
      const before = await count();
      const now = Math.floor(Date.now() / 1000);
      const plan = driver === 'postgres' ? { seed: 1, bodies: 2000, queries: 1500 } : { seed: 2, bodies: 600, queries: 400 };
      const stats = await runFuzz(server.app, plan, [now - 3600, now + 60]);
      assert.deepEqual(stats.failures.slice(0, 20), [], `${stats.failures.length} failures`);
      assert.ok(stats.requests >= plan.bodies + plan.queries);
      // Mutated bodies may be valid and add spans; nothing was removed or rewritten by an injection.
      assert.ok(Number(await count()) >= Number(before), 'the spans table is intact');
      const statuses = [...stats.statuses].map(([s, n]) => `${s}:${n}`).join(' ');
      assert.ok(stats.statuses.get(400)! > 100 && stats.statuses.get(200)! > 100, `both rejections and successes: ${statuses}`);
    } finally {
      await server.close();
    }
  });
}
