import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TracesData } from '@tracegres/otlp';
import { runCompaction } from '../../apps/api/src/compaction/job.ts';
import type { TestServer } from '../support/app.ts';
import {
  InjectedCrash, compactionServer, contextOf, crashingDb, dumpJobTables, generated, handTrace, send,
} from '../support/compaction.ts';
import { drivers } from '../support/databases.ts';
import { expectedEdges, expectedSpanMetrics } from '../support/rollup-oracle.ts';

// Data sits 40 to 30 minutes before the real clock; the job's clock is 2 hours later, so every
// trace is quiet, every minute settled and the data's partition closed.
const base = Date.now() - 40 * 60_000;
const jobNow = Date.now() + 2 * 3600_000;

// A hand-made trace covering each kind of edge, with numbers checked by hand below.
// user -> gateway (root SERVER) -> gateway CLIENT -> api SERVER (error) -> api CLIENT to Postgres
// (database node named by server.address), api PRODUCER to Kafka (virtual node, peer.service).
const hand: TracesData = handTrace('ab1', base, [
  { id: '1', service: 'gateway', name: 'GET /x', kind: 2, startMs: 0, durMs: 300 },
  { id: '2', parent: '1', service: 'gateway', name: 'call api', kind: 3, startMs: 10, durMs: 250 },
  { id: '3', parent: '2', service: 'api', name: 'handle', kind: 2, startMs: 20, durMs: 150, error: true },
  { id: '4', parent: '3', service: 'api', name: 'SELECT', kind: 3, startMs: 30, durMs: 5, attrs: { 'db.system.name': 'postgresql', 'server.address': 'pg-main' } },
  { id: '5', parent: '3', service: 'api', name: 'publish', kind: 4, startMs: 40, durMs: 2, attrs: { 'peer.service': 'kafka' } },
]);
const dataset = (): TracesData[] => [hand, ...generated(base + 1000, 3000)];

