import type { Db, Queryable } from './db.ts';

/**
 * Citus (distributed Postgres) support, kept in this one file: when the `citus` extension is
 * installed in the database, the trace tables are hash-distributed by trace id and co-located
 * (a trace's spans and its summary rows live on the same worker, so trace-by-ID is a
 * single-shard router query and their joins stay local), and the dictionaries become reference
 * tables (a copy on every node, joinable with any shard). Everything else (rollups, job state,
 * migrations) stays on the coordinator as ordinary tables.
 *
 * Partitions need nothing here: `partitions.ts` issues plain `CREATE TABLE ... PARTITION OF` and
 * `DROP TABLE`, which Citus applies to the shards on every worker. Citus's own
 * `create_time_partitions` / `drop_old_time_partitions` cannot be used: they accept only date,
 * timestamp and timestamptz partition keys (or types cast both ways to timestamptz), and ours
 * is `start_ns bigint`.
 */

/** Distributed by `trace_id`, in this order: the first starts the co-location group. */
export const citusDistributedTables = ['traces', 'spans', 'span_nested', 'span_blocks'] as const;
export const CITUS_DISTRIBUTION_COLUMN = 'trace_id';
/** Small, read on every query, written rarely: a copy on every node. */
export const citusReferenceTables = ['tenants', 'resources', 'scopes', 'tag_keys', 'tag_values'] as const;
/** Schema whose SQL functions the operator views call; workers need them too. */
const FUNCTION_SCHEMA = 'tracegres';

// Any constant works; the same in every process, distinct from the migration lock.
const CITUS_LOCK = 7_245_310_002;

export interface CitusLayout {
  /** False when the citus extension is not installed; nothing was done then. */
  citus: boolean;
  /** What this call changed (empty when the layout was already in place). */
  distributed: string[];
  reference: string[];
  /** SQL functions of the operator views, created on the workers too. */
  functions: string[];
}

/** Whether the citus extension is installed in this database. */
export async function hasCitus(db: Queryable): Promise<boolean> {
  const rows = await db.query<{ extname: string }>(`select extname from pg_extension where extname = 'citus'`);
  return rows.length > 0;
}

/**
 * Brings a migrated database to the Citus layout when Citus is installed; a no-op otherwise.
 * Idempotent (tables already in Citus's metadata are skipped), and safe when several processes
 * start together: the work runs under an advisory lock, each Citus call in its own transaction,
 * as Citus recommends for table conversions.
 */
export async function applyCitusLayout(db: Db): Promise<CitusLayout> {
  const out: CitusLayout = { citus: false, distributed: [], reference: [], functions: [] };
  if (!(await hasCitus(db))) return out;
  out.citus = true;
  const work = async (q: Queryable) => {
    await q.query('select pg_advisory_lock($1)', [CITUS_LOCK]);
    try {
      await convert(q, out);
    } finally {
      await q.query('select pg_advisory_unlock($1)', [CITUS_LOCK]);
    }
  };
  // A session lock needs one connection for the lock and the work; PGlite (never Citus) has none.
  if (db.session) await db.session(work);
  else await work(db);
  return out;
}

async function convert(q: Queryable, out: CitusLayout): Promise<void> {
  const known = new Map(
    (await q.query<{ name: string; method: string }>(`select logicalrelid::regclass::text as name, partmethod::text as method from pg_dist_partition`)).map(
      (r) => [r.name, r.method],
    ),
  );
  for (const t of citusReferenceTables) {
    if (known.has(t)) continue;
    await q.query(`select create_reference_table($1::regclass)`, [t]);
    out.reference.push(t);
  }
  let colocateWith = 'none';
  for (const t of citusDistributedTables) {
    if (!known.has(t)) {
      // Partitioned parents are distributed with every partition they already have; the
      // primary keys of all three tables start with trace_id, which Citus requires of unique keys.
      await q.query(`select create_distributed_table($1::regclass, $2, colocate_with => $3)`, [t, CITUS_DISTRIBUTION_COLUMN, colocateWith]);
      out.distributed.push(t);
    }
    colocateWith = t;
  }
  const fns = await q.query<{ sig: string; distributed: boolean }>(
    `select p.oid::regprocedure::text as sig,
            exists (select 1 from pg_dist_object o where o.classid = 'pg_proc'::regclass and o.objid = p.oid) as distributed
       from pg_proc p where p.pronamespace = (select oid from pg_namespace where nspname = $1)`,
    [FUNCTION_SCHEMA],
  );
  for (const f of fns) {
    if (f.distributed) continue;
    await q.query(`select create_distributed_function($1::regprocedure)`, [f.sig]);
    out.functions.push(f.sig);
  }
}

/** One line for logs and the CLI: what the Citus layout call did. */
export function describeCitusLayout(l: CitusLayout): string {
  if (!l.citus) return 'citus: extension not installed (single-node layout)';
  const did = [
    l.reference.length ? `reference tables ${l.reference.join(', ')}` : '',
    l.distributed.length ? `distributed ${l.distributed.join(', ')} by ${CITUS_DISTRIBUTION_COLUMN} (co-located)` : '',
    l.functions.length ? `propagated ${l.functions.length} function(s)` : '',
  ].filter(Boolean);
  return `citus: ${did.length ? did.join('; ') : 'layout already in place'}`;
}
