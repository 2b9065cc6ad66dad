/**
 * OTLP/HTTP export with Web APIs only (`fetch`, `CompressionStream`), so it runs unchanged on
 * Node, Bun and Deno: encode, optionally gzip, POST to `/v1/traces`, read the answer
 * (status, Retry-After, partial success or the server's error message).
 */
import { encodeOtlpJson, encodeTracesDataProto, type PartialSuccess, type TracesData } from '@tracegres/otlp';

export type OtlpFormat = 'protobuf' | 'json';

export interface EncodeOptions {
  /** Default 'protobuf'. */
  format?: OtlpFormat;
  /** gzip the body (Content-Encoding: gzip). Default false, like the OTel SDKs. */
  gzip?: boolean;
}

/** A request body ready to send (and re-send). */
export interface EncodedRequest {
  body: Uint8Array;
  contentType: 'application/x-protobuf' | 'application/json';
  contentEncoding: 'gzip' | undefined;
  /** Spans in the body. */
  spans: number;
  /** Body size before compression. */
  rawBytes: number;
}

export interface SendOptions {
  /** Base URL (`http://127.0.0.1:3200`); `/v1/traces` is appended unless already there. */
  url: string;
  /** Sent as `X-Scope-OrgID` (Tempo's tenant header). */
  tenant?: string;
  headers?: Record<string, string>;
  /** Default 30 s, the Collector's HTTP timeout. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Injected for tests; default the global `fetch`. */
  fetch?: typeof fetch;
}

export interface SendResult {
  /** HTTP status; 0 when no answer came (network error, timeout, abort). */
  status: number;
  ok: boolean;
  /** Seconds from Retry-After (integer or HTTP-date), on any status that sent it. */
  retryAfterSeconds: number | undefined;
  /** Set when a 2xx answer reported rejected spans or a warning. */
  partialSuccess: PartialSuccess | undefined;
  /** Spans the server acknowledged: all of them on 2xx minus partial rejections, else 0. */
  acceptedSpans: number;
  /** Network error, or the message of the server's error body. */
  error: string | undefined;
  durationMs: number;
}

const textEncoder = new TextEncoder();

/** Counts the spans in `td`. */
export function countSpans(td: TracesData): number {
  let n = 0;
  for (const rs of td.resourceSpans) for (const ss of rs.scopeSpans) n += ss.spans.length;
  return n;
}

/** Encodes `td` in the OTLP wire format, uncompressed. */
export function encodeBody(td: TracesData, format: OtlpFormat = 'protobuf'): Uint8Array {
  return format === 'json' ? textEncoder.encode(encodeOtlpJson(td)) : encodeTracesDataProto(td);
}

/** gzip with the Web `CompressionStream`. */
export async function gzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Encodes (and optionally gzips) `td` into a request body. */
export async function encodeRequest(td: TracesData, opts: EncodeOptions = {}): Promise<EncodedRequest> {
  const format = opts.format ?? 'protobuf';
  const raw = encodeBody(td, format);
  return {
    body: opts.gzip ? await gzip(raw) : raw,
    contentType: format === 'json' ? 'application/json' : 'application/x-protobuf',
    contentEncoding: opts.gzip ? 'gzip' : undefined,
    spans: countSpans(td),
    rawBytes: raw.length,
  };
}

/** `${base}/v1/traces`, tolerating a trailing slash or a full traces URL. */
export function tracesUrl(base: string): string {
  const b = base.replace(/\/+$/, '');
  return b.endsWith('/v1/traces') ? b : `${b}/v1/traces`;
}

/** POSTs an encoded request; never throws for HTTP or network failures (they are in the result). */
export async function sendEncoded(req: EncodedRequest, opts: SendOptions): Promise<SendResult> {
  const headers: Record<string, string> = { 'content-type': req.contentType, ...opts.headers };
  if (req.contentEncoding) headers['content-encoding'] = req.contentEncoding;
  if (opts.tenant) headers['x-scope-orgid'] = opts.tenant;
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? 30_000);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  const doFetch = opts.fetch ?? fetch;
  const t0 = performance.now();
  let res: Response;
  try {
    res = await doFetch(tracesUrl(opts.url), { method: 'POST', headers, body: req.body as Uint8Array<ArrayBuffer>, signal });
  } catch (e) {
    return {
      status: 0, ok: false, retryAfterSeconds: undefined, partialSuccess: undefined, acceptedSpans: 0,
      error: describeFetchError(e), durationMs: performance.now() - t0,
    };
  }
  let body: Uint8Array;
  try {
    body = new Uint8Array(await res.arrayBuffer());
  } catch {
    body = new Uint8Array(0);
  }
  const durationMs = performance.now() - t0;
  const type = (res.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  const retryAfterSeconds = parseRetryAfter(res.headers.get('retry-after'));
  if (res.ok) {
    const partialSuccess = readPartialSuccess(type, body);
    const rejected = partialSuccess ? Math.min(req.spans, partialSuccess.rejectedSpans) : 0;
    return { status: res.status, ok: true, retryAfterSeconds, partialSuccess, acceptedSpans: req.spans - rejected, error: undefined, durationMs };
  }
  return {
    status: res.status, ok: false, retryAfterSeconds, partialSuccess: undefined, acceptedSpans: 0,
    error: readErrorMessage(type, body) || res.statusText || `HTTP ${res.status}`, durationMs,
  };
}

