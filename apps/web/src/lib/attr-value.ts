// Attribute values as text. Everything shown from span data goes through here and is then put on
// the page as text (never as HTML), so a value like `<img onerror=...>` stays a string.
import type { AnyValue } from '@tracegres/otlp';

/** A value as it reads in a table: strings bare, arrays and maps as JSON-like text. */
export function formatValue(v: AnyValue): string {
  switch (v.type) {
    case 'string':
      return v.value;
    case 'bool':
    case 'int':
    case 'double':
      return String(v.value);
    case 'bytes':
      return [...v.value].map((b) => b.toString(16).padStart(2, '0')).join('');
    case 'array':
      return `[${v.value.map(nested).join(', ')}]`;
    case 'kvlist':
      return `{${v.value.map((kv) => `${kv.key}: ${nested(kv.value)}`).join(', ')}}`;
    case 'empty':
      return '';
  }
}

function nested(v: AnyValue): string {
  return v.type === 'string' ? JSON.stringify(v.value) : formatValue(v);
}

/** OTLP span kinds by number, as TraceQL spells them. */
export const KIND_NAMES = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;

/** OTLP status codes by number, as TraceQL spells them. */
export const STATUS_NAMES = ['unset', 'ok', 'error'] as const;
