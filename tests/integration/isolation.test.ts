// Tenant isolation. Three tenants hold the same trace id (same span ids too) with different
// services, span names and attributes, each marked with the tenant's own word. Every read
// endpoint is asked as each tenant, as no tenant (single-tenant) and as a tenant with no data:
// no answer may carry another tenant's word. Then the backstop: SQL with no tenant filter at all,
// run through the tenant scope, still returns one tenant's rows only (row-level security), which
// is what makes a handler that forgets its filter unable to leak.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { enterTenantScope, migrate, tenantScoped } from '@tracegres/schema';
import { loadMigrations } from '@tracegres/schema/node';
import postgres from 'postgres';
import { runCompaction } from '../../apps/api/src/compaction/job.ts';
import { type TestServer, startServerOn } from '../support/app.ts';
import { compactionServer, contextOf, handTrace, send } from '../support/compaction.ts';
import { adminUrl, createServerDatabase, drivers } from '../support/databases.ts';
import { createPostgresDb } from '@tracegres/schema';

const SHARED = 'abcdef0123456789abcdef0123456789';
const base = Date.now() - 20 * 60_000;
// Compaction here rolls up and numbers but leaves partitions as rows (whatever the time of day),
// so raw SQL on `spans` sees the data; one test moves it into blocks on purpose.
const KEEP_ROWS = { closeAfterSeconds: 86_400 };
const nowS = Math.floor(Date.now() / 1000);

/** Who asks, the word their data carries, and the trace only they have. */
const tenants = [
  { header: 'acme-corp', word: 'acme', own: '00000000000000000000000000000a01' },
  { header: 'globex-inc', word: 'globex', own: '00000000000000000000000000000b01' },
  { header: undefined, word: 'solo', own: '00000000000000000000000000000c01' },
] as const;
type Tenant = (typeof tenants)[number];

const trace = (id: string, w: string) =>
  handTrace(id, base, [
    { id: '1', service: `${w}-web`, name: `GET /${w}`, kind: 2, startMs: 0, durMs: 100, attrs: { 'app.owner': w } },
    { id: '2', parent: '1', service: `${w}-web`, name: `call ${w}`, kind: 3, startMs: 5, durMs: 80, attrs: { 'app.owner': w } },
    { id: '3', parent: '2', service: `${w}-api`, name: `serve ${w}`, kind: 2, startMs: 10, durMs: 60, error: true, attrs: { 'app.owner': w, [`${w}.secret`]: `${w}-value` } },
  ]);

const rfc = (ms: number) => new Date(ms).toISOString();
const window = `start=${nowS - 3600}&end=${nowS + 60}`;
const v3Window = `query.start_time_min=${rfc(Date.now() - 3600_000)}&query.start_time_max=${rfc(Date.now() + 60_000)}`;
const q = (text: string) => encodeURIComponent(text);

/**
 * Every read endpoint, as paths for a caller whose data is marked `w` and another tenant `o`.
 * `mine`: the answer must show the caller's own data (so an endpoint that answered nothing at
 * all could not pass); the others probe for the other tenant's trace, service or attribute.
 */
