// What a first-time user sees after a minute of demo traffic and one compaction pass: the dozen
// demo services in the service graph, and errors to find.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createGenerator, serviceNames } from '@tracegres/loadgen';
import { runCompaction } from '../../apps/api/src/compaction/job.ts';
import { compactionServer, contextOf, send } from '../support/compaction.ts';
import { drivers } from '../support/databases.ts';

const DEMO_RATE = 5; // traces per second, as DEMO=1 and `npm run demo` send by default

test('a minute of demo traffic gives a service graph of the dozen services, and errors to find', { skip: !drivers.includes('postgres') }, async () => {
  const server = await compactionServer('postgres');
  try {
    const start = Date.now() - 3 * 60_000;
    const gen = createGenerator({ seed: 1, startTimeNs: BigInt(start) * 1_000_000n, tracesPerSecond: DEMO_RATE });
    await send(server, Array.from({ length: 60 * DEMO_RATE }, () => gen.nextTrace()));
    await runCompaction(contextOf(server, Date.now()));
    const text = await (await fetch(`${server.url}/metrics/generator`)).text();
    const nodes = new Set<string>();
    for (const m of text.matchAll(/^traces_service_graph_request_total\{client="([^"]*)",server="([^"]*)",connection_type="([^"]*)"\}/gm)) {
      nodes.add(m[1]);
      nodes.add(m[2]);
    }
    // inventory-sync is the batch job behind the rare very large traces (1 in 2,000 by default):
    // a minute of demo traffic seldom holds one. Every interactive service must be there.
    const missing = serviceNames.filter((s) => s !== 'inventory-sync' && !nodes.has(s));
    assert.deepEqual(missing, [], `every demo service is a node of the graph (nodes: ${[...nodes].sort().join(', ')})`);
    assert.ok(nodes.size >= 12 + 3, `${nodes.size} nodes`);
    for (const dep of ['postgres', 'redis', 'kafka', 'user']) assert.ok(nodes.has(dep), `the ${dep} node`);
    const s = Math.floor(start / 1000);
    const errors = (await (await fetch(`${server.url}/api/search?q=${encodeURIComponent('{ status = error }')}&start=${s - 60}&end=${s + 300}&limit=50`)).json()) as {
      traces: unknown[];
    };
    assert.ok(errors.traces.length > 0, 'error traces are found by search');
  } finally {
    await server.close();
  }
});