for (const driver of drivers) {
  describe(`compaction job (${driver})`, () => {
    let clean: TestServer;
    let crashed: TestServer;
    before(async () => {
      [clean, crashed] = await Promise.all([compactionServer(driver), compactionServer(driver)]);
      await Promise.all([send(clean, dataset()), send(crashed, dataset())]);
    });
    after(async () => {
      await clean?.close();
      await crashed?.close();
    });

    test('structural queries answer the same before and after compaction', async () => {
      const queries = [
        '{ resource.service.name = "gateway" } >> { status = error }',
        '{ kind = server } > { kind = client }',
        '{ kind = client } < { kind = server }',
        '{ name = "SELECT" } ~ { name = "publish" }',
        '{ resource.service.name = "api-gateway" } >> { resource.service.name = "postgres" || span.db.system.name = "postgresql" }',
      ];
      const run = async () => {
        const out: string[] = [];
        for (const q of queries) {
          const s = Math.floor(base / 1000);
          const r = await fetch(`${clean.url}/api/search?q=${encodeURIComponent(q)}&start=${s - 60}&end=${s + 900}&limit=1000&spss=0`);
          assert.equal(r.status, 200, await r.clone().text());
          const body = (await r.json()) as { traces: { traceID: string; spanSets?: { spans: { spanID: string }[] }[] }[] };
          out.push(JSON.stringify(body.traces.map((t) => [t.traceID, (t.spanSets ?? []).flatMap((ss) => ss.spans.map((x) => x.spanID)).sort()]).sort()));
        }
        return out;
      };
      // Trace by ID, as protobuf and as JSON, for the hand trace and some generated ones.
      const ids = (await clean.deps.db.query<{ id: string }>(`select replace(trace_id::text, '-', '') as id from traces order by trace_id limit 6`)).map((r) => r.id);
      const reads = async () => {
        const out: string[] = [];
        for (const id of ids) {
          for (const accept of ['application/protobuf', 'application/json']) {
            const r = await fetch(`${clean.url}/api/v2/traces/${id}`, { headers: { accept } });
            assert.equal(r.status, 200);
            out.push(Buffer.from(await r.arrayBuffer()).toString('base64'));
          }
        }
        return out;
      };
      const beforeJob = await run();
      const readsBefore = await reads();
      assert.ok(beforeJob.some((r) => r !== '[]'), 'the queries find something');
      const s = await runCompaction(contextOf(clean, jobNow));
      assert.ok(s.ran && s.tracesNumbered > 100, `numbered ${s.tracesNumbered} traces`);
      assert.ok(s.partitionsCompacted.length >= 1, 'the data moved into blocks');
      const [{ n }] = await clean.deps.db.query<{ n: number }>(`select count(*)::int4 as n from spans`);
      assert.equal(n, 0, 'no span rows are left in closed partitions');
      assert.deepEqual(await run(), beforeJob);
      assert.deepEqual(await reads(), readsBefore, 'trace reads are byte-identical from blocks');
    });

    test('a second pass changes nothing', async () => {
      const once = await dumpJobTables(clean.deps.db);
      const s = await runCompaction(contextOf(clean, jobNow));
      assert.equal(s.tracesNumbered, 0);
      assert.deepEqual(await dumpJobTables(clean.deps.db), once);
    });

    test('killed at every statement in turn and rerun, the job ends with the same tables as one clean pass', async () => {
      let crashes = 0;
      for (let at = 1; ; at++) {
        try {
          await runCompaction({ ...contextOf(crashed, jobNow, { traceBatch: 40 }), db: crashingDb(crashed.deps.db, at) });
          break;
        } catch (err) {
          if (!(err instanceof InjectedCrash)) throw err;
          crashes++;
        }
      }
      assert.ok(crashes > 10, `the pass was interrupted ${crashes} times`);
      await runCompaction(contextOf(crashed, jobNow, { traceBatch: 40 }));
      const [a, b] = [await dumpJobTables(clean.deps.db), await dumpJobTables(crashed.deps.db)];
      for (const table of Object.keys(a)) assert.deepEqual(b[table], a[table], `table ${table}`);
    });

    test("the per-trace locking used on Citus gives the same tables (it works on plain Postgres too)", async () => {
      const other = await compactionServer(driver);
      try {
        await send(other, dataset());
        await runCompaction({ ...contextOf(other, jobNow, { traceBatch: 40 }), citus: true });
        const [a, b] = [await dumpJobTables(clean.deps.db), await dumpJobTables(other.deps.db)];
        for (const table of Object.keys(a)) assert.deepEqual(b[table], a[table], `table ${table}`);
      } finally {
        await other.close();
      }
    });

    test('span metrics and service-graph edges equal the hand-computed ones', async () => {
      const db = clean.deps.db;
      const sm = await db.query<{ k: string; calls: string; sum: string; le: string[] }>(
        `select concat_ws('|', service, span_name, span_kind, status_code) as k, calls::text, duration_sum_ns::text as sum,
                array[le0, le1, le2, le3, le4, le5, le6, le7, le8, le9, le10, le11, le12, le13]::text[] as le from span_metrics_total`,
      );
      const wantSm = expectedSpanMetrics(dataset());
      assert.equal(sm.length, wantSm.size);
      for (const r of sm) {
        const w = wantSm.get(r.k);
        assert.ok(w, `unexpected span-metrics series ${r.k}`);
        assert.deepEqual([Number(r.calls), BigInt(r.sum), r.le.map(Number)], [w.calls, w.sumNs, w.le], r.k);
      }
      const edges = await db.query<{ k: string; calls: string; failed: string; cs: string; ss: string; cle: string[]; sle: string[] }>(
        `select concat_ws('|', client, server, connection_type) as k, calls::text, failed::text, client_sum_ns::text as cs, server_sum_ns::text as ss,
                array[cle0, cle1, cle2, cle3, cle4, cle5, cle6, cle7]::text[] as cle, array[sle0, sle1, sle2, sle3, sle4, sle5, sle6, sle7]::text[] as sle
           from service_graph_total`,
      );
      const wantEdges = expectedEdges(dataset());
      assert.deepEqual(edges.map((e) => e.k).sort(), [...wantEdges.keys()].sort());
      for (const e of edges) {
        const w = wantEdges.get(e.k)!;
        assert.deepEqual(
          [Number(e.calls), Number(e.failed), BigInt(e.cs), BigInt(e.ss), e.cle.map(Number), e.sle.map(Number)],
          [w.calls, w.failed, w.clientSumNs, w.serverSumNs, w.cle, w.sle],
          e.k,
        );
      }
      // The hand-made trace, by hand (no generated service is called gateway or api).
      const byKey = new Map(edges.map((e) => [e.k, e]));
      assert.deepEqual(
        ['user|gateway|virtual_node', 'gateway|api|', 'api|pg-main|database', 'api|kafka|virtual_node'].map((k) => {
          const e = byKey.get(k);
          return e && [e.calls, e.failed, e.cs, e.ss];
        }),
        [
          ['1', '0', '300000000', '300000000'],
          ['1', '1', '250000000', '150000000'],
          ['1', '0', '5000000', '5000000'],
          ['1', '0', '2000000', '2000000'],
        ],
      );
    });

    test('every closed partition moved into per-trace blocks, once, in far fewer bytes', async () => {
      const db = clean.deps.db;
      const rows = await db.query<{ name: string; bucket: string; before: string; after: string }>(
        `select name, bucket_ns::text as bucket, bytes_before::text as before, bytes_after::text as after from compacted_partitions c
          where exists (select 1 from traces t where t.bucket_ns = c.bucket_ns)`,
      );
      assert.ok(rows.length >= 1, 'the data partition was compacted');
      for (const r of rows) {
        assert.ok(Number(r.after) <= Number(r.before) * 0.6, `${r.name}: ${r.before} -> ${r.after} bytes`);
        // One block per trace and partition, holding every span the summaries count.
        const [c] = await db.query<{ blocks: number; spans: number; traces: number; summarised: number }>(
          `select (select count(*)::int4 from span_blocks where start_ns >= $1::text::int8 and start_ns < $1::text::int8 + $2::text::int8) as blocks,
                  (select sum(span_count)::int4 from span_blocks where start_ns >= $1::text::int8 and start_ns < $1::text::int8 + $2::text::int8) as spans,
                  (select count(*)::int4 from traces where bucket_ns = $1::text::int8) as traces,
                  (select sum(span_count)::int4 from traces where bucket_ns = $1::text::int8) as summarised`,
          [r.bucket, clean.deps.partitions.intervalNs.toString()],
        );
        assert.equal(c.blocks, c.traces, `${r.name}: a block per trace`);
        assert.equal(c.spans, c.summarised, `${r.name}: every span is in a block`);
        // Arrays in a block are in span start order.
        const [disorder] = await db.query<{ n: number }>(
          `select count(*)::int4 as n from span_blocks b
            where b.span_start_ns <> array(select x from unnest(b.span_start_ns) x order by x)`,
        );
        assert.equal(disorder.n, 0);
      }
      const again = await runCompaction(contextOf(clean, jobNow));
      assert.deepEqual(again.partitionsCompacted, [], 'a compacted partition is not rewritten again');
    });
  });
}
