// Query safety (issue 8): every read route runs under QUERY_TIMEOUT, on server Postgres
// (statement_timeout) and on the embedded PGlite (its worker's watchdog, which stops a statement
// and reopens the database); the database keeps serving reads and ingest afterwards; regexes
// are bounded before they reach SQL.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import postgres from 'postgres';
import { createPgliteWorkerDb } from '@tracegres/schema/node';
import { type TestServer, startServerOn, startTestServer } from '../support/app.ts';
import { encodeRequestProto } from '../support/payloads.ts';

const nowS = () => Math.floor(Date.now() / 1000);
const TIMEOUT_MS = 1000;
/** Scheduling slack on a busy CI machine; a statement left to run would take many seconds. */
const SLACK_MS = 2500;

/** `n` spans of one trace, each carrying `payload` (a long value for the regex to chew on). */
function spans(traceId: string, n: number, payload: string, service = 'qs') {
  const start = nowS() - 60;
  return encodeRequestProto({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [
          {
            scope: { name: 's' },
            spans: Array.from({ length: n }, (_, i) => ({
              traceId: Buffer.from(traceId, 'hex'),
              spanId: Buffer.from((i + 1).toString(16).padStart(16, '0'), 'hex'),
              name: 'op',
              kind: 2,
              startTimeUnixNano: (BigInt(start) * 1_000_000_000n + BigInt(i) * 1000n).toString(),
              endTimeUnixNano: (BigInt(start) * 1_000_000_000n + BigInt(i) * 1000n + 5_000_000n).toString(),
              attributes: [{ key: 'payload', value: { stringValue: payload } }],
            })),
          },
        ],
      },
    ],
  });
}

