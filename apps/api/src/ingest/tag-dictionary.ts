import type { TracesData } from '@tracegres/otlp';
import type { Db } from '@tracegres/schema';
import { type TagDigest, digestTags } from './tag-digest.ts';

/** Values kept per attribute key; beyond it a key is "capped" (ids, URLs) and only its name is kept. */
export const MAX_VALUES_PER_KEY = 1000;
/** Distinct keys tracked per tenant and scope; attribute names built from ids stop here. */
const MAX_KEYS_PER_SCOPE = 10_000;
/** An entry already written is written again (to move last_seen) at most this often. */
const REFRESH_NS = 10n * 60n * 1_000_000_000n;

interface Entry {
  first: bigint;
  last: bigint;
  /** `first` and `last` as of the last write (a dirty entry's are meaningless until written). */
  wFirst: bigint;
  wLast: bigint;
  dirty: boolean;
}

interface ValueEntry extends Entry {
  key: KeyEntry;
  type: string;
  value: string;
}

interface KeyEntry extends Entry {
  tenantId: number;
  scope: number;
  key: string;
  capped: boolean;
  /** Typed values by their JS value: strings, bigint ints, number doubles, booleans stay distinct. */
  values: Map<string | bigint | number | boolean, ValueEntry>;
}

/**
 * Attribute names and values for Tempo's tag APIs, recorded from each request's digest
 * (tag-digest.ts: the request's distinct names and values). Nested maps (tenant -> scope -> key
 * -> typed value) and dirty flags; `flush()` upserts only entries that
 * are new or have not been written for REFRESH_NS (the server flushes every second, off the
 * acknowledgement path). Span start times give first/last seen, so `start`/`end` can filter.
 */
export class TagDictionary {
  readonly #tenants = new Map<number, Map<number, Map<string, KeyEntry>>>();
  #dirtyKeys: KeyEntry[] = [];
  #dirtyValues: ValueEntry[] = [];
  #flushing: Promise<void> = Promise.resolve();

  get pending(): number {
    return this.#dirtyKeys.length + this.#dirtyValues.length;
  }

  /** Records the names and values of every attribute in `td`. */
  observe(tenantId: number, td: TracesData): void {
    this.observeDigest(tenantId, digestTags(td));
  }

  /** Records a request's digest (made here or on a decode worker thread). */
  observeDigest(tenantId: number, d: TagDigest): void {
    let scopes = this.#tenants.get(tenantId);
    if (!scopes) this.#tenants.set(tenantId, (scopes = new Map()));
    let k: KeyEntry | undefined;
    for (let i = 0; i < d.key.length; i++) {
      const type = d.type[i];
      if (type === null) {
        let keys = scopes.get(d.scope[i]);
        if (!keys) scopes.set(d.scope[i], (keys = new Map()));
        // Key entries come before their values in a digest.
        k = this.#keyEntry(tenantId, d.scope[i], keys, d.key[i], d.first[i], d.last[i]);
      } else if (k && !k.capped) {
        this.#value(k, d.value[i]!, type, d.first[i], d.last[i]);
      }
    }
  }

  /** Writes what changed since the last flush. Flushes never overlap. */
  flush(db: Db): Promise<void> {
    // A failed flush must not poison the chain: its entries are queued again for this one.
    this.#flushing = this.#flushing.catch(() => {}).then(() => this.#write(db));
    return this.#flushing;
  }