function endpoints(w: string, o: string): { path: string; mine: boolean }[] {
  const mine = (path: string) => ({ path, mine: true });
  const probe = (path: string) => ({ path, mine: false });
  return [
    mine(`/api/traces/${SHARED}`),
    mine(`/api/v2/traces/${SHARED}`),
    probe(`/api/traces/${tenants.find((t) => t.word === o)!.own}`),
    probe(`/api/v2/traces/${tenants.find((t) => t.word === o)!.own}`),
    mine(`/api/search?${window}`),
    mine(`/api/search?q=${q(`{ resource.service.name = "${w}-api" }`)}&spss=10&${window}`),
    mine(`/api/search?q=${q('{ true } | select(span.app.owner)')}&${window}`),
    probe(`/api/search?q=${q(`{ span.app.owner = "${o}" }`)}&${window}`),
    probe(`/api/search?tags=${q(`service.name=${o}-api`)}&${window}`),
    mine('/api/search/tags'),
    mine('/api/search/tags?scope=span'),
    mine('/api/v2/search/tags'),
    mine('/api/search/tag/app.owner/values'),
    mine('/api/search/tag/service.name/values'),
    mine('/api/search/tag/name/values'),
    mine('/api/v2/search/tag/span.app.owner/values'),
    mine('/api/v2/search/tag/resource.service.name/values'),
    mine(`/api/v2/search/tag/span.app.owner/values?q=${q('{ resource.service.name =~ ".+" }')}&${window}`),
    probe(`/api/v2/search/tag/span.${o}.secret/values`),
    mine(`/api/metrics/query_range?q=${q('{ } | count_over_time() by (resource.service.name)')}&${window}&step=60`),
    mine(`/api/metrics/query?q=${q('{ } | count_over_time() by (span.app.owner)')}&${window}`),
    mine('/metrics/generator'),
    mine('/jaeger/api/services'),
    mine(`/jaeger/api/services/${w}-web/operations`),
    probe(`/jaeger/api/services/${o}-web/operations`),
    mine(`/jaeger/api/operations?service=${w}-api`),
    probe(`/jaeger/api/operations?service=${o}-api`),
    mine(`/jaeger/api/traces?service=${w}-web&lookback=2h`),
    probe(`/jaeger/api/traces?service=${o}-web&lookback=2h`),
    mine(`/jaeger/api/traces/${SHARED}`),
    mine(`/jaeger/api/traces?traceID=${SHARED}`),
    probe(`/jaeger/api/traces/${tenants.find((t) => t.word === o)!.own}`),
    mine(`/jaeger/api/dependencies?endTs=${Date.now() + 60_000}&lookback=7200000`),
    mine('/jaeger/api/v3/services'),
    mine(`/jaeger/api/v3/operations?service=${w}-api`),
    mine(`/jaeger/api/v3/traces/${SHARED}`),
    mine(`/jaeger/api/v3/traces?query.service_name=${w}-web&${v3Window}`),
    probe(`/jaeger/api/v3/traces?query.service_name=${o}-web&${v3Window}`),
    mine(`/jaeger/api/v3/trace-summaries?query.service_name=${w}-web&${v3Window}`),
    mine(`/api/ui/service-graph?${window}`),
    mine(`/api/ui/monitor/services?${window}`),
    mine(`/api/ui/monitor?service=${w}-api&spanKind=server&${window}`),
    probe(`/api/ui/monitor?service=${o}-api&spanKind=server&${window}`),
  ];
}

/** The other tenants' words in `body`, once whatever the request itself said is taken out. */
function leaked(body: string, path: string, others: string[]): string[] {
  let text = body;
  const url = new URL(path, 'http://x');
  for (const v of [...url.searchParams.values(), ...decodeURIComponent(url.pathname).split('/')]) if (v.length > 3) text = text.replaceAll(v, '');
  return others.filter((o) => text.includes(o));
}

