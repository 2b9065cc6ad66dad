import type { AnyValue, KeyValue, TracesData } from '@tracegres/otlp';
import type { Db } from '@tracegres/schema';
import { TagScope } from '@tracegres/schema';

/** Values kept per attribute key; beyond it a key is "capped" (ids, URLs) and only its name is kept. */
export const MAX_VALUES_PER_KEY = 1000;
/** Longer values are not worth offering for autocomplete. */
export const MAX_VALUE_CHARS = 256;
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
 * Attribute names and values for Tempo's tag APIs, recorded from stored spans. This runs on
 * every span, so it is a few map lookups per attribute with no string building: nested maps
 * (tenant -> scope -> key -> typed value) and dirty flags; `flush()` upserts only entries that
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

  /** Records the names and values of every attribute in `td` (call after it was stored). */
  observe(tenantId: number, td: TracesData): void {
    let scopes = this.#tenants.get(tenantId);
    if (!scopes) this.#tenants.set(tenantId, (scopes = new Map()));
    const scope = (n: number) => {
      let m = scopes.get(n);
      if (!m) scopes.set(n, (m = new Map()));
      return m;
    };
    const spanKeys = scope(TagScope.span);
    const eventKeys = scope(TagScope.event);
    const linkKeys = scope(TagScope.link);
    const intrinsic = scope(TagScope.intrinsic);
    for (const rs of td.resourceSpans) {
      let lo = -1n;
      let hi = -1n;
      for (const ss of rs.scopeSpans) {
        for (const span of ss.spans) {
          const t = span.startTimeUnixNano;
          if (lo < 0n || t < lo) lo = t;
          if (t > hi) hi = t;
          for (const kv of span.attributes) this.#any(tenantId, TagScope.span, spanKeys, kv.key, kv.value, t);
          this.#string(tenantId, TagScope.intrinsic, intrinsic, 'name', span.name, t);
          for (const e of span.events) {
            for (const kv of e.attributes) this.#any(tenantId, TagScope.event, eventKeys, kv.key, kv.value, t);
            this.#string(tenantId, TagScope.intrinsic, intrinsic, 'event:name', e.name, t);
          }
          for (const l of span.links) for (const kv of l.attributes) this.#any(tenantId, TagScope.link, linkKeys, kv.key, kv.value, t);
        }
      }
      if (hi < 0n) continue;
      // Resource and scope attributes repeat on every span: record them once per envelope.
      for (const t of lo === hi ? [lo] : [lo, hi]) {
        this.#attrs(tenantId, TagScope.resource, scope(TagScope.resource), rs.resource.attributes, t);
        for (const ss of rs.scopeSpans) {
          this.#attrs(tenantId, TagScope.instrumentation, scope(TagScope.instrumentation), ss.scope.attributes, t);
          this.#string(tenantId, TagScope.intrinsic, intrinsic, 'instrumentation:name', ss.scope.name, t);
          this.#string(tenantId, TagScope.intrinsic, intrinsic, 'instrumentation:version', ss.scope.version, t);
        }
      }
    }
  }

  /** Writes what changed since the last flush. Flushes never overlap. */
  flush(db: Db): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#write(db));
    return this.#flushing;
  }

  #attrs(tenantId: number, scope: number, keys: Map<string, KeyEntry>, kvs: readonly KeyValue[], t: bigint): void {
    for (const kv of kvs) this.#any(tenantId, scope, keys, kv.key, kv.value, t);
  }

  #keyEntry(tenantId: number, scope: number, keys: Map<string, KeyEntry>, key: string, t: bigint): KeyEntry | undefined {
    let k = keys.get(key);
    if (!k) {
      if (!key || keys.size >= MAX_KEYS_PER_SCOPE) return undefined;
      k = { tenantId, scope, key, first: t, last: t, wFirst: t, wLast: t, dirty: true, capped: false, values: new Map() };
      keys.set(key, k);
      this.#dirtyKeys.push(k);
      return k;
    }
    this.#touch(k, t, this.#dirtyKeys);
    return k;
  }

  #touch<E extends Entry>(e: E, t: bigint, dirty: E[]): void {
    if (t < e.first) e.first = t;
    if (t > e.last) e.last = t;
    if (!e.dirty && (e.first < e.wFirst - REFRESH_NS || e.last > e.wLast + REFRESH_NS)) {
      e.dirty = true;
      dirty.push(e);
    }
  }

  #any(tenantId: number, scope: number, keys: Map<string, KeyEntry>, key: string, v: AnyValue, t: bigint): void {
    const k = this.#keyEntry(tenantId, scope, keys, key, t);
    if (!k || k.capped) return;
    switch (v.type) {
      case 'string':
        if (v.value && v.value.length <= MAX_VALUE_CHARS && !v.value.includes('\u0000')) this.#value(k, v.value, 'string', t);
        return;
      case 'int':
        return this.#value(k, v.value, 'int', t);
      case 'double':
        if (Number.isFinite(v.value)) this.#value(k, v.value, 'float', t);
        return;
      case 'bool':
        return this.#value(k, v.value, 'bool', t);
      case 'array':
        for (const el of v.value) {
          if (el.type === 'array' || el.type === 'kvlist') continue;
          this.#any(tenantId, scope, keys, key, el, t);
        }
    }
  }

  #string(tenantId: number, scope: number, keys: Map<string, KeyEntry>, key: string, value: string, t: bigint): void {
    const k = this.#keyEntry(tenantId, scope, keys, key, t);
    if (k && !k.capped && value && value.length <= MAX_VALUE_CHARS && !value.includes('\u0000')) this.#value(k, value, 'string', t);
  }

  #value(k: KeyEntry, v: string | bigint | number | boolean, type: string, t: bigint): void {
    const e = k.values.get(v);
    if (e) return this.#touch(e, t, this.#dirtyValues);
    if (k.values.size >= MAX_VALUES_PER_KEY) {
      // Stop collecting: the key is marked capped and its values stay as they are.
      k.capped = true;
      if (!k.dirty) {
        k.dirty = true;
        this.#dirtyKeys.push(k);
      }
      return;
    }
    const entry: ValueEntry = { key: k, type, value: String(v), first: t, last: t, wFirst: t, wLast: t, dirty: true };
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