  #keyEntry(tenantId: number, scope: number, keys: Map<string, KeyEntry>, key: string, first: bigint, last: bigint): KeyEntry | undefined {
    let k = keys.get(key);
    if (!k) {
      if (!key || keys.size >= MAX_KEYS_PER_SCOPE) return undefined;
      k = { tenantId, scope, key, first, last, wFirst: first, wLast: last, dirty: true, capped: false, values: new Map() };
      keys.set(key, k);
      this.#dirtyKeys.push(k);
      return k;
    }
    this.#touch(k, first, last, this.#dirtyKeys);
    return k;
  }

  #touch<E extends Entry>(e: E, first: bigint, last: bigint, dirty: E[]): void {
    if (first < e.first) e.first = first;
    if (last > e.last) e.last = last;
    if (!e.dirty && (e.first < e.wFirst - REFRESH_NS || e.last > e.wLast + REFRESH_NS)) {
      e.dirty = true;
      dirty.push(e);
    }
  }

  #value(k: KeyEntry, v: string | bigint | number | boolean, type: string, first: bigint, last: bigint): void {
    const e = k.values.get(v);
    if (e) return this.#touch(e, first, last, this.#dirtyValues);
    if (k.values.size >= MAX_VALUES_PER_KEY) {
      // Stop collecting: the key is marked capped and its values stay as they are.
      k.capped = true;
      if (!k.dirty) {
        k.dirty = true;
        this.#dirtyKeys.push(k);
      }
      return;
    }
    const entry: ValueEntry = { key: k, type, value: String(v), first, last, wFirst: first, wLast: last, dirty: true };
    k.values.set(v, entry);
    this.#dirtyValues.push(entry);
  }

  async #write(db: Db): Promise<void> {
    const keys = this.#dirtyKeys;
    const values = this.#dirtyValues;
    if (keys.length === 0 && values.length === 0) return;
    this.#dirtyKeys = [];
    this.#dirtyValues = [];
    // Snapshot what is written, so spans observed during the write are not lost.
    const keyRows = keys.map((k) => ({ e: k, first: k.first, last: k.last })).sort((a, b) => orderKey(a.e, b.e));
    const valueRows = values
      .map((v) => ({ e: v, first: v.first, last: v.last }))
      .sort((a, b) => orderKey(a.e.key, b.e.key) || cmp(a.e.type, b.e.type) || cmp(a.e.value, b.e.value));
    for (const r of [...keyRows, ...valueRows]) r.e.dirty = false;
    try {
      await db.transaction(async (tx) => {
        if (keyRows.length) {
          await tx.query(
            `insert into tag_keys as k (tenant_id, scope, key, first_seen_ns, last_seen_ns, values_capped)
             select * from unnest($1::int4[], $2::int2[], $3::text[], $4::text[]::int8[], $5::text[]::int8[], $6::text[]::bool[])
             on conflict (tenant_id, scope, key) do update set
               first_seen_ns = least(k.first_seen_ns, excluded.first_seen_ns),
               last_seen_ns = greatest(k.last_seen_ns, excluded.last_seen_ns),
               values_capped = k.values_capped or excluded.values_capped`,
            [
              keyRows.map((r) => r.e.tenantId),
              keyRows.map((r) => r.e.scope),
              keyRows.map((r) => r.e.key),
              keyRows.map((r) => r.first.toString()),
              keyRows.map((r) => r.last.toString()),
              keyRows.map((r) => (r.e.capped ? 'true' : 'false')),
            ],
          );
        }
        if (valueRows.length) {
          await tx.query(
            `insert into tag_values as v (tenant_id, scope, key, value_type, value, first_seen_ns, last_seen_ns)
             select * from unnest($1::int4[], $2::int2[], $3::text[], $4::text[], $5::text[], $6::text[]::int8[], $7::text[]::int8[])
             on conflict (tenant_id, scope, key, value_type, value) do update set
               first_seen_ns = least(v.first_seen_ns, excluded.first_seen_ns),
               last_seen_ns = greatest(v.last_seen_ns, excluded.last_seen_ns)`,
            [
              valueRows.map((r) => r.e.key.tenantId),
              valueRows.map((r) => r.e.key.scope),
              valueRows.map((r) => r.e.key.key),
              valueRows.map((r) => r.e.type),
              valueRows.map((r) => r.e.value),
              valueRows.map((r) => r.first.toString()),
              valueRows.map((r) => r.last.toString()),
            ],
          );
        }
      });
    } catch (err) {
      // Not written: queue the entries again for the next flush.
      for (const r of keyRows) if (!r.e.dirty) (r.e.dirty = true), this.#dirtyKeys.push(r.e);
      for (const r of valueRows) if (!r.e.dirty) (r.e.dirty = true), this.#dirtyValues.push(r.e);
      throw err;
    }
    for (const r of [...keyRows, ...valueRows]) {
      r.e.wFirst = r.first;
      r.e.wLast = r.last;
    }
  }
}

function orderKey(a: KeyEntry, b: KeyEntry): number {
  return a.tenantId - b.tenantId || a.scope - b.scope || cmp(a.key, b.key);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
