// Ingest semantics: idempotent re-sends, partitions created on demand, retention rejections
// reported (never silent), trace-by-ID touching only the trace's partitions, metrics.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SPANS_OF_TRACE } from '../../apps/api/src/storage/read-trace.ts';
import { type TestServer, startTestServer } from '../support/app.ts';
import { drivers } from '../support/databases.ts';
import { encodeRequestProto } from '../support/payloads.ts';

const HOUR = 3600;
const nowS = () => Math.floor(Date.now() / 1000);

/** A trace of `n` spans (the first a root) starting at `startS` seconds, one span per `stepS`. */
function traceRequest(traceId: string, startS: number, n: number, stepS = 1, service = 'svc'): Uint8Array<ArrayBuffer> {
  const spans = Array.from({ length: n }, (_, i) => ({
    traceId: Buffer.from(traceId, 'hex'),
    spanId: Buffer.from((i + 1).toString(16).padStart(16, '0'), 'hex'),
    parentSpanId: i === 0 ? undefined : Buffer.from('0000000000000001', 'hex'),
    name: i === 0 ? 'root op' : `child ${i}`,
    kind: i === 0 ? 2 : 1,
    startTimeUnixNano: (BigInt(startS + i * stepS) * 1_000_000_000n).toString(),
    endTimeUnixNano: (BigInt(startS + i * stepS) * 1_000_000_000n + 5_000_000n).toString(),
    status: { code: i === 2 ? 2 : 0 },
  }));
  return encodeRequestProto({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [{ scope: { name: 's' }, spans }],
      },
    ],
  });
}

async function send(server: TestServer, body: Uint8Array<ArrayBuffer>, tenant?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/x-protobuf' };
  if (tenant) headers['x-scope-orgid'] = tenant;
  const res = await fetch(`${server.url}/v1/traces`, { method: 'POST', headers, body });
  return res;
}

async function spanCount(server: TestServer, traceId: string, tenant?: string): Promise<number> {
  const res = await fetch(`${server.url}/api/traces/${traceId}`, { headers: tenant ? { 'x-scope-orgid': tenant } : {} });
  if (res.status === 404) return 0;
  const body = await res.json();
  return body.batches.reduce((n: number, b: any) => n + b.scopeSpans.reduce((m: number, s: any) => m + s.spans.length, 0), 0);
}

/** Relations a query actually scanned, from EXPLAIN ANALYZE's JSON plan. */
function scannedRelations(plan: any): string[] {
  const out: string[] = [];
  const walk = (n: any) => {
    if (n['Relation Name'] && n['Actual Loops'] > 0) out.push(n['Relation Name']);
    for (const c of n.Plans ?? []) walk(c);
  };
  walk(plan[0].Plan);
  return out.sort();
}

