import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type AnyValue, type KeyValue, type Span, bytesToHex, encodeTraceByIdResponseProto, encodeTracesDataProto } from '@tracegres/otlp';
import { StoredTrace } from './rows-proto.ts';
import {
  type StoredResourceRow,
  type StoredScopeRow,
  type StoredSpanRow,
  assembleTrace,
  emptyColumns,
  pushSpan,
} from './span-rows.ts';
import { encodeAttrs } from './attr-json.ts';

/** Seeded random spans with every kind of attribute value the stored encoding has wrappers for. */
function randomRows(seed: number, spaced: boolean) {
  const rand = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const int = (n: number) => Math.floor(rand() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
  const chars = ['a', 'Z', '0', ' ', '"', '\\', '\n', '\u0000', 'é', '日', '🎉', '\u2028', ':', ','];
  const str = () => Array.from({ length: int(4) === 0 ? int(60) : int(8) }, () => pick(chars)).join('');
  const id = (bytes: number) => bytesToHex(Uint8Array.from({ length: bytes }, () => 1 + int(255)));
  const value = (depth: number): AnyValue => {
    switch (int(depth > 2 ? 6 : 8)) {
      case 0: return { type: 'string', value: str() };
      case 1: return { type: 'bool', value: rand() < 0.5 };
      case 2: return { type: 'int', value: pick([0n, 7n, 123456789n, 1234567890n, -1n, -(2n ** 63n), 2n ** 63n - 1n, 4294967296n]) };
      case 3: return { type: 'double', value: pick([0, -0, 1.5, 2, -2e-300, 1e300, NaN, Infinity, -Infinity, 0.00015]) };
      case 4: return { type: 'bytes', value: Uint8Array.from({ length: int(10) }, () => int(256)) };
      case 5: return { type: 'empty' };
      case 6: return { type: 'array', value: Array.from({ length: int(4) }, () => value(depth + 1)) };
      default: return { type: 'kvlist', value: attrs(depth + 1) };
    }
  };
  const attrs = (depth = 0): KeyValue[] => {
    // Distinct keys: a JSON object keeps one value per key, as the stored encoding does.
    const out = new Map<string, KeyValue>();
    for (let i = int(6); i > 0; i--) {
      const key = str();
      out.set(key, { key, value: value(depth) });
    }
    return [...out.values()];
  };
  // Postgres prints jsonb with a space after ':' and ','; the compact form is what ingest writes.
  const asStored = (json: string | null) => (json && spaced ? spaceJson(json) : json);
  const traceId = id(16);
  const resources: StoredResourceRow[] = Array.from({ length: 3 }, (_, i) => ({
    resource_id: String(i + 1),
    attrs: asStored(encodeAttrs(attrs())),
    dropped_attributes_count: int(2),
    schema_url: rand() < 0.5 ? null : str(),
  }));
  const scopes: StoredScopeRow[] = Array.from({ length: 3 }, (_, i) => ({
    scope_id: String(i + 1),
    name: pick(['', 'lib']),
    version: rand() < 0.5 ? null : '1.0',
    attrs: asStored(encodeAttrs(attrs())),
    dropped_attributes_count: int(2),
    schema_url: rand() < 0.5 ? null : str(),
  }));
  const rows: StoredSpanRow[] = [];
  for (let i = 0; i < 40; i++) {
    const start = 1_700_000_000_000_000_000n + BigInt(int(1e9));
    const span: Span = {
      traceId, spanId: id(8), parentSpanId: rand() < 0.2 ? '' : id(8), traceState: rand() < 0.7 ? '' : 'a=b', name: str(),
      kind: int(6) as Span['kind'], startTimeUnixNano: start, endTimeUnixNano: start + BigInt(int(1e6)), attributes: attrs(),
      droppedAttributesCount: int(3),
      events: Array.from({ length: int(3) }, () => ({ timeUnixNano: start + BigInt(int(1000)), name: str(), attributes: attrs(), droppedAttributesCount: int(2) })),
      droppedEventsCount: int(2),
      links: Array.from({ length: int(2) }, () => ({ traceId: id(16), spanId: id(8), traceState: '', attributes: attrs(), droppedAttributesCount: 0, flags: int(2) })),
      droppedLinksCount: int(2), status: { code: int(3) as Span['status']['code'], message: rand() < 0.5 ? '' : str() }, flags: int(512),
    };
    const c = emptyColumns();
    pushSpan(c, { tenantId: 1, span, serviceName: 's', resourceId: String(1 + int(3)), scopeId: String(1 + int(3)) });
    rows.push({
      trace_id: `${traceId.slice(0, 8)}-${traceId.slice(8, 12)}-${traceId.slice(12, 16)}-${traceId.slice(16, 20)}-${traceId.slice(20)}`,
      span_id: span.spanId,
      parent_span_id: span.parentSpanId || null,
      start_ns: c.startNs[0],
      duration_ns: c.durationNs[0],
      name: c.name[0],
      kind: span.kind,
      status_code: span.status.code,
      status_message: c.statusMessage[0],
      trace_state: c.traceState[0],
      flags: span.flags,
      resource_id: c.resourceId[0],
      scope_id: c.scopeId[0],
      attrs: asStored(c.attrs[0]),
      events: asStored(c.events[0]),
      links: asStored(c.links[0]),
      dropped_attributes_count: span.droppedAttributesCount,
      dropped_events_count: span.droppedEventsCount,
      dropped_links_count: span.droppedLinksCount,
    });
  }
  return { rows, resources, scopes };
}

/** Adds a space after every ':' and ',' outside strings, as jsonb's output does. */
function spaceJson(json: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    out += c;
    if (inString) {
      if (c === '\\') out += json[++i];
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === ':' || c === ',') out += ' ';
  }
  return out;
}

