import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { decodeExportRequestJson, decodeExportRequestProto, type TracesData } from '@tracegres/otlp';

const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));

interface Received {
  contentType: string;
  tenant: string | undefined;
  traceIds: Set<string>;
  spanKeys: string[];
  spans: number;
}

/** A minimal OTLP/HTTP receiver: decodes what it gets, answers 200 (or what `status` says). */
function stubServer(received: Received[], status: () => number = () => 200): Server {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      const type = String(req.headers['content-type']);
      const td: TracesData = type === 'application/json' ? decodeExportRequestJson(body.toString('utf8')) : decodeExportRequestProto(body);
      const traceIds = new Set<string>();
      const spanKeys: string[] = [];
      for (const rs of td.resourceSpans) for (const ss of rs.scopeSpans) for (const s of ss.spans) {
        traceIds.add(s.traceId);
        spanKeys.push(`${s.traceId}/${s.spanId}`);
      }
      received.push({ contentType: type, tenant: req.headers['x-scope-orgid'] as string | undefined, traceIds, spanKeys, spans: spanKeys.length });
      const code = status();
      res.writeHead(code, { 'content-type': 'application/json', ...(code === 503 ? { 'retry-after': '0' } : {}) });
      res.end(code === 200 ? '{}' : '{"code":14,"message":"busy"}');
    });
  });
}

function run(args: string[], opts: { killAfterMs?: number } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    if (opts.killAfterMs) setTimeout(() => child.kill('SIGINT'), opts.killAfterMs);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('cli', () => {
  const received: Received[] = [];
  let server: Server;
  let url = '';

  before(async () => {
    server = stubServer(received);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('load: sends N requests from a pool, never repeating a span, and ends with a JSON line', async () => {
    received.length = 0;
    const r = await run(['load', '--url', url, '--requests', '6', '--batch-spans', '400', '--concurrency', '2', '--pool', '3', '--tenant', 'bench', '--seed', '5']);
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    assert.equal(summary.requests, 6);
    assert.equal(summary.spansAcked, 2400);
    assert.deepEqual(summary.status, { 200: 6 });
    assert.ok(summary.ackedSpansPerSec > 0);
    assert.match(r.stderr, /pool of 3 bodies/);
    assert.equal(received.length, 6);
    assert.ok(received.every((x) => x.spans === 400 && x.tenant === 'bench' && x.contentType === 'application/x-protobuf'));
    const seen = new Set<string>();
    for (const x of received) for (const key of x.spanKeys) {
      assert.ok(!seen.has(key), 'no (trace id, span id) is sent twice although bodies are reused');
      seen.add(key);
    }
  });

  it('load: gzip + JSON, and counts non-2xx answers', async () => {
    received.length = 0;
    let n = 0;
    const busy = stubServer(received, () => (n++ % 2 ? 503 : 200));
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const busyUrl = `http://127.0.0.1:${(busy.address() as AddressInfo).port}`;
    const r = await run(['load', '--url', busyUrl, '--requests', '4', '--batch-spans', '200', '--format', 'json', '--gzip', '--concurrency', '1']);
    await new Promise<void>((res) => busy.close(() => res()));
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout.trim().split('\n').at(-1)!);
    assert.deepEqual(summary.status, { 200: 2, 503: 2 });
    assert.equal(summary.spansAcked, 400);
    assert.equal(summary.gzip, true);
    assert.ok(received.every((x) => x.contentType === 'application/json'));
  });

  it('rejects bad arguments with a message naming the flag', async () => {
    const cases: [string[], RegExp][] = [
      [['load', '--concurrency', '0'], /--concurrency must be >= 1/],
      [['load', '--format', 'xml'], /--format must be one of protobuf, json/],
      [['load', '--duration', '1', '--requests', '2'], /--duration or --requests/],
      [['demo', '--rate', 'lots'], /--rate must be a number/],
      [['demo', '--url', 'localhost:3200'], /--url must be an http\(s\) URL/],
      [['demo', '--bogus'], /unknown option --bogus/],
      [['serve'], /unknown mode "serve"/],
    ];
    for (const [args, re] of cases) {
      const r = await run(args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, re, args.join(' '));
    }
    const help = await run(['load', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--batch-spans/);
  });

  it('demo: streams traces, prints progress, stops after --duration', async () => {
    received.length = 0;
    const r = await run(['demo', '--url', url, '--rate', '40', '--flush-ms', '200', '--progress-s', '0.5', '--duration', '1.6']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /traces\/s [\d.]+ +spans\/s \d+ +errors \d+ +http 200:\d+/);
    assert.match(r.stdout, /stopped after/);
    const traces = received.reduce((n, x) => n + x.traceIds.size, 0);
    assert.ok(traces >= 40 && traces <= 90, `${traces} traces`);
  });

  it('demo: Ctrl-C stops cleanly; an unreachable server is reported', async () => {
    const r = await run(['demo', '--url', 'http://127.0.0.1:9', '--rate', '10', '--flush-ms', '100'], { killAfterMs: 2500 });
    assert.match(r.stderr, /is Tracegres running\?/);
    assert.match(r.stdout, /stopped after/);
    assert.equal(r.code, 1, 'no request succeeded');
    const ok = await run(['demo', '--url', url, '--rate', '10', '--flush-ms', '100'], { killAfterMs: 2500 });
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /stopped after .* http 200:\d+/);
  });
});
