import type { Db, Queryable } from './db.ts';

/** Tables range-partitioned on a Unix-nanosecond column, with the same bounds. */
export const partitionedTables = ['spans', 'traces', 'span_nested', 'span_blocks'] as const;

const NS_PER_SECOND = 1_000_000_000n;

/** Lower bound of the partition holding `ns`. */
export function bucketOf(ns: bigint, intervalNs: bigint): bigint {
  const r = ns % intervalNs;
  return r < 0n ? ns - r - intervalNs : ns - r;
}

/** `spans_p20261121_0700`: the UTC start of the partition, readable in psql. */
export function partitionName(table: string, bucketNs: bigint): string {
  const iso = new Date(Number(bucketNs / 1_000_000n)).toISOString();
  return `${table}_p${iso.slice(0, 10).replaceAll('-', '')}_${iso.slice(11, 13)}${iso.slice(14, 16)}`;
}

/**
 * Keeps track of which partitions exist and creates missing ones (never a DEFAULT partition:
 * it would make every later CREATE scan it). Safe when several processes race to create the
 * same partition.
 */
export class Partitions {
  readonly intervalNs: bigint;
  #known = new Set<bigint>();
  #creating = new Map<bigint, Promise<void>>();

  constructor(intervalNs: bigint) {
    this.intervalNs = intervalNs;
  }

  /** Reads the existing partitions of `spans` from the catalog. */
  async load(db: Queryable): Promise<bigint[]> {
    const rows = await db.query<{ bound: string }>(
      `select pg_get_expr(c.relpartbound, c.oid) as bound
         from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = 'spans'::regclass`,
    );
    this.#known.clear();
    for (const r of rows) {
      const m = /FROM \('?(-?\d+)'?\)/.exec(r.bound);
      if (m) this.#known.add(BigInt(m[1]));
    }
    return [...this.#known].sort((a, b) => (a < b ? -1 : 1));
  }

  has(bucketNs: bigint): boolean {
    return this.#known.has(bucketNs);
  }

  /** Creates the partitions of every partitioned table for the given buckets, if missing. */
  async ensure(db: Db, buckets: Iterable<bigint>): Promise<void> {
    const work: Promise<void>[] = [];
    for (const b of buckets) {
      if (this.#known.has(b)) continue;
      let p = this.#creating.get(b);
      if (!p) {
        p = this.#create(db, b).finally(() => this.#creating.delete(b));
        this.#creating.set(b, p);
      }
      work.push(p);
    }
    await Promise.all(work);
  }

  /** Creates partitions covering [fromNs, toNs). */
  async ensureRange(db: Db, fromNs: bigint, toNs: bigint): Promise<void> {
    const buckets: bigint[] = [];
    for (let b = bucketOf(fromNs, this.intervalNs); b < toNs; b += this.intervalNs) buckets.push(b);
    await this.ensure(db, buckets);
  }

  /** Drops whole partitions that end at or before `cutoffNs` (retention); returns their names. */
  async dropBefore(db: Db, cutoffNs: bigint): Promise<string[]> {
    const dropped: string[] = [];
    for (const b of await this.load(db)) {
      if (b + this.intervalNs > cutoffNs) continue;
      for (const t of partitionedTables) {
        const name = partitionName(t, b);
        await db.exec(`drop table if exists "${name}"`);
        dropped.push(name);
      }
      this.#known.delete(b);
    }
    return dropped;
  }

  async #create(db: Db, b: bigint): Promise<void> {
    const to = b + this.intervalNs;
    for (const t of partitionedTables) {
      // Bounds are bigint literals computed here, never user text.
      const ddl = `create table if not exists "${partitionName(t, b)}" partition of ${t} for values from (${b}) to (${to})`;
      try {
        await db.exec(ddl);
      } catch (err) {
        // Another process created it between our check and our CREATE: fine.
        if (!['42P07', '23505', '42P17'].includes((err as { code?: string }).code ?? '')) throw err;
      }
    }
    this.#known.add(b);
  }
}

/** Reads the partition interval fixed at database creation, storing `wantNs` on first use. */
export async function partitionInterval(db: Queryable, wantNs: bigint): Promise<bigint> {
  await db.query(
    `insert into settings (key, value) values ('partition_interval_ns', to_jsonb($1::text)) on conflict (key) do nothing`,
    [wantNs.toString()],
  );
  const [row] = await db.query<{ v: string }>(`select value #>> '{}' as v from settings where key = 'partition_interval_ns'`);
  return BigInt(row.v);
}

export function secondsToNs(seconds: number): bigint {
  return BigInt(Math.round(seconds)) * NS_PER_SECOND;
}
