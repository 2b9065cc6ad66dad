import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeExportRequestJson, decodeExportRequestProto, type TracesData } from '@tracegres/otlp';
import { createGenerator } from './generate.ts';
import { saltTraceIds, traceIdOffsets } from './pool.ts';
import { encodeBody } from './send.ts';

function ids(td: TracesData): { spans: string[]; links: string[] } {
  const spans: string[] = [];
  const links: string[] = [];
  for (const rs of td.resourceSpans) for (const ss of rs.scopeSpans) for (const s of ss.spans) {
    spans.push(s.traceId);
    for (const l of s.links) links.push(l.traceId);
  }
  return { spans, links };
}

const xor = (hex: string, salt: number): string => ((parseInt(hex.slice(0, 8), 16) ^ salt) >>> 0).toString(16).padStart(8, '0') + hex.slice(8);

describe('trace-id salting of pooled bodies', () => {
  const td = createGenerator({ seed: 31, startTimeNs: 1_760_000_000_000_000_000n }).batch({ spans: 3000 });
  const before = ids(td);

  for (const format of ['protobuf', 'json'] as const) {
    const decode = (b: Uint8Array) => (format === 'json' ? decodeExportRequestJson(new TextDecoder().decode(b)) : decodeExportRequestProto(b));

    it(`${format}: finds every span and link trace id and rewrites them consistently`, () => {
      const body = encodeBody(td, format);
      const offsets = traceIdOffsets(body, format);
      assert.equal(offsets.length, before.spans.length + before.links.length);
      const salt = 0xdeadbeef;
      const salted = saltTraceIds(body, offsets, format, salt);
      assert.equal(salted.length, body.length);
      const after = ids(decode(salted));
      assert.deepEqual(after.spans, before.spans.map((t) => xor(t, salt)));
      assert.deepEqual(after.links, before.links.map((t) => xor(t, salt)));
      assert.deepEqual(saltTraceIds(body, offsets, format, 0), body, 'salt 0 copies unchanged');
      assert.deepEqual(ids(decode(body)), before, 'the source body is left alone');
      let diff = 0;
      for (let i = 0; i < body.length; i++) if (body[i] !== salted[i]) diff++;
      assert.ok(diff <= offsets.length * (format === 'json' ? 8 : 4), 'only trace-id bytes change');
    });
  }
});