const ingest = (s: TestServer, body: Uint8Array<ArrayBuffer>) =>
  fetch(`${s.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body });

/** GET `url`; a request left hanging (no timeout applied) is given up on and reads as status 0. */
async function timed(url: string): Promise<{ status: number; ms: number; text: string }> {
  const t0 = performance.now();
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS + SLACK_MS + 3000) });
    const text = await res.text();
    return { status: res.status, ms: performance.now() - t0, text };
  } catch (err) {
    return { status: 0, ms: performance.now() - t0, text: `no answer: ${(err as Error).message}` };
  }
}

/**
 * 3,000 spans of 2,000 `a`s: 6 MB that `(a*){1,255}[^a]` takes seconds to reject (~1.3 µs/byte);
 * `[^a]` gives a trigram index nothing to narrow the rows with.
 */
async function loadHeavyData(s: TestServer): Promise<void> {
  for (let t = 0; t < 6; t++) {
    const res = await ingest(s, spans(`c${t}`.padEnd(32, '0'), 500, 'a'.repeat(2000)));
    assert.equal(res.status, 200, await res.text());
  }
}

// Eight regexes that each fail only after reading a whole value: the work of eight scans.
const HEAVY = encodeURIComponent(`{ ${Array.from({ length: 8 }, (_, i) => `span.payload =~ "(a*){1,${255 - i}}[^a]"`).join(' || ')} }`);

/** A search that would run for seconds answers 504 within QUERY_TIMEOUT; then reads and ingest work. */
async function heavySearchIsCutOff(s: TestServer): Promise<void> {
  const r = await timed(`${s.url}/api/search?q=${HEAVY}&limit=5`);
  assert.equal(r.status, 504, r.text);
  assert.match(r.text, /exceeded its time limit of 1s/);
  assert.ok(r.ms < TIMEOUT_MS + SLACK_MS, `answered in ${Math.round(r.ms)} ms`);

  // A read arriving while PGlite reopens waits at most its own budget (200 if the reopen is quick).
  const during = await timed(`${s.url}/api/v2/traces/${'c0'.padEnd(32, '0')}`);
  assert.ok([200, 504].includes(during.status), during.text.slice(0, 200));
  assert.ok(during.ms < TIMEOUT_MS + SLACK_MS, `answered in ${Math.round(during.ms)} ms`);

  const id = 'c9000000000000000000000000000001';
  const res = await ingest(s, spans(id, 3, 'after'));
  assert.equal(res.status, 200, await res.text());
  const trace = await fetch(`${s.url}/api/v2/traces/${id}`);
  assert.equal(trace.status, 200);
  assert.equal((await trace.json()).trace.resourceSpans[0].scopeSpans[0].spans.length, 3);
  const older = await fetch(`${s.url}/api/v2/traces/${'c0'.padEnd(32, '0')}`);
  assert.equal((await older.json()).trace.resourceSpans[0].scopeSpans[0].spans.length, 500, 'data from before the stop is intact');
}

/** Regexes over the bounds are 400s naming the regex, on every route that takes TraceQL. */
async function regexBounds(s: TestServer): Promise<void> {
  const nested = encodeURIComponent('{ span.payload =~ "(a{1,50}){1,50}" }');
  const long = encodeURIComponent(`{ name =~ "${'ab'.repeat(4200)}" }`);
  const end = nowS();
  for (const url of [
    `/api/search?q=${nested}`,
    `/api/metrics/query_range?q=${encodeURIComponent('{ span.payload =~ "((x{2}){10}){20}" } | rate()')}&start=${end - 600}&end=${end}&step=60`,
    `/api/search?q=${long}`,
  ]) {
    const r = await timed(`${s.url}${url}`);
    assert.equal(r.status, 400, `${url.slice(0, 60)}: ${r.text.slice(0, 200)}`);
    assert.match(r.text, /invalid regex: "(\(|abab).*(nested repeat counts multiply to (2500|400)|8400 characters long, more than the limit of 8192)/);
    assert.ok(r.text.length < 600, 'a long pattern is not echoed whole');
  }
}

describe('query safety (postgres)', () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer('postgres', { QUERY_TIMEOUT: `${TIMEOUT_MS}ms` });
  });
  after(() => s?.close());

  test('every read route answers 504 within QUERY_TIMEOUT while its tables are locked', async () => {
    const id = 'c1000000000000000000000000000001';
    assert.equal((await ingest(s, spans(id, 2, 'x'))).status, 200);
    const end = nowS();
    const range = `start=${end - 600}&end=${end}`;
    const q = (t: string) => encodeURIComponent(t);
    const rfc = (sec: number) => new Date(sec * 1000).toISOString();
    const v3find = `query.serviceName=qs&query.startTimeMin=${rfc(end - 600)}&query.startTimeMax=${rfc(end)}`;
    // Every read route of app.ts: Tempo, Jaeger (classic and v3), the UI's data and /metrics/generator.
    const routes = [
      `/api/traces/${id}`,
      `/api/v2/traces/${id}`,
      `/api/search?q=${q('{ resource.service.name = "qs" }')}&${range}`,
      `/api/search?tags=${q('service.name=qs')}&${range}`,
      `/api/search/tags?${range}`,
      `/api/v2/search/tags?${range}`,
      `/api/search/tag/payload/values?${range}`,
      `/api/v2/search/tag/span.payload/values?${range}`,
      `/api/v2/search/tag/span.payload/values?q=${q('{ name = "op" }')}&${range}`,
      `/api/metrics/query_range?q=${q('{ } | rate()')}&${range}&step=60`,
      `/api/metrics/query?q=${q('{ } | rate()')}&${range}`,
      '/jaeger/api/services',
      '/jaeger/api/services/qs/operations',
      '/jaeger/api/operations?service=qs',
      '/jaeger/api/traces?service=qs',
      `/jaeger/api/traces/${id}`,
      '/jaeger/api/dependencies',
      '/jaeger/api/v3/services',
      '/jaeger/api/v3/operations?service=qs',
      `/jaeger/api/v3/traces/${id}`,
      `/jaeger/api/v3/traces?${v3find}`,
      `/jaeger/api/v3/trace-summaries?${v3find}`,
      `/api/ui/service-graph?${range}`,
      `/api/ui/monitor/services?${range}`,
      `/api/ui/monitor?service=qs&${range}`,
      '/metrics/generator',
    ];
    for (const r of routes) assert.equal((await fetch(`${s.url}${r}`)).status, 200, `${r} answers before the lock`);

    // Another session holds every table of trace data (not the tenant list) exclusively.
    const locker = postgres(s.database.url!, { max: 1, onnotice: () => {} });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const session = locker.begin(async (tx) => {
      const tables = await tx<{ name: string }[]>`
        select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
          and c.relname not in ('tenants', 'tenant_limits') and c.relname not like '%migrations%'`;
      await tx.unsafe(`lock table ${tables.map((t) => `"${t.name}"`).join(', ')} in access exclusive mode`);
      locked();
      await held;
    });
    try {
      await isLocked;
      for (const r of routes) {
        const got = await timed(`${s.url}${r}`);
        assert.equal(got.status, 504, `${r}: ${got.text.slice(0, 200)}`);
        assert.match(got.text, /time limit of 1s/, r);
        assert.ok(got.ms < TIMEOUT_MS + SLACK_MS, `${r} answered in ${Math.round(got.ms)} ms`);
      }
    } finally {
      release();
      await session;
      await locker.end();
    }
    assert.equal((await fetch(`${s.url}/api/v2/traces/${id}`)).status, 200, 'reads work once the lock is gone');
  });

  test('a search that would run for seconds is cancelled at QUERY_TIMEOUT; reads and ingest go on', async () => {
    await loadHeavyData(s);
    await heavySearchIsCutOff(s);
  });

  test('regexes over the bounds: 400 naming the regex', () => regexBounds(s));
});

describe('query safety (PGlite in its worker, on disk)', () => {
  let s: TestServer;
  let dir: string;
  const stops: { timeoutMs: number; statement: string }[] = [];
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tracegres-query-safety-'));
    const db = await createPgliteWorkerDb(dir, { onStatementTimeout: (e) => stops.push(e) });
    s = await startServerOn({ db, drop: () => db.close() }, { QUERY_TIMEOUT: `${TIMEOUT_MS}ms` });
  });
  after(async () => {
    await s?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a search that would run for seconds is stopped at QUERY_TIMEOUT; reads and ingest go on', async () => {
    const stopsBefore = stops.length;
    await loadHeavyData(s);
    await heavySearchIsCutOff(s);
    assert.equal(stops.length - stopsBefore, 1, 'the watchdog stopped one statement');
    assert.ok(stops.at(-1)!.timeoutMs <= TIMEOUT_MS);
  });

  test('a write stopped mid-way is rolled back whole; statements without a timeout are never stopped', async () => {
    const db = s.database.db;
    const stopsBefore = stops.length;
    await db.exec('create table qs_probe (id int primary key)');
    await db.query('insert into qs_probe values (1)');
    const t0 = performance.now();
    await assert.rejects(
      db.transaction(async (tx) => {
        await tx.query('set local statement_timeout = 300');
        await tx.query('insert into qs_probe select g from generate_series(2, 50000000) g');
      }),
      (e: Error & { code?: string }) => e.code === '57014' && /statement timeout/.test(e.message),
    );
    assert.ok(performance.now() - t0 < 300 + SLACK_MS, `stopped after ${Math.round(performance.now() - t0)} ms`);
    assert.deepEqual(await db.query('select count(*)::int as n from qs_probe'), [{ n: 1 }], 'the committed row stays, the cut-off insert left nothing');

    // A statement after the stop, inside the dead transaction, must not run in autocommit.
    await assert.rejects(
      db.transaction(async (tx) => {
        await tx.query('set local statement_timeout = 200');
        await tx.query('select count(*) from generate_series(1, 2000000000)').catch(() => {});
        await tx.query('insert into qs_probe values (99)');
      }),
      (e: Error & { code?: string }) => e.code === '25P02',
    );
    assert.deepEqual(await db.query('select count(*)::int as n from qs_probe where id = 99'), [{ n: 0 }]);

    // SET LOCAL ends with its transaction: an ingest-like statement after it runs to the end.
    await db.transaction(async (tx) => {
      await tx.query('set local statement_timeout = 50');
      await tx.query('select 1');
    });
    const [slow] = await db.query<{ ok: number }>('select pg_sleep(0.4), 1 as ok');
    assert.equal(slow.ok, 1);
    assert.equal(stops.length - stopsBefore, 2);
    await db.exec('drop table qs_probe');
  });

  test('regexes over the bounds: 400 naming the regex', () => regexBounds(s));
});
