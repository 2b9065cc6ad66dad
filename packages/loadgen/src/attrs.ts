/** Short constructors for typed OTLP attributes. */
import type { AnyValue, KeyValue } from '@tracegres/otlp';

export function str(key: string, value: string): KeyValue {
  return { key, value: { type: 'string', value } };
}

export function int(key: string, value: number | bigint): KeyValue {
  return { key, value: { type: 'int', value: typeof value === 'bigint' ? value : BigInt(Math.round(value)) } };
}

export function dbl(key: string, value: number): KeyValue {
  return { key, value: { type: 'double', value } };
}

export function bool(key: string, value: boolean): KeyValue {
  return { key, value: { type: 'bool', value } };
}

export function strs(key: string, values: readonly string[]): KeyValue {
  const arr: AnyValue[] = values.map((v) => ({ type: 'string', value: v }));
  return { key, value: { type: 'array', value: arr } };
}

const strCache = new Map<string, Map<string, KeyValue>>();
const intCache = new Map<string, Map<number, KeyValue>>();

/**
 * A shared, interned string attribute, for low-cardinality values (method names, hosts, fixed
 * queries). Generated spans share these objects, which halves allocation: treat them as read-only.
 */
export function cstr(key: string, value: string): KeyValue {
  let m = strCache.get(key);
  if (!m) strCache.set(key, (m = new Map()));
  let kv = m.get(value);
  if (!kv) m.set(value, (kv = str(key, value)));
  return kv;
}

/** Interned integer attribute (ports, status codes); see `cstr`. */
export function cint(key: string, value: number): KeyValue {
  let m = intCache.get(key);
  if (!m) intCache.set(key, (m = new Map()));
  let kv = m.get(value);
  if (!kv) m.set(value, (kv = int(key, value)));
  return kv;
}
