// Opening trace files in real Chromium: the same hand-checked trace (apps/web/src/lib/trace-stats-fixture.ts)
// written as OTLP JSON, Tempo v1 and v2 JSON and Jaeger JSON, picked with the file input, dropped
// or pasted; a file with two traces; and files that cannot be read. Nothing may reach the server.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { encodeOtlpJson, encodeTempoJson, encodeTraceByIdResponseJson, toJaegerTrace } from '@tracegres/otlp';
import type { Page } from 'playwright-core';
import { TRACE_A, TRACE_B, fixtureTrace } from '../../apps/web/src/lib/trace-stats-fixture.ts';
import type { TestServer } from '../support/app.ts';
import { useBrowserApp } from './harness.ts';

const T0 = 1_700_000_000_000_000_000n;
const a = fixtureTrace(TRACE_A, 'a3'.repeat(16), T0);
const b = fixtureTrace(TRACE_B, 'b3'.repeat(16), T0 + 60_000_000_000n);
const jaegerOpts = { adjust: false, unknownService: 'unknown_service' };
const ORDER_A = ['GET /orders', 'auth', 'load order', 'SELECT orders', 'SELECT items', 'cache get', 'render'];

describe('open a trace file', { timeout: 180_000 }, () => {
  let server: TestServer;
  let page: Page;
  let dir: string;
  const app = useBrowserApp();
  const { pageErrors, shot } = app;
  /** Requests the page made other than loading the app itself. */
  const calls: string[] = [];
  const spanNames = () => page.getByTestId('span-name').allInnerTexts();

  const files: Record<string, string> = {
    'otlp.json': encodeOtlpJson(a),
    'tempo-v1.json': encodeTempoJson(a, 'batches'),
    'tempo-v2.json': encodeTraceByIdResponseJson(a),
    'jaeger-one.json': JSON.stringify({ data: [toJaegerTrace(a, jaegerOpts)], total: 0, limit: 0, offset: 0, errors: null }),
    'jaeger-two.json': JSON.stringify({ data: [toJaegerTrace(b, jaegerOpts), toJaegerTrace(a, jaegerOpts)] }),
    'unknown.json': JSON.stringify({ hello: 'world', spans: 3 }),
    'broken.json': '{"resourceSpans": [',
    'bad-jaeger.json': JSON.stringify({ data: [{ ...toJaegerTrace(a, jaegerOpts), processes: {} }] }),
  };

  async function openFile(name: string): Promise<void> {
    await page.goto(`${server.url}/open`);
    await page.getByTestId('open-drop-zone').waitFor();
    calls.length = 0;
    await page.getByTestId('open-file-input').setInputFiles(join(dir, name));
  }

  before(() => {
    ({ server, page } = app);
    dir = mkdtempSync(join(tmpdir(), 'tracegres-open-'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    page.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (!path.startsWith('/assets/') && path !== '/open') calls.push(`${r.method()} ${path}`);
    });
  });

  after(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const [name, format] of [['otlp.json', 'OTLP JSON'], ['tempo-v1.json', 'Tempo JSON (batches)'], ['tempo-v2.json', 'Tempo v2 JSON'], ['jaeger-one.json', 'Jaeger JSON']]) {
    test(`${format}: the waterfall shows the file's spans`, async () => {
      await openFile(name);
      await page.getByTestId('waterfall').waitFor();
      assert.match(await page.getByTestId('open-file-bar').innerText(), new RegExp(`${name}\\s+· ${format.replace(/[()]/g, '\\$&')}`));
      assert.equal(await page.getByTestId('trace-title').innerText(), 'api: GET /orders');
      assert.equal(await page.getByTestId('trace-spans').innerText(), '7');
      assert.equal(await page.getByTestId('trace-duration').innerText(), '100ms');
      assert.equal(await page.getByTestId('trace-errors').innerText(), '1');
      assert.deepEqual(await spanNames(), ORDER_A);
      assert.deepEqual(calls, [], 'the file was not sent anywhere');
      if (name === 'otlp.json') await shot('open-file-otlp');
    });
  }

  test('the analysis views work on a file, and there is no server JSON to show', async () => {
    await openFile('jaeger-one.json');
    await page.getByTestId('waterfall').waitFor();
    assert.equal(await page.getByTestId('tab-json').count(), 0);
    assert.equal(await page.getByTestId('download-json').count(), 0);
    await page.getByTestId('tab-statistics').click();
    const api = page.locator('[data-testid=stats-row][data-service=api]');
    assert.equal(await api.locator('[data-col=selfTotal]').innerText(), '50ms');
    assert.equal(await api.locator('[data-col=total]').innerText(), '170ms');
    await page.getByTestId('tab-flamegraph').click();
    assert.equal(await page.getByTestId('flame-frame').count(), 7);
    await page.getByTestId('tab-spans').click();
    await page.getByTestId('span-table-filter').fill('service:db');
    await page.getByTestId('span-table-count').filter({ hasText: '2 of 7 spans' }).waitFor();
    await page.getByTestId('tab-timeline').click();
    await page.locator('[data-span-id="a000000000000007"]').click();
    assert.match(await page.getByTestId('span-status').innerText(), /error: template failed/);
    assert.equal(new URL(page.url()).pathname, '/open', 'the page stays on /open');
    assert.deepEqual(calls, []);
  });

  test('a file with two traces lets the user pick one', async () => {
    await openFile('jaeger-two.json');
    await page.getByTestId('open-trace-list').waitFor();
    assert.match(await page.getByTestId('open-file-summary').innerText(), /Jaeger JSON, 2 traces/);
    const ids = await page.getByTestId('open-trace-row').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-trace-id')));
    assert.deepEqual(ids, ['a3'.repeat(16), 'b3'.repeat(16)], 'oldest first');
    await shot('open-file-pick');
    await page.getByTestId('open-pick').nth(1).click();
    await page.getByTestId('waterfall').waitFor();
    assert.equal(await page.getByTestId('trace-spans').innerText(), '8');
    assert.match(await page.getByTestId('open-file-bar').innerText(), /trace 2 of 2/);
    await page.getByTestId('open-back-to-list').click();
    await page.getByTestId('open-pick').nth(0).click();
    await page.getByTestId('trace-spans').filter({ hasText: '7' }).waitFor();
    assert.deepEqual(await spanNames(), ORDER_A);
  });

  test('dropping a file and pasting JSON', async () => {
    await page.goto(`${server.url}/open`);
    await page.getByTestId('open-drop-zone').waitFor();
    const drop = await page.evaluateHandle((text) => {
      const dt = new DataTransfer();
      dt.items.add(new File([text], 'dropped.json', { type: 'application/json' }));
      return dt;
    }, files['tempo-v1.json']);
    await page.dispatchEvent('[data-testid=open-drop-zone]', 'drop', { dataTransfer: drop });
    await page.getByTestId('waterfall').waitFor();
    assert.match(await page.getByTestId('open-file-bar').innerText(), /dropped\.json/);
    assert.deepEqual(await spanNames(), ORDER_A);

    await page.getByTestId('open-another').click();
    await page.locator('.paste summary').click();
    await page.getByTestId('open-paste').fill(files['otlp.json']);
    await page.getByTestId('open-paste-submit').click();
    await page.getByTestId('waterfall').waitFor();
    assert.match(await page.getByTestId('open-file-bar').innerText(), /pasted JSON/);
    assert.equal(await page.getByTestId('trace-spans').innerText(), '7');
  });

  test('files that cannot be read say what was expected and where', async () => {
    await openFile('unknown.json');
    await page.getByTestId('open-error').waitFor();
    const unknown = await page.getByTestId('open-error').innerText();
    assert.match(unknown, /Could not open unknown\.json/);
    assert.match(unknown, /Expected OTLP JSON \(a "resourceSpans" array\).*top-level keys are "hello", "spans"/s);
    await shot('open-file-error');

    await page.getByTestId('open-file-input').setInputFiles(join(dir, 'broken.json'));
    await page.getByTestId('open-error').filter({ hasText: 'broken.json' }).waitFor();
    assert.match(await page.getByTestId('open-error').innerText(), /Not valid JSON/);

    await page.getByTestId('open-file-input').setInputFiles(join(dir, 'bad-jaeger.json'));
    await page.getByTestId('open-error').filter({ hasText: 'bad-jaeger.json' }).waitFor();
    assert.match(await page.getByTestId('open-error').innerText(), /data\[0\]\.spans\[0\]\.processID: "p\d" is not one of the trace's processes \(none\)/);
    assert.equal(await page.getByTestId('waterfall').count(), 0);
    assert.deepEqual(calls, []);
  });

  test('no script errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
