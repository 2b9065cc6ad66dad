// The Citus layout. Citus cannot run here (no Docker engine, no Citus package), so this checks
// the statements applyCitusLayout issues against a recording stand-in for a Citus coordinator
// (which tables, in which order, co-located with what, and nothing twice), and that on plain
// Postgres and PGlite it changes nothing. docs/operations.md says how to check a real cluster.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Db, type Queryable, applyCitusLayout, citusDistributedTables, citusReferenceTables, describeCitusLayout, migrate } from '@tracegres/schema';
import { loadMigrations } from '@tracegres/schema/node';
import { drivers, openTestDatabase } from '../support/databases.ts';

interface Call {
  sql: string;
  params: readonly unknown[];
}

/** A coordinator that already knows `distributed` tables and `distributedFns` functions. */
function fakeCitus(opts: { distributed?: Record<string, string>; distributedFns?: string[]; session?: boolean } = {}) {
  const calls: Call[] = [];
  const known = new Map(Object.entries(opts.distributed ?? {}));
  const fns = ['tracegres.readable_value(jsonb)', 'tracegres.readable_map(jsonb)', 'tracegres.ts(bigint)', 'tracegres.ns(timestamp with time zone)'];
  const q: Queryable = {
    async query<T>(sql: string, params: readonly unknown[] = []) {
      calls.push({ sql: sql.replace(/\s+/g, ' ').trim(), params });
      if (/from pg_extension/.test(sql)) return [{ extname: 'citus' }] as T[];
      if (/from pg_dist_partition/.test(sql)) return [...known].map(([name, method]) => ({ name, method })) as T[];
      if (/from pg_proc/.test(sql)) return fns.map((sig) => ({ sig, distributed: (opts.distributedFns ?? []).includes(sig) })) as T[];
      if (/create_reference_table/.test(sql)) known.set(params[0] as string, 'n');
      if (/create_distributed_table/.test(sql)) known.set(params[0] as string, 'h');
      return [] as T[];
    },
  };
  const db: Db = {
    driver: 'postgres',
    query: q.query,
    exec: async () => {},
    transaction: (fn) => fn(q),
    session: opts.session === false ? undefined : (fn) => fn({ ...q, exec: async () => {} }),
    ping: async () => true,
    close: async () => {},
  };
  const conversions = () => calls.filter((c) => /create_(reference|distributed)_table|create_distributed_function/.test(c.sql));
  return { db, calls, conversions };
}

