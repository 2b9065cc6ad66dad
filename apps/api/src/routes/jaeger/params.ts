import { tryBase64ToBytes } from '@tracegres/otlp';
import { ApiError } from '../../errors.ts';
import { parseGoDuration } from '../search/index.ts';

const bad = (msg: string) => new ApiError('badRequest', msg);

/**
 * A trace id as Jaeger takes it: 1-32 hex characters (shorter ones are zero-padded), or since
 * 2026 base64 of the 16 bytes (standard or URL-safe, padded or not). Returns 32 lowercase hex.
 */
export function parseJaegerTraceId(name: string, text: string): string {
  if (/^[0-9a-fA-F]{1,32}$/.test(text)) return text.toLowerCase().padStart(32, '0');
  if (text.length <= 24) {
    const bytes = tryBase64ToBytes(text.replace(/-/g, '+').replace(/_/g, '/'));
    if (bytes && bytes.length === 16) return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  }
  throw bad(`malformed parameter ${name}: expected a trace ID of 1-32 hex characters (or base64 of 16 bytes), got ${JSON.stringify(text.slice(0, 80))}`);
}

/** An integer count of `unitNs` since the Unix epoch (Jaeger's µs and ms parameters), in ns. */
export function parseEpoch(name: string, text: string, unitNs: bigint, unit: string): bigint {
  if (!/^-?\d{1,19}$/.test(text)) throw bad(`unable to parse param '${name}': expected Unix epoch ${unit} (an integer), got ${JSON.stringify(text.slice(0, 80))}`);
  return BigInt(text) * unitNs;
}

/** A non-negative integer count of milliseconds, in ns. */
export function parseMillis(name: string, text: string): bigint {
  if (!/^\d{1,15}$/.test(text)) throw bad(`unable to parse param '${name}': expected milliseconds (a non-negative integer), got ${JSON.stringify(text.slice(0, 80))}`);
  return BigInt(text) * 1_000_000n;
}

/** A Go duration string (`1.2s`, `100ms`, `500us`, `500µs`, `1m`, `1h`) in ns. */
export function parseDuration(name: string, text: string): bigint {
  try {
    return parseGoDuration(name, text);
  } catch {
    throw bad(`unable to parse param '${name}': expected a duration such as 1.2s, 100ms, 500us or 1h, got ${JSON.stringify(text.slice(0, 80))}`);
  }
}

/** Go's strconv.ParseBool spellings. */
export function parseBool(name: string, text: string | undefined): boolean {
  if (text === undefined || text === '') return false;
  if (['1', 't', 'T', 'true', 'TRUE', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(text)) return false;
  throw bad(`unable to parse param '${name}': expected true or false, got ${JSON.stringify(text.slice(0, 80))}`);
}

/** A positive integer, at most `max`. */
export function parseCount(name: string, text: string, max: number): number {
  if (!/^\d{1,9}$/.test(text) || Number(text) < 1) throw bad(`unable to parse param '${name}': expected a positive integer, got ${JSON.stringify(text.slice(0, 80))}`);
  if (Number(text) > max) throw bad(`param '${name}' must be at most ${max}, got ${text}`);
  return Number(text);
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;

/** RFC 3339 with up to nanosecond fractions (Go's time.RFC3339Nano), as Unix ns. */
export function parseRfc3339(name: string, text: string): bigint {
  const m = RFC3339.exec(text);
  const ms = m ? Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[8].toUpperCase()}`) : NaN;
  if (!m || Number.isNaN(ms)) {
    throw bad(`malformed parameter ${name}: expected an RFC 3339 time such as 2026-08-20T10:00:00.123456789Z, got ${JSON.stringify(text.slice(0, 80))}`);
  }
  return BigInt(ms) * 1_000_000n + BigInt((m[7] ?? '').padEnd(9, '0') || '0');
}

const KINDS: Record<string, number> = { unspecified: 0, internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };
export const KIND_NAMES = ['', 'internal', 'server', 'client', 'producer', 'consumer'];

/** Jaeger's span kind names; '' or absent means every kind. */
export function parseSpanKind(name: string, text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const k = KINDS[text.toLowerCase()];
  if (k === undefined) throw bad(`unsupported span kind '${text.slice(0, 40)}' in param '${name}': expected one of server, client, producer, consumer, internal, unspecified`);
  return k;
}

/**
 * Search tags: `tags` JSON objects of string values (several are merged) and the legacy
 * repeatable `tag=key:value` (the value is everything after the first colon).
 */
export function parseTags(tag: string[], tags: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const t of tag) {
    const i = t.indexOf(':');
    if (i < 0) throw bad(`malformed 'tag' parameter, expecting key:value, received: ${t.slice(0, 200)}`);
    out.set(t.slice(0, i), t.slice(i + 1));
  }
  for (const text of tags) {
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (e) {
      throw bad(`malformed 'tags' parameter, cannot unmarshal JSON: ${(e as Error).message}`);
    }
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) throw bad(`malformed 'tags' parameter: expected a JSON object of string values, got ${text.slice(0, 200)}`);
    for (const [k, v] of Object.entries(obj)) {
      if (typeof v !== 'string') throw bad(`malformed 'tags' parameter: the value of ${JSON.stringify(k)} must be a string, got ${JSON.stringify(v)}`);
      out.set(k, v);
    }
  }
  return out;
}