for (const driver of drivers) {
  describe(`ingest on ${driver}`, () => {
    let server: TestServer;
    before(async () => {
      server = await startTestServer(driver, { PARTITION_INTERVAL: '1h' });
    });
    after(() => server?.close());

    test('re-sending the same spans stores them once', async () => {
      const id = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa01';
      const body = traceRequest(id, nowS() - 100, 10);
      for (let i = 0; i < 3; i++) assert.equal((await send(server, body)).status, 200);
      // Concurrent duplicates too.
      const all = await Promise.all(Array.from({ length: 5 }, () => send(server, body)));
      assert.deepEqual(all.map((r) => r.status), [200, 200, 200, 200, 200]);
      assert.equal(await spanCount(server, id), 10);
      const [row] = await server.database.db.query<{ span_count: number; error_count: number; root_name: string }>(
        `select sum(span_count)::int as span_count, sum(error_count)::int as error_count, max(root_name) as root_name
           from traces where trace_id = $1::uuid`,
        [id],
      );
      assert.deepEqual(row, { span_count: 10, error_count: 1, root_name: 'root op' });
    });

    test('old and future spans within bounds get partitions created; outside retention they are rejected', async () => {
      const old = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa02';
      const res = await send(server, traceRequest(old, nowS() - 5 * 24 * HOUR, 3));
      assert.equal(res.status, 200);
      assert.equal((await res.arrayBuffer()).byteLength, 0);
      assert.equal(await spanCount(server, old), 3);

      const soon = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa03';
      assert.equal((await send(server, traceRequest(soon, nowS() + 5 * HOUR, 2))).status, 200);
      assert.equal(await spanCount(server, soon), 2);

      const parts = await server.database.db.query<{ n: number }>(
        `select count(*)::int as n from pg_inherits where inhparent = 'spans'::regclass`,
      );
      assert.ok(parts[0].n >= 5, `partitions: ${parts[0].n}`);

      // One span 8 days old (outside the default 168h retention), one fine: partial success.
      const mixed = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa04';
      const json = await fetch(`${server.url}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          resourceSpans: [
            {
              scopeSpans: [
                {
                  spans: [
                    { traceId: mixed, spanId: '0000000000000001', name: 'ok', startTimeUnixNano: `${nowS()}000000000`, endTimeUnixNano: `${nowS()}000000001` },
                    { traceId: mixed, spanId: '0000000000000002', name: 'old', startTimeUnixNano: `${nowS() - 8 * 24 * HOUR}000000000`, endTimeUnixNano: `${nowS() - 8 * 24 * HOUR}000000001` },
                    { traceId: mixed, spanId: '0000000000000003', name: 'future', startTimeUnixNano: `${nowS() + 3 * 24 * HOUR}000000000`, endTimeUnixNano: `${nowS() + 3 * 24 * HOUR}000000001` },
                  ],
                },
              ],
            },
          ],
        }),
      });
      assert.equal(json.status, 200);
      const out = await json.json();
      assert.equal(out.partialSuccess.rejectedSpans, '2');
      assert.match(out.partialSuccess.errorMessage, /before the retention window/);
      assert.match(out.partialSuccess.errorMessage, /in the future/);
      assert.equal(await spanCount(server, mixed), 1);
    });

    test('trace by ID reads only the partitions that hold the trace', async () => {
      const id = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa05';
      // Two spans an hour apart: two partitions of the 1h interval.
      const start = nowS() - 30 * HOUR;
      assert.equal((await send(server, traceRequest(id, start, 2, HOUR))).status, 200);
      assert.equal(await spanCount(server, id), 2);
      const buckets = await server.database.db.query<{ b: string }>(
        `select bucket_ns::text as b from traces where trace_id = $1::uuid order by 1`,
        [id],
      );
      assert.equal(buckets.length, 2);
      const lo = BigInt(buckets[0].b);
      const hi = BigInt(buckets[1].b) + 3600n * 1_000_000_000n;
      const [tenant] = await server.database.db.query<{ tenant_id: number }>(`select tenant_id from tenants where name = 'single-tenant'`);
      const plan = await server.database.db.query<{ 'QUERY PLAN': any }>(`explain (analyze, format json) ${SPANS_OF_TRACE}`, [
        id,
        tenant.tenant_id,
        lo.toString(),
        hi.toString(),
      ]);
      const raw = plan[0]['QUERY PLAN'];
      const scanned = scannedRelations(typeof raw === 'string' ? JSON.parse(raw) : raw);
      const total = await server.database.db.query<{ n: number }>(`select count(*)::int as n from pg_inherits where inhparent = 'spans'::regclass`);
      assert.ok(total[0].n > 4, 'there are other partitions to skip');
      // Fresh rows and compacted blocks (span_rows): the same two partitions of each, and the
      // settings row that gives span_rows the partition interval.
      const rows = scanned.filter((r) => r.startsWith('spans_p'));
      assert.equal(rows.length, 2, `scanned ${scanned.join(', ')}`);
      assert.deepEqual(scanned.filter((r) => r.startsWith('span_blocks_p')), rows.map((r) => r.replace('spans_', 'span_blocks_')));
      assert.deepEqual(scanned.filter((r) => !r.startsWith('spans_p') && !r.startsWith('span_blocks_p')), ['settings']);
    });

    test('start/end narrow trace by ID to the partitions in range', async () => {
      const id = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa06';
      const start = nowS() - 50 * HOUR;
      assert.equal((await send(server, traceRequest(id, start, 3))).status, 200);
      const inRange = await fetch(`${server.url}/api/traces/${id}?start=${start - 60}&end=${start + 60}`);
      assert.equal(inRange.status, 200);
      const outOfRange = await fetch(`${server.url}/api/traces/${id}?start=${start - 10 * HOUR}&end=${start - 9 * HOUR}`);
      assert.equal(outOfRange.status, 404);
    });

    test('tenants see only their own traces', async () => {
      const id = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa07';
      assert.equal((await send(server, traceRequest(id, nowS() - 10, 2, 1, 'a-svc'), 'tenant-a')).status, 200);
      assert.equal((await send(server, traceRequest(id, nowS() - 10, 3, 1, 'b-svc'), 'tenant-b')).status, 200);
      assert.equal(await spanCount(server, id, 'tenant-a'), 2);
      assert.equal(await spanCount(server, id, 'tenant-b'), 3);
      assert.equal(await spanCount(server, id), 0);
      assert.equal(await spanCount(server, id, 'tenant-c'), 0);
    });

    test('many concurrent small requests are all acknowledged and stored exactly', async () => {
      const ids = Array.from({ length: 30 }, (_, i) => `bbbbbbbbbbbbbbbbbbbbbbbbbbbbbb${i.toString(16).padStart(2, '0')}`);
      const res = await Promise.all(ids.map((id) => send(server, traceRequest(id, nowS() - 50, 20))));
      assert.ok(res.every((r) => r.status === 200));
      const counts = await Promise.all(ids.map((id) => spanCount(server, id)));
      assert.ok(counts.every((c) => c === 20), counts.join(','));
    });

    test('/metrics reports spans received, stored and rejected by reason, and request durations', async () => {
      const text = await (await fetch(`${server.url}/metrics`)).text();
      assert.match(text, /^tracegres_spans_received_total \d+/m);
      assert.match(text, /^tracegres_spans_stored_total \d+/m);
      assert.match(text, /^tracegres_spans_rejected_total\{reason="outside_retention"\} 1$/m);
      assert.match(text, /^tracegres_spans_rejected_total\{reason="too_far_in_future"\} 1$/m);
      assert.match(text, /^tracegres_request_duration_seconds_count\{route="\/v1\/traces",method="POST",status="200"\} \d+/m);
      const stored = Number(/^tracegres_spans_stored_total (\d+)/m.exec(text)![1]);
      const received = Number(/^tracegres_spans_received_total (\d+)/m.exec(text)![1]);
      assert.ok(stored < received, 'duplicates are received but not stored again');
    });
  });
}
