// The Monitor page in real Chromium against the shop data, whose figures are worked out by hand
// in tests/support/service-graph-dataset.ts and tests/integration/ui-data-api.test.ts.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { TestServer } from '../support/app.ts';
import { datasetBase, loadShop } from '../support/service-graph-dataset.ts';
import { useBrowserApp } from './harness.ts';

const base = datasetBase();
const start = base / 1000 - 60;
const end = start + 600;

describe('Monitor page', { timeout: 180_000 }, () => {
  let server: TestServer;
  let page: Page;
  const app = useBrowserApp({ env: { COMPACTION_INTERVAL: '0' }, seed: (s) => loadShop(s, base), fullPageShots: true });
  const { pageErrors, shot } = app;
  before(() => {
    ({ server, page } = app);
  });
  const monitorUrl = (q: string) => `${server.url}/monitor?${q}&lookback=custom&start=${start}&end=${end}`;
  const text = (id: string) => page.getByTestId(id).innerText();
  const rows = () => page.getByTestId('operation-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));
  const cells = (id: string) => page.getByTestId(id).allInnerTexts();

  test("a service's totals, charts and operations", async () => {
    await page.goto(monitorUrl('service=frontend'));
    await page.getByTestId('operations-table').waitFor();
    // frontend served 100, 300 and 20 ms in 600 s: p50 96 ms, p75 320 ms, p95 473.6 ms.
    assert.deepEqual(
      [await text('total-calls'), await text('total-rate'), await text('total-errors'), await text('total-p50'), await text('total-p75'), await text('total-p95')],
      ['3', '0.005/s', '0%', '96ms', '320ms', '474ms'],
    );
    assert.deepEqual(await rows(), ['GET /checkout', 'GET /home'], 'by impact, highest first');
    assert.deepEqual(await cells('op-p95'), ['486ms', '31.2ms']);
    assert.deepEqual(await cells('op-rate'), ['0.00333/s', '0.00167/s']);
    assert.deepEqual(await cells('op-impact'), ['1.00', '0.00']);
    // Ten one-minute points, none missing: one unbroken line.
    const rate = await page.getByTestId('chart-rate-line').getAttribute('d');
    assert.equal(rate?.match(/[ML]/g)?.join(''), 'MLLLLLLLLL');
    // Hovering the data's first minute reads 2 requests in 60 s.
    const box = (await page.getByTestId('chart-rate').locator('svg').boundingBox())!;
    const x1 = box.x + 56 + (box.width - 56 - 12) / 9;
    await page.mouse.move(x1, box.y + 60);
    assert.equal(await text('chart-rate-req/s'), '0.0333/s');
    assert.deepEqual(pageErrors, []);
    await shot('monitor-frontend');
  });

  test('operations sort by each column', async () => {
    await page.getByTestId('sort-name').click();
    assert.deepEqual(await rows(), ['GET /checkout', 'GET /home']);
    await page.getByTestId('sort-name').click();
    assert.deepEqual(await rows(), ['GET /home', 'GET /checkout']);
    await page.getByTestId('sort-p95Ms').click();
    assert.deepEqual(await rows(), ['GET /checkout', 'GET /home']);
    await page.getByTestId('sort-p95Ms').click();
    assert.deepEqual(await rows(), ['GET /home', 'GET /checkout']);
  });

  test('service and span kind pickers, kept in the URL, and links to traces', async () => {
    await page.getByTestId('monitor-service').selectOption('checkout');
    await page.waitForFunction(() => document.querySelector('[data-testid=total-calls]')?.textContent === '2');
    assert.equal(await text('total-errors'), '50%');
    assert.deepEqual(await rows(), ['POST /pay']);
    await page.getByTestId('monitor-kind').selectOption('client');
    await page.waitForFunction(() => document.querySelector('[data-testid=operation-row]')?.getAttribute('data-name') === 'SELECT');
    assert.match(page.url(), /service=checkout&spanKind=client/);
    // One 10 ms call: p95 in (8, 16] ms = 15.6 ms.
    assert.deepEqual(await cells('op-p95'), ['15.6ms']);
    await shot('monitor-checkout-client');
    await page.reload();
    await page.getByTestId('operation-row').first().waitFor();
    assert.deepEqual(await rows(), ['SELECT']);
    await page.getByTestId('op-traces').click();
    await page.getByTestId('results-table').waitFor();
    assert.equal(await page.getByTestId('traceql-input').inputValue(), '{ resource.service.name = "checkout" && name = "SELECT" && kind = client }');
    assert.equal(await page.getByTestId('result-row').count(), 1);
  });

  test('a span kind with no spans says so', async () => {
    await page.goto(monitorUrl('service=frontend&spanKind=consumer'));
    await page.getByTestId('operations-empty').waitFor();
    assert.equal(await text('total-calls'), '0');
    await shot('monitor-empty-kind');
  });
});