describe('Citus layout on a Citus coordinator (recorded)', () => {
  test('dictionaries become reference tables, then traces and spans are distributed by trace_id, co-located', async () => {
    const f = fakeCitus();
    const r = await applyCitusLayout(f.db);
    assert.equal(r.citus, true);
    assert.deepEqual(r.reference, [...citusReferenceTables]);
    assert.deepEqual(r.distributed, ['traces', 'spans', 'span_nested', 'span_blocks']);
    const conv = f.conversions();
    assert.deepEqual(
      conv.slice(0, citusReferenceTables.length).map((c) => [c.sql, c.params[0]]),
      citusReferenceTables.map((t) => ['select create_reference_table($1::regclass)', t]),
    );
    const dist = conv.filter((c) => /create_distributed_table/.test(c.sql));
    assert.deepEqual(dist.map((c) => c.params), [
      ['traces', 'trace_id', 'none'],
      ['spans', 'trace_id', 'traces'],
      ['span_nested', 'trace_id', 'spans'],
      ['span_blocks', 'trace_id', 'span_nested'],
    ]);
    assert.match(dist[0].sql, /create_distributed_table\(\$1::regclass, \$2, colocate_with => \$3\)/);
  });

  test('the functions the operator views call are created on the workers too', async () => {
    const f = fakeCitus({ distributedFns: ['tracegres.ts(bigint)'] });
    const r = await applyCitusLayout(f.db);
    assert.deepEqual(r.functions, ['tracegres.readable_value(jsonb)', 'tracegres.readable_map(jsonb)', 'tracegres.ns(timestamp with time zone)']);
    assert.ok(f.conversions().filter((c) => /create_distributed_function/.test(c.sql)).every((c) => c.sql === 'select create_distributed_function($1::regprocedure)'));
  });

  test('runs under an advisory lock, released at the end', async () => {
    const f = fakeCitus();
    await applyCitusLayout(f.db);
    assert.match(f.calls[1].sql, /^select pg_advisory_lock\(\$1\)$/);
    assert.match(f.calls.at(-1)!.sql, /^select pg_advisory_unlock\(\$1\)$/);
    assert.equal(f.calls[1].params[0], f.calls.at(-1)!.params[0]);
  });

  test('idempotent: what Citus already has is left alone, the rest is completed', async () => {
    const done = Object.fromEntries([...citusReferenceTables.map((t) => [t, 'n']), ...citusDistributedTables.map((t) => [t, 'h'])]);
    const all = fakeCitus({ distributed: done, distributedFns: ['tracegres.readable_value(jsonb)', 'tracegres.readable_map(jsonb)', 'tracegres.ts(bigint)', 'tracegres.ns(timestamp with time zone)'] });
    const r = await applyCitusLayout(all.db);
    assert.deepEqual(all.conversions(), []);
    assert.equal(describeCitusLayout(r), 'citus: layout already in place');
    const half = fakeCitus({ distributed: { tenants: 'n', traces: 'h' } });
    const h = await applyCitusLayout(half.db);
    assert.deepEqual(h.distributed, ['spans', 'span_nested', 'span_blocks']);
    assert.deepEqual(half.conversions().find((c) => /create_distributed_table/.test(c.sql))!.params, ['spans', 'trace_id', 'traces']);
    assert.ok(!h.reference.includes('tenants'));
  });

  test('describes what it did in one line', async () => {
    const r = await applyCitusLayout(fakeCitus({ distributedFns: [] }).db);
    assert.match(describeCitusLayout(r), /^citus: reference tables tenants, resources, scopes, tag_keys, tag_values; distributed traces, spans, span_nested, span_blocks by trace_id \(co-located\); propagated 4 function\(s\)$/);
  });
});

test('every table the layout names exists after migrations, with a primary key led by trace_id where distributed', { skip: !drivers.includes('postgres') }, async () => {
  const t = await openTestDatabase('postgres');
  try {
    await migrate(t.db, await loadMigrations());
    for (const table of [...citusReferenceTables, ...citusDistributedTables]) {
      const [row] = await t.db.query<{ pk: string | null }>(
        `select (select pg_get_constraintdef(oid) from pg_constraint where conrelid = $1::regclass and contype = 'p') as pk`,
        [table],
      );
      assert.ok(row.pk, `${table} has a primary key`);
      // Citus requires every unique key of a distributed table to contain the distribution column.
      if ((citusDistributedTables as readonly string[]).includes(table)) assert.match(row.pk!, /^PRIMARY KEY \(trace_id, /, table);
    }
    const uniques = await t.db.query<{ def: string; rel: string }>(
      `select pg_get_indexdef(indexrelid) as def, indrelid::regclass::text as rel from pg_index where indisunique and indrelid = any($1::regclass[])`,
      [[...citusDistributedTables]],
    );
    for (const u of uniques) assert.match(u.def, /\(trace_id,/, `${u.rel}: ${u.def}`);
  } finally {
    await t.drop();
  }
});

for (const driver of drivers) {
  test(`without the citus extension nothing changes (${driver})`, async () => {
    const t = await openTestDatabase(driver);
    try {
      await migrate(t.db, await loadMigrations());
      const r = await applyCitusLayout(t.db);
      assert.deepEqual(r, { citus: false, distributed: [], reference: [], functions: [] });
      assert.equal(describeCitusLayout(r), 'citus: extension not installed (single-node layout)');
    } finally {
      await t.drop();
    }
  });
}
