// A small shop whose service graph and Monitor figures are worked out by hand, shared by the UI
// data API test and the graph and Monitor browser tests. Three requests from users:
//   t1 (base + 0 s):  frontend GET /checkout 100 ms -> call checkout 80 ms -> checkout POST /pay 60 ms (error)
//                     -> SELECT on pg-main 10 ms (database) and publish to kafka 2 ms (broker)
//   t2 (base + 10 s): frontend GET /checkout 300 ms -> call checkout 250 ms -> checkout POST /pay 200 ms
//   t3 (base + 70 s): frontend GET /home 20 ms
// Expected figures (window of 600 s, histogram_quantile interpolation) are in the tests.
import type { TracesData } from '@tracegres/otlp';
import { runCompaction } from '../../apps/api/src/compaction/job.ts';
import type { TestServer } from './app.ts';
import { contextOf, handTrace, send } from './compaction.ts';

/** Whole minute 40 minutes ago: buckets and windows line up with the rollups' minutes. */
export function datasetBase(nowMs = Date.now()): number {
  return Math.floor((nowMs - 40 * 60_000) / 60_000) * 60_000;
}

export function shopTraces(base: number): TracesData[] {
  return [
    handTrace('5a1', base, [
      { id: '11', service: 'frontend', name: 'GET /checkout', kind: 2, startMs: 0, durMs: 100 },
      { id: '12', parent: '11', service: 'frontend', name: 'call checkout', kind: 3, startMs: 5, durMs: 80 },
      { id: '13', parent: '12', service: 'checkout', name: 'POST /pay', kind: 2, startMs: 10, durMs: 60, error: true },
      { id: '14', parent: '13', service: 'checkout', name: 'SELECT', kind: 3, startMs: 15, durMs: 10, attrs: { 'db.system.name': 'postgresql', 'server.address': 'pg-main' } },
      { id: '15', parent: '13', service: 'checkout', name: 'publish', kind: 4, startMs: 30, durMs: 2, attrs: { 'peer.service': 'kafka' } },
    ]),
    handTrace('5a2', base + 10_000, [
      { id: '21', service: 'frontend', name: 'GET /checkout', kind: 2, startMs: 0, durMs: 300 },
      { id: '22', parent: '21', service: 'frontend', name: 'call checkout', kind: 3, startMs: 5, durMs: 250 },
      { id: '23', parent: '22', service: 'checkout', name: 'POST /pay', kind: 2, startMs: 10, durMs: 200 },
    ]),
    handTrace('5a3', base + 70_000, [{ id: '31', service: 'frontend', name: 'GET /home', kind: 2, startMs: 0, durMs: 20 }]),
  ];
}

/** Sends the shop's traces and runs a compaction pass whose clock is far enough ahead to settle every minute. */
export async function loadShop(server: TestServer, base: number, tenant?: string): Promise<void> {
  await send(server, shopTraces(base), tenant);
  await runCompaction(contextOf(server, Date.now() + 2 * 3600_000), { stopAfter: 'rollups' });
}