for (const driver of drivers) {
  describe(`tenant isolation (${driver})`, () => {
    let server: TestServer;
    const ids = new Map<string, number>();

    before(async () => {
      server = await compactionServer(driver);
      for (const t of tenants) await send(server, [trace(SHARED, t.word), trace(t.own, t.word)], t.header);
      await server.deps.tags.flush(server.deps.db);
      // Rollups feed /metrics/generator and the UI's service graph and Monitor.
      await runCompaction(contextOf(server, Date.now() + 60_000, KEEP_ROWS));
      for (const t of tenants) ids.set(t.word, (await server.deps.tenants.lookup(t.header ?? 'single-tenant'))!);
    });
    after(() => server?.close());

    const callers = [...tenants, { header: 'no-data-here', word: undefined, own: undefined }] as const;
    const checkCaller = async (caller: (typeof callers)[number]) => {
        const others = tenants.filter((t) => t.word !== caller.word).map((t) => t.word);
        const paths = caller.word ? endpoints(caller.word, others[0]).concat(endpoints(caller.word, others[1]).filter((e) => !e.mine)) : endpoints('none', 'acme').concat(endpoints('none', 'globex'), endpoints('none', 'solo'));
        const problems: string[] = [];
        for (const { path, mine } of paths) {
          const res = await fetch(server.url + path, { headers: caller.header ? { 'x-scope-orgid': caller.header } : {} });
          const body = await res.text();
          if (res.status !== 200 && res.status !== 404) problems.push(`${path}: status ${res.status} ${body.slice(0, 200)}`);
          const leaks = leaked(body, path, others);
          if (leaks.length) problems.push(`${path}: shows ${leaks.join(', ')}: ${body.slice(0, 300)}`);
          if (mine && caller.word && !body.includes(caller.word)) problems.push(`${path}: does not show the caller's own data (${caller.word}): ${body.slice(0, 200)}`);
        }
        assert.deepEqual(problems, []);
    };
    for (const caller of callers) {
      test(`every read endpoint as ${caller.header ?? 'no tenant'}: nothing of another tenant`, () => checkCaller(caller));
    }

    test('raw SQL with no tenant filter, through the tenant scope, returns that tenant only', async () => {
      const db = server.deps.db;
      const tables = ['spans', 'traces', 'span_nested', 'resources', 'scopes', 'tag_keys', 'tag_values', 'service_graph_1m', 'service_graph_total', 'span_metrics_1m', 'span_metrics_total'];
      for (const t of tenants) {
        const id = ids.get(t.word)!;
        const scoped = tenantScoped(db, id);
        for (const table of tables) {
          const seen = (await scoped.query<{ tenant_id: number }>(`select distinct tenant_id from ${table}`)).map((r) => Number(r.tenant_id));
          assert.deepEqual(seen, [id], `${table} as ${t.word}`);
        }
        const spans = await scoped.query<{ name: string }>('select * from spans');
        assert.equal(spans.length, 6, `${t.word}: its two traces of three spans`);
        assert.ok(spans.every((s) => s.name.includes(t.word)), `${t.word}: ${spans.map((s) => s.name)}`);
        // The same through a transaction, as the search and metrics handlers use it.
        const [{ n }] = await scoped.transaction((tx) => tx.query<{ n: string }>(`select count(*)::text as n from spans where trace_id = '${SHARED}'`));
        assert.equal(n, '3');
      }
      const [{ n: all }] = await db.query<{ n: string }>('select count(*)::text as n from spans');
      assert.equal(all, '18', 'unscoped (the owner: ingest and compaction) sees every tenant');
    });

    test('once the data moved into compacted blocks: every endpoint as every caller, and raw SQL on span_blocks', async () => {
      const c = await runCompaction(contextOf(server, Date.now() + 3 * 3600_000));
      assert.ok(c.partitionsCompacted.length >= 1);
      const [{ n }] = await server.deps.db.query<{ n: number }>(`select count(*)::int4 as n from spans`);
      assert.equal(n, 0, 'every span is in a block now');
      for (const caller of callers) await checkCaller(caller);
      for (const t of tenants) {
        const id = ids.get(t.word)!;
        const scoped = tenantScoped(server.deps.db, id);
        const seen = (await scoped.query<{ tenant_id: number }>(`select distinct tenant_id from span_blocks`)).map((r) => Number(r.tenant_id));
        assert.deepEqual(seen, [id], `span_blocks as ${t.word}`);
        // Naming another tenant in span_rows() does not get past the policy.
        for (const other of tenants.filter((o) => o.word !== t.word)) {
          const rows = await scoped.query(`select 1 from span_rows(${ids.get(other.word)}, 0, 9223372036854775807)`);
          assert.equal(rows.length, 0, `${t.word} asking span_rows for ${other.word}`);
        }
      }
    });

    test('the reader role sees nothing without a tenant, cannot write, and stays inside its tables', async () => {
      const db = server.deps.db;
      const asReader = <T>(sql: string) =>
        db.transaction(async (tx) => {
          await tx.query(`select set_config('role', 'tracegres_reader', true)`);
          return tx.query<T>(sql);
        });
      assert.equal((await asReader('select trace_id from spans')).length, 0, 'no tenant set: no rows');
      const scoped = tenantScoped(db, ids.get('acme')!);
      const denied = async (sql: string) => {
        await assert.rejects(scoped.query(sql), (e: { code?: string; message: string }) => e.code === '42501' || /permission denied/.test(e.message), sql);
      };
      await denied(`delete from spans`);
      await denied(`update traces set span_count = 0`);
      await denied(`insert into tag_keys (tenant_id, scope, key) values (${ids.get('globex')}, 1, 'x')`);
      await denied('select * from tenants');
      const [part] = await db.query<{ n: string }>(`select relname as n from pg_class where relname like 'spans_p%' and relkind = 'r' limit 1`);
      await denied(`select * from "${part.n}"`);
      // Scope is transaction-local: pooled connections go back as the owner, with no tenant.
      for (let i = 0; i < 8; i++) {
        const [who] = await db.query<{ u: string; t: string | null }>(`select current_user as u, nullif(current_setting('tracegres.tenant_id', true), '') as t`);
        assert.deepEqual({ ...who }, { u: 'postgres', t: null });
      }
      assert.throws(() => tenantScoped(db, -1), /invalid tenant id/);
    });
  });
}

