// Reading OTLP JSON files for `tracegres import`: one ExportTraceServiceRequest per file (what
// SDK exporters and `curl` send), JSON Lines of them (what the Collector's file exporter
// writes), and Tempo's trace-by-id answers ({"batches": [...]} and {"trace": {...}}), so a
// trace copied out of Tempo can be loaded as it is. Gzipped files are unpacked first.
import { gunzipSync } from 'node:zlib';

export interface OtlpDocument {
  /** Where it came from, for messages: `file` or `file line 3`. */
  origin: string;
  /** The request body to send as application/json. */
  body: string;
  spans: number;
}

export class FileFormatError extends Error {}

export function readOtlpJson(name: string, bytes: Uint8Array): OtlpDocument[] {
  const raw = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new FileFormatError(`${name}: not UTF-8 text; expected OTLP JSON (protobuf files are not supported, send them to /v1/traces)`);
  }
  if (text.trim() === '') throw new FileFormatError(`${name}: the file is empty`);
  const whole = tryParse(text);
  if (whole.ok) return [document(name, text, whole.value)];
  const lines = text.split('\n');
  const docs: OtlpDocument[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const p = tryParse(line);
    if (!p.ok) {
      const where = lines.filter((l) => l.trim() !== '').length > 1 ? `${name} line ${i + 1}` : name;
      throw new FileFormatError(`${where}: not valid JSON (${p.error})`);
    }
    docs.push(document(`${name} line ${i + 1}`, line, p.value));
  });
  return docs;
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

function document(origin: string, text: string, value: unknown): OtlpDocument {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new FileFormatError(`${origin}: expected an OTLP JSON object {"resourceSpans": [...]}, got ${Array.isArray(value) ? 'an array' : typeof value}`);
  }
  const o = value as Record<string, unknown>;
  // Tempo's wrappers are re-serialised; Tempo writes 64-bit times as strings, so nothing rounds.
  if (Array.isArray(o.batches)) return checked(origin, JSON.stringify({ resourceSpans: o.batches }), o.batches);
  const inner = o.trace as Record<string, unknown> | undefined;
  if (inner && typeof inner === 'object' && Array.isArray(inner.resourceSpans)) return checked(origin, JSON.stringify(inner), inner.resourceSpans);
  if (!Array.isArray(o.resourceSpans)) {
    const keys = Object.keys(o).slice(0, 5).map((k) => JSON.stringify(k)).join(', ');
    throw new FileFormatError(`${origin}: expected an OTLP JSON object {"resourceSpans": [...]}, found keys ${keys || '(none)'}`);
  }
  return checked(origin, text, o.resourceSpans);
}

function checked(origin: string, body: string, resourceSpans: unknown[]): OtlpDocument {
  let spans = 0;
  for (const rs of resourceSpans) {
    const scopes = (rs as { scopeSpans?: unknown; instrumentationLibrarySpans?: unknown } | null)?.scopeSpans ?? (rs as { instrumentationLibrarySpans?: unknown } | null)?.instrumentationLibrarySpans;
    if (!Array.isArray(scopes)) continue;
    for (const ss of scopes) {
      const list = (ss as { spans?: unknown } | null)?.spans;
      if (Array.isArray(list)) spans += list.length;
    }
  }
  return { origin, body, spans };
}
