import type { AnyValue, KeyValue, TracesData } from '@tracegres/otlp';
import { TagScope } from '@tracegres/schema';

/** Longer values are not worth offering for autocomplete. */
export const MAX_VALUE_CHARS = 256;

/**
 * The distinct attribute names and values of one request, with the first and last span start
 * at which each was seen. Plain arrays (one entry per index) so a worker thread can hand it to
 * the main thread cheaply; `type` is null for an entry that only names a key.
 */
export interface TagDigest {
  scope: number[];
  key: string[];
  type: (string | null)[];
  value: (string | bigint | number | boolean | null)[];
  first: bigint[];
  last: bigint[];
}

type Seen = { first: bigint; last: bigint };
type KeySeen = Seen & { values: Map<string | bigint | number | boolean, Seen & { type: string }> };

/** Collects what the tag dictionary records from a request (no I/O, any thread). */
export function digestTags(td: TracesData): TagDigest {
  const scopes = new Map<number, Map<string, KeySeen>>();
  const keysOf = (scope: number) => {
    let m = scopes.get(scope);
    if (!m) scopes.set(scope, (m = new Map()));
    return m;
  };
  const spanKeys = keysOf(TagScope.span);
  const eventKeys = keysOf(TagScope.event);
  const linkKeys = keysOf(TagScope.link);
  const intrinsic = keysOf(TagScope.intrinsic);
  for (const rs of td.resourceSpans) {
    let lo = -1n;
    let hi = -1n;
    for (const ss of rs.scopeSpans) {
      for (const span of ss.spans) {
        const t = span.startTimeUnixNano;
        if (lo < 0n || t < lo) lo = t;
        if (t > hi) hi = t;
        attrs(spanKeys, span.attributes, t);
        str(intrinsic, 'name', span.name, t);
        for (const e of span.events) {
          attrs(eventKeys, e.attributes, t);
          str(intrinsic, 'event:name', e.name, t);
        }
        for (const l of span.links) attrs(linkKeys, l.attributes, t);
      }
    }
    if (hi < 0n) continue;
    // Resource and scope attributes repeat on every span: record them once per envelope.
    for (const t of lo === hi ? [lo] : [lo, hi]) {
      attrs(keysOf(TagScope.resource), rs.resource.attributes, t);
      for (const ss of rs.scopeSpans) {
        attrs(keysOf(TagScope.instrumentation), ss.scope.attributes, t);
        str(intrinsic, 'instrumentation:name', ss.scope.name, t);
        str(intrinsic, 'instrumentation:version', ss.scope.version, t);
      }
    }
  }
  const out: TagDigest = { scope: [], key: [], type: [], value: [], first: [], last: [] };
  const push = (scope: number, key: string, type: string | null, value: TagDigest['value'][number], s: Seen) => {
    out.scope.push(scope);
    out.key.push(key);
    out.type.push(type);
    out.value.push(value);
    out.first.push(s.first);
    out.last.push(s.last);
  };
  for (const [scope, keys] of scopes) {
    for (const [key, k] of keys) {
      push(scope, key, null, null, k);
      for (const [value, v] of k.values) push(scope, key, v.type, value, v);
    }
  }
  return out;
}

function entry(keys: Map<string, KeySeen>, key: string, t: bigint): KeySeen | undefined {
  if (!key) return undefined;
  let k = keys.get(key);
  if (!k) keys.set(key, (k = { first: t, last: t, values: new Map() }));
  else seen(k, t);
  return k;
}

function seen(s: Seen, t: bigint): void {
  if (t < s.first) s.first = t;
  if (t > s.last) s.last = t;
}

function value(k: KeySeen, v: string | bigint | number | boolean, type: string, t: bigint): void {
  const e = k.values.get(v);
  if (e) seen(e, t);
  else k.values.set(v, { type, first: t, last: t });
}

function attrs(keys: Map<string, KeySeen>, kvs: readonly KeyValue[], t: bigint): void {
  for (const kv of kvs) {
    const k = entry(keys, kv.key, t);
    if (k) any(k, kv.value, t);
  }
}

function any(k: KeySeen, v: AnyValue, t: bigint): void {
  switch (v.type) {
    case 'string':
      if (v.value && v.value.length <= MAX_VALUE_CHARS && !v.value.includes('\u0000')) value(k, v.value, 'string', t);
      return;
    case 'int':
      return value(k, v.value, 'int', t);
    case 'double':
      if (Number.isFinite(v.value)) value(k, v.value, 'float', t);
      return;
    case 'bool':
      return value(k, v.value, 'bool', t);
    case 'array':
      for (const el of v.value) if (el.type !== 'array' && el.type !== 'kvlist') any(k, el, t);
  }
}

function str(keys: Map<string, KeySeen>, key: string, v: string, t: bigint): void {
  const k = entry(keys, key, t);
  if (k && v && v.length <= MAX_VALUE_CHARS && !v.includes('\u0000')) value(k, v, 'string', t);
}
