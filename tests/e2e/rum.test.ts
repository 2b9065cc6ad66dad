// Browser RUM end to end: a page served from another local origin uses the OpenTelemetry web SDK
// (bundled here with esbuild, which tsx already brings) to export spans to Tracegres in real
// Chromium. Spans from an allowed origin arrive exactly once (one POST, no CORS-caused retry),
// with or without a public ingest key; a page from a disallowed origin is refused.
import assert from 'node:assert/strict';
import { type Server, createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { type TestServer, startTestServer } from '../support/app.ts';
import { launchChromium } from '../support/browser.ts';
import { drivers } from '../support/databases.ts';

const PAGE_SCRIPT = `
import { BatchSpanProcessor, WebTracerProvider } from '@opentelemetry/sdk-trace-web';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';

const params = new URLSearchParams(location.search);
const key = params.get('key');
const exporter = new OTLPTraceExporter({ url: params.get('url'), headers: key ? { 'x-ingest-key': key } : {}, timeoutMillis: 4000 });
const results = [];
const recording = {
  export: (spans, done) => exporter.export(spans, (r) => { results.push(r.code === 0 ? 'ok' : String(r.error)); done(r); }),
  shutdown: () => exporter.shutdown(),
  forceFlush: () => exporter.forceFlush(),
};
const provider = new WebTracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'rum-page' }),
  spanProcessors: [new BatchSpanProcessor(recording)],
});
const span = provider.getTracer('rum-test', '1.0').startSpan('page-load', { attributes: { 'page.origin': location.origin } });
span.end();
window.rum = { traceId: span.spanContext().traceId, flush: async () => { await provider.forceFlush().catch(() => {}); return results; } };
`;

async function bundle(): Promise<string> {
  const out = await build({
    stdin: { contents: PAGE_SCRIPT, resolveDir: new URL('../..', import.meta.url).pathname, loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  return out.outputFiles[0].text;
}

function servePage(script: string): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/app.js')) {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(script);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>rum</title><script type="module" src="/app.js"></script>');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as { port: number }).port })));
}

describe('RUM: the OTel web SDK exports cross-origin', () => {
  let browser: Browser;
  let page: { server: Server; port: number };
  before(async () => {
    page = await servePage(await bundle());
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await new Promise((r) => page?.server.close(r));
  });

  for (const driver of drivers) {
    describe(driver, () => {
      let server: TestServer;
      before(async () => {
        const allowed = `http://127.0.0.1:${page.port}`;
        server = await startTestServer(driver, { CORS_ALLOWED_ORIGINS: allowed, RUM_INGEST_KEYS: `pk_rum_test_1=rum-tenant@${allowed}` });
      });
      after(() => server?.close());

      /** Loads the page from `host`, flushes its span and counts the POSTs the browser made. */
      async function run(host: string, key?: string) {
        const ctx = await browser.newContext();
        const tab = await ctx.newPage();
        const posts: string[] = [];
        tab.on('request', (r) => {
          if (r.url().includes('/v1/traces') && r.method() === 'POST') posts.push(r.url());
        });
        const qs = new URLSearchParams({ url: `${server.url}/v1/traces`, ...(key ? { key } : {}) });
        await tab.goto(`http://${host}:${page.port}/?${qs}`);
        await tab.waitForFunction(() => (window as unknown as { rum?: unknown }).rum !== undefined);
        const traceId = await tab.evaluate(() => (window as unknown as { rum: { traceId: string } }).rum.traceId);
        const results = await tab.evaluate(() => (window as unknown as { rum: { flush(): Promise<string[]> } }).rum.flush());
        await ctx.close();
        return { traceId, results, posts };
      }

      const spansOf = async (traceId: string, tenant?: string) => {
        const res = await fetch(`${server.url}/jaeger/api/traces/${traceId}`, { headers: tenant ? { 'x-scope-orgid': tenant } : {} });
        if (res.status === 404) return [];
        return ((await res.json()) as { data: { spans: { operationName: string }[] }[] }).data[0].spans;
      };

      test('an allowed origin: one POST, stored once', async () => {
        const { traceId, results, posts } = await run('127.0.0.1');
        assert.deepEqual(results, ['ok']);
        assert.equal(posts.length, 1, 'no retry');
        const spans = await spansOf(traceId);
        assert.deepEqual(spans.map((s) => s.operationName), ['page-load']);
      });

      test('a public ingest key: spans go to its tenant', async () => {
        const { traceId, results, posts } = await run('127.0.0.1', 'pk_rum_test_1');
        assert.deepEqual(results, ['ok']);
        assert.equal(posts.length, 1);
        assert.equal((await spansOf(traceId, 'rum-tenant')).length, 1);
        assert.equal((await spansOf(traceId)).length, 0);
      });

      test('a disallowed origin is refused and nothing is stored', async () => {
        // Same page, other origin: localhost is not 127.0.0.1 to the browser.
        const { traceId, results } = await run('localhost');
        assert.equal(results.length, 1);
        assert.notEqual(results[0], 'ok');
        assert.equal((await spansOf(traceId)).length, 0);
        assert.equal((await spansOf(traceId, 'rum-tenant')).length, 0);
      });
    });
  }
});