test('route handlers read through the tenant scope, never deps.db directly', () => {
  const root = new URL('../../apps/api/src/routes/', import.meta.url).pathname;
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) files.push(p);
    }
  };
  walk(root);
  const offenders = files.flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .map((line, i) => ({ line, at: `${f.slice(root.length)}:${i + 1}` }))
      // /ready's liveness ping is the one use that reads no tenant data.
      .filter(({ line }) => /\bdeps\.db\b/.test(line) && !/deps\.db\.ping\(\)/.test(line))
      .map(({ at, line }) => `${at}: ${line.trim()}`),
  );
  assert.deepEqual(offenders, []);
  assert.ok(files.length > 10, 'the routes were found');
});

// Isolation must not depend on connecting as a superuser: a database owned by an ordinary role,
// migrated and served as that role, keeps tenants apart and still ingests and compacts.
test('as a non-superuser owner: migrations, ingest, compaction and isolation', { skip: !drivers.includes('postgres') }, async () => {
  const role = `tg_owner_${Math.random().toString(36).slice(2, 8)}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create role ${role} login createrole`);
  const { url, drop } = await createServerDatabase();
  const dbName = new URL(url).pathname.slice(1);
  await admin.unsafe(`alter database "${dbName}" owner to ${role}`);
  const u = new URL(url);
  u.username = role;
  const db = createPostgresDb(u.toString(), { max: 4 });
  let server: TestServer | undefined;
  try {
    const [me] = await db.query<{ su: boolean }>('select rolsuper as su from pg_roles where rolname = current_user');
    assert.equal(me.su, false);
    await migrate(db, await loadMigrations());
    server = await startServerOn({ db, url: u.toString(), drop: async () => db.close() }, { PARTITION_INTERVAL: '1h' });
    await send(server, [trace(SHARED, 'acme')], 'acme-corp');
    await send(server, [trace(SHARED, 'globex')], 'globex-inc');
    await runCompaction(contextOf(server, Date.now() + 60_000, KEEP_ROWS));
    const acme = (await server.deps.tenants.lookup('acme-corp'))!;
    const names = (await tenantScoped(db, acme).query<{ name: string }>('select name from spans order by name')).map((r) => r.name);
    assert.deepEqual(names, ['GET /acme', 'call acme', 'serve acme']);
    const viaApi = await (await fetch(`${server.url}/api/traces/${SHARED}`, { headers: { 'x-scope-orgid': 'globex-inc' } })).text();
    assert.ok(viaApi.includes('globex') && !viaApi.includes('acme'), viaApi.slice(0, 200));
    const [rollup] = await db.query<{ n: string }>('select count(*)::text as n from service_graph_1m');
    assert.notEqual(rollup.n, '0', 'compaction, running as the owner, still sees every tenant');
    await db.transaction(async (tx) => {
      await enterTenantScope(tx, acme);
      const [who] = await tx.query<{ u: string }>('select current_user as u');
      assert.equal(who.u, 'tracegres_reader');
    });
  } finally {
    await server?.close();
    await db.close().catch(() => {});
    await drop();
    await admin.unsafe(`drop role if exists ${role}`);
    await admin.end();
  }
});
