import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deflateSync, gzipSync } from 'node:zlib';
import { ApiError } from '../../errors.ts';
import { zlibInflate } from '../../runtime/zlib-inflate.ts';
import { type Inflate, readBody } from './body.ts';

const req = (body: Uint8Array, encoding?: string): Request =>
  new Request('http://x/v1/traces', { method: 'POST', body: body as Uint8Array<ArrayBuffer>, headers: encoding ? { 'content-encoding': encoding } : {} });

const payload = new TextEncoder().encode(JSON.stringify({ resourceSpans: [], pad: 'x'.repeat(5000) }));

// The same behaviour with the runtime's native inflate and with web streams only (Workers).
for (const [name, inflate] of [['native zlib', zlibInflate], ['web streams', undefined]] as [string, Inflate | undefined][]) {
  describe(`readBody with ${name}`, () => {
    test('identity, gzip and deflate bodies come back byte for byte', async () => {
      assert.deepEqual(await readBody(req(payload), 1e6, inflate), payload);
      assert.deepEqual(await readBody(req(gzipSync(payload), 'gzip'), 1e6, inflate), payload);
      assert.deepEqual(await readBody(req(gzipSync(payload), 'x-gzip'), 1e6, inflate), payload);
      assert.deepEqual(await readBody(req(deflateSync(payload), 'deflate'), 1e6, inflate), payload);
    });

    test('a gzip bomb stops at the limit with 413', async () => {
      const bomb = gzipSync(Buffer.alloc(20 * 1024 * 1024));
      await assert.rejects(readBody(req(bomb, 'gzip'), 1024 * 1024, inflate), (e: ApiError) => e.status === 413);
    });

    test('corrupt compressed data is a 400, an oversized raw body a 413', async () => {
      await assert.rejects(readBody(req(new Uint8Array([0x1f, 0x8b, 8, 0, 9, 9, 9]), 'gzip'), 1e6, inflate), (e: ApiError) =>
        e.status === 400 && /invalid gzip body/.test(e.message),
      );
      await assert.rejects(readBody(req(payload), 100, inflate), (e: ApiError) => e.status === 413);
    });
  });
}