/** Encodes and sends `td`. */
export async function sendTraces(td: TracesData, opts: SendOptions & EncodeOptions): Promise<SendResult> {
  return sendEncoded(await encodeRequest(td, opts), opts);
}

function describeFetchError(e: unknown): string {
  if (e instanceof Error) {
    if (e.name === 'TimeoutError') return 'timeout';
    if (e.name === 'AbortError') return 'aborted';
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code) return `${e.message}: ${cause.code}`;
    if (cause?.message) return `${e.message}: ${cause.message}`;
    return e.message;
  }
  return String(e);
}

/** Retry-After as seconds (integer or HTTP-date); undefined when absent or unreadable. */
export function parseRetryAfter(v: string | null, now = Date.now()): number | undefined {
  if (v === null || v.trim() === '') return undefined;
  const s = v.trim();
  if (/^\d+$/.test(s)) return Number(s);
  const t = Date.parse(s);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, Math.ceil((t - now) / 1000));
}

function readPartialSuccess(type: string, body: Uint8Array): PartialSuccess | undefined {
  if (body.length === 0) return undefined;
  let p: PartialSuccess | undefined;
  if (type === 'application/json') {
    try {
      const j = JSON.parse(new TextDecoder().decode(body)) as { partialSuccess?: { rejectedSpans?: string | number; errorMessage?: string } };
      const ps = j.partialSuccess;
      if (ps) p = { rejectedSpans: Number(ps.rejectedSpans ?? 0) || 0, errorMessage: ps.errorMessage ?? '' };
    } catch {
      return undefined;
    }
  } else if (type === 'application/x-protobuf') {
    const msg = protoField(body, 1);
    if (msg) p = { rejectedSpans: Number(protoVarint(msg, 1) ?? 0), errorMessage: protoString(msg, 2) ?? '' };
  }
  if (!p || (p.rejectedSpans === 0 && p.errorMessage === '')) return undefined;
  return p;
}

function readErrorMessage(type: string, body: Uint8Array): string {
  if (body.length === 0) return '';
  if (type === 'application/x-protobuf') return protoString(body, 2) ?? '';
  const text = new TextDecoder().decode(body.subarray(0, 4096));
  if (type === 'application/json') {
    try {
      const j = JSON.parse(text) as { message?: string; error?: string };
      return j.message ?? j.error ?? text;
    } catch {
      return text.trim();
    }
  }
  return text.trim().slice(0, 500);
}

// --- a tiny protobuf reader for the two reply messages (ExportTraceServiceResponse, google.rpc.Status)

interface Field {
  no: number;
  wire: number;
  value: number;
  bytes: Uint8Array | undefined;
}

function* fields(buf: Uint8Array): Generator<Field> {
  let i = 0;
  const varint = (): number => {
    let result = 0;
    let mul = 1;
    for (let n = 0; n < 10; n++) {
      if (i >= buf.length) throw new RangeError('truncated varint');
      const b = buf[i++];
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
    throw new RangeError('varint too long');
  };
  try {
    while (i < buf.length) {
      const tag = varint();
      const no = Math.floor(tag / 8);
      const wire = tag & 7;
      if (wire === 0) yield { no, wire, value: varint(), bytes: undefined };
      else if (wire === 2) {
        const len = varint();
        if (i + len > buf.length) return;
        yield { no, wire, value: len, bytes: buf.subarray(i, i + len) };
        i += len;
      } else if (wire === 1) i += 8;
      else if (wire === 5) i += 4;
      else return;
    }
  } catch {
    return;
  }
}

function protoField(buf: Uint8Array, no: number): Uint8Array | undefined {
  for (const f of fields(buf)) if (f.no === no && f.wire === 2) return f.bytes;
  return undefined;
}

function protoVarint(buf: Uint8Array, no: number): number | undefined {
  for (const f of fields(buf)) if (f.no === no && f.wire === 0) return f.value;
  return undefined;
}

function protoString(buf: Uint8Array, no: number): string | undefined {
  const b = protoField(buf, no);
  return b ? new TextDecoder().decode(b) : undefined;
}