test('a stored trace writes the same protobuf from its rows as from the assembled span objects', () => {
  for (let seed = 1; seed <= 200; seed++) {
    const { rows, resources, scopes } = randomRows(seed, seed % 2 === 0);
    const direct = encodeTracesDataProto(new StoredTrace(rows, resources, scopes));
    const viaModel = encodeTracesDataProto(assembleTrace(rows, resources, scopes));
    assert.deepEqual(Buffer.from(direct), Buffer.from(viaModel), `seed ${seed}`);
  }
});

test("Tempo's v2 answer around a stored trace matches the one around its objects", () => {
  const { rows, resources, scopes } = randomRows(7, true);
  const opts = { inspectedBytes: 1234n, partial: true, message: 'cut' };
  assert.deepEqual(
    Buffer.from(encodeTraceByIdResponseProto(new StoredTrace(rows, resources, scopes), opts)),
    Buffer.from(encodeTraceByIdResponseProto(assembleTrace(rows, resources, scopes), opts)),
  );
});

test('corrupt stored attributes fail loudly instead of writing wrong bytes', () => {
  const { rows, resources, scopes } = randomRows(3, false);
  const bad = rows.map((r, i) => (i === 0 ? { ...r, attrs: '{"k": {"zz": 1}}' } : r));
  assert.throws(() => encodeTracesDataProto(new StoredTrace(bad, resources, scopes)), /unknown wrapper/);
  const cut = rows.map((r, i) => (i === 0 ? { ...r, attrs: '{"k": "v"' } : r));
  assert.throws(() => encodeTracesDataProto(new StoredTrace(cut, resources, scopes)), /invalid stored attributes/);
});

test('attributes repeated across spans, long ones too, give the same bytes', () => {
  const { rows, resources, scopes } = randomRows(11, true);
  const long = 'x'.repeat(150);
  const shared = [
    `{"a": "${long}", "n": 12, "b": true, "z": null, "k": "v"}`,
    `{"a": "${long}", "n": 12, "k": "w", "e": "\\u00e9\\"q"}`,
    '{"k": "v", "arr": [1, 2], "kv": {"kv": {"x": "y"}}}',
  ];
  const repeated = rows.map((r, i) => ({ ...r, attrs: shared[i % shared.length] }));
  for (let pass = 0; pass < 2; pass++) {
    assert.deepEqual(
      Buffer.from(encodeTracesDataProto(new StoredTrace(repeated, resources, scopes))),
      Buffer.from(encodeTracesDataProto(assembleTrace(repeated, resources, scopes))),
    );
  }
});
