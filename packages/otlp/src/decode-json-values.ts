/**
 * OTLP/JSON attribute values: `KeyValue` lists and the `AnyValue` oneof, recursively (arrays and
 * kvlists), with the leniency of decode-json.ts (snake_case members, `null` as unset, and
 * `doubleValue: null` as NaN as OTel JS sends it).
 */

import { JsonFieldError, describe, isObject, optionalObject, readArray, readBytes, readDouble, readInt64, readString, within } from './json-values.ts';
import type { AnyValue, KeyValue } from './model.ts';
import { MAX_DEPTH } from './proto-reader.ts';

const EMPTY_VALUE: AnyValue = Object.freeze({ type: 'empty' });

/** A repeated KeyValue field; `depth` counts enclosing arrays/kvlists. */
export function readAttributes(v: unknown, key: string, depth: number): KeyValue[] {
  const list = readArray(v, key);
  const out: KeyValue[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    try {
      const o = list[i];
      if (!isObject(o)) throw new JsonFieldError(`expected an object, got ${describe(o)}`);
      const k = readString(o.key, 'key');
      let value: AnyValue;
      try {
        value = readAnyValue(o.value, depth);
      } catch (e) {
        throw within(e, 'value');
      }
      out[i] = { key: k, value };
    } catch (e) {
      throw within(e, `${key}[${i}]`);
    }
  }
  return out;
}

/** Reads an AnyValue; error paths are relative to it (the caller adds `value` or `values[i]`). */
function readAnyValue(v: unknown, depth: number): AnyValue {
  if (v === undefined || v === null) return EMPTY_VALUE;
  if (!isObject(v)) throw new JsonFieldError(`expected an AnyValue object, got ${describe(v)}`);
  if (depth > MAX_DEPTH) throw new JsonFieldError(`values nested deeper than ${MAX_DEPTH} levels`);
  // Usually exactly one key; the first member that is set wins. `null` means unset, except for
  // doubleValue where OTel JS writes null for NaN/Infinity.
  for (const k in v) {
    const x = v[k];
    switch (k) {
      case 'stringValue':
      case 'string_value':
        if (x === null) break;
        return { type: 'string', value: readString(x, k) };
      case 'boolValue':
      case 'bool_value':
        if (x === null) break;
        if (typeof x !== 'boolean') throw new JsonFieldError(`expected true or false, got ${describe(x)}`, k);
        return { type: 'bool', value: x };
      case 'intValue':
      case 'int_value':
        if (x === null) break;
        return { type: 'int', value: readInt64(x, k, false) };
      case 'doubleValue':
      case 'double_value':
        return { type: 'double', value: readDouble(x, k) };
      case 'bytesValue':
      case 'bytes_value':
        if (x === null) break;
        return { type: 'bytes', value: readBytes(x, k) };
      case 'arrayValue':
      case 'array_value': {
        const o = optionalObject(x, k);
        if (o === undefined) break;
        try {
          return { type: 'array', value: readValues(o.values, depth + 1) };
        } catch (e) {
          throw within(e, k);
        }
      }
      case 'kvlistValue':
      case 'kvlist_value': {
        const o = optionalObject(x, k);
        if (o === undefined) break;
        try {
          return { type: 'kvlist', value: readAttributes(o.values, 'values', depth + 1) };
        } catch (e) {
          throw within(e, k);
        }
      }
    }
  }
  return EMPTY_VALUE;
}

function readValues(v: unknown, depth: number): AnyValue[] {
  const list = readArray(v, 'values');
  const out: AnyValue[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    try {
      out[i] = readAnyValue(list[i], depth);
    } catch (e) {
      throw within(e, `values[${i}]`);
    }
  }
  return out;
}
