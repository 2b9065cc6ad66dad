import { base64ToBytes, bytesToBase64 } from '@tracegres/otlp';
import type { AnyValue, KeyValue } from '@tracegres/otlp';
import { type JsonNode, JsonNum, parseJsonNodes } from './json-nodes.ts';
import { textColumn } from './text.ts';

/**
 * The typed jsonb encoding of attributes, chosen so that Postgres can query it natively and
 * every OTLP value comes back exactly:
 * - string -> JSON string; bool -> JSON bool; empty value -> null
 * - int -> JSON number written without a decimal point (exact, any int64)
 * - double -> JSON number written with a decimal point in plain notation ("2.0", "0.00015"):
 *   jsonb's numeric keeps the written scale, so the point survives and tells doubles from ints
 * - wrappers (a one-key object) for what JSON numbers/strings cannot carry:
 *   {"d":"NaN"|"Infinity"|"-Infinity"|"-0"}, {"b":"<base64>"} bytes, {"kv":{...}} kvlist,
 *   {"s":"<base64 utf8>"} strings containing U+0000 (which jsonb rejects)
 * - array -> JSON array of encoded values, so `attrs @> '{"k":["v"]}'` matches an element.
 * An attribute map is a JSON object; duplicate keys keep the last value (jsonb's rule).
 * Reading uses `json-nodes.ts` instead of JSON.parse, which cannot tell 2 from 2.0 and
 * rounds integers beyond 2^53.
 */
export function encodeAttrs(kvs: readonly KeyValue[]): string | null {
  if (kvs.length === 0) return null;
  let out = '{';
  for (let i = 0; i < kvs.length; i++) {
    if (i > 0) out += ',';
    // jsonb cannot hold U+0000 in a key either; a key gets the text columns' replacement
    // (U+FFFD), which query parameters get too, so `span."a\u0000b"` still finds it.
    out += jsonString(textColumn(kvs[i].key)) + ':' + encodeValue(kvs[i].value);
  }
  return out + '}';
}

export function encodeValue(v: AnyValue): string {
  switch (v.type) {
    case 'string':
      return v.value.includes('\u0000') ? `{"s":"${bytesToBase64(utf8.encode(v.value))}"}` : jsonString(v.value);
    case 'bool':
      return v.value ? 'true' : 'false';
    case 'int':
      return v.value.toString();
    case 'double':
      return encodeDouble(v.value);
    case 'bytes':
      return `{"b":"${bytesToBase64(v.value)}"}`;
    case 'array':
      return '[' + v.value.map(encodeValue).join(',') + ']';
    case 'kvlist':
      return '{"kv":' + (encodeAttrs(v.value) ?? '{}') + '}';
    case 'empty':
      return 'null';
  }
  throw new Error(`unknown AnyValue type ${(v as { type: string }).type}`);
}

/** A double in plain decimal notation that always contains a '.', or a wrapper. */
export function encodeDouble(x: number): string {
  if (Number.isNaN(x)) return '{"d":"NaN"}';
  if (x === Infinity) return '{"d":"Infinity"}';
  if (x === -Infinity) return '{"d":"-Infinity"}';
  if (Object.is(x, -0)) return '{"d":"-0"}';
  const s = String(x);
  const e = s.indexOf('e');
  if (e < 0) return s.includes('.') ? s : s + '.0';
  // Expand exponent notation: the shortest round-trip digits, placed without an exponent.
  const neg = s[0] === '-';
  const mant = s.slice(neg ? 1 : 0, e);
  const exp = Number(s.slice(e + 1));
  const dot = mant.indexOf('.');
  const digits = dot < 0 ? mant : mant.slice(0, dot) + mant.slice(dot + 1);
  const pointAt = (dot < 0 ? mant.length : dot) + exp;
  let plain: string;
  if (pointAt <= 0) plain = '0.' + '0'.repeat(-pointAt) + digits;
  else if (pointAt >= digits.length) plain = digits + '0'.repeat(pointAt - digits.length) + '.0';
  else plain = digits.slice(0, pointAt) + '.' + digits.slice(pointAt);
  return (neg ? '-' : '') + plain;
}

/** Decodes an attribute map written by `encodeAttrs` (as Postgres prints jsonb). */
export function decodeAttrs(text: string | null | undefined): KeyValue[] {
  if (!text) return [];
  return nodeToKeyValues(parseJsonNodes(text));
}

export function nodeToKeyValues(node: JsonNode): KeyValue[] {
  if (!isObject(node)) throw new Error('attribute map: expected a JSON object');
  return node.entries.map(([key, v]) => ({ key, value: nodeToValue(v) }));
}

export function nodeToValue(node: JsonNode): AnyValue {
  if (node === null) return { type: 'empty' };
  if (typeof node === 'string') return { type: 'string', value: node };
  if (typeof node === 'boolean') return { type: 'bool', value: node };
  if (node instanceof JsonNum) {
    return node.isInteger() ? { type: 'int', value: BigInt(node.text) } : { type: 'double', value: Number(node.text) };
  }
  if (Array.isArray(node)) return { type: 'array', value: node.map(nodeToValue) };
  const [tag, inner] = node.entries[0] ?? [];
  switch (tag) {
    case 'd':
      return { type: 'double', value: inner === '-0' ? -0 : Number(inner) };
    case 'b':
      return { type: 'bytes', value: base64ToBytes(inner as string) };
    case 's':
      return { type: 'string', value: utf8d.decode(base64ToBytes(inner as string)) };
    case 'kv':
      return { type: 'kvlist', value: nodeToKeyValues(inner as JsonNode) };
  }
  throw new Error(`attribute value: unknown wrapper ${JSON.stringify(tag)}`);
}

function isObject(n: JsonNode): n is { entries: [string, JsonNode][] } {
  return n !== null && typeof n === 'object' && !Array.isArray(n) && !(n instanceof JsonNum);
}

const utf8 = new TextEncoder();
const utf8d = new TextDecoder();

// JSON.stringify is the fastest correct escaper; lone surrogates become \udXXX escapes,
// which jsonb accepts only in pairs, so they are replaced first.
export function jsonString(s: string): string {
  return JSON.stringify(s.isWellFormed() ? s : s.toWellFormed());
}
