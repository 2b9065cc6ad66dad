import { gunzipSync, inflateSync } from 'node:zlib';
import type { Inflate } from '../routes/otlp/body.ts';

/**
 * zlib's one-shot inflate with `maxOutputLength`: it throws ERR_BUFFER_TOO_LARGE at the cap
 * (a gzip bomb costs at most the cap), on Node, Bun and Deno alike.
 */
export const zlibInflate: Inflate = (data, encoding, maxBytes) => {
  const out = encoding === 'gzip' ? gunzipSync(data, { maxOutputLength: maxBytes }) : inflateSync(data, { maxOutputLength: maxBytes });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
};
