// The service graph page in real Chromium against the shop data, whose figures are worked out
// by hand in tests/support/service-graph-dataset.ts and tests/integration/ui-data-api.test.ts.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { TestServer } from '../support/app.ts';
import { datasetBase, loadShop } from '../support/service-graph-dataset.ts';
import { useBrowserApp } from './harness.ts';

const base = datasetBase();
const start = base / 1000 - 60;
const end = start + 600;

describe('service graph page', { timeout: 180_000 }, () => {
  let server: TestServer;
  let page: Page;
  const app = useBrowserApp({ env: { COMPACTION_INTERVAL: '0' }, seed: (s) => loadShop(s, base) });
  const { pageErrors, shot } = app;
  before(() => {
    ({ server, page } = app);
  });
  const graphUrl = (extra = '') => `${server.url}/dependencies?lookback=custom&start=${start}&end=${end}${extra}`;
  const node = (name: string) => page.locator(`[data-testid=graph-node][data-name="${name}"]`);
  const edge = (client: string, server: string) => page.locator(`[data-testid=graph-edge][data-client="${client}"][data-server="${server}"]`);
  const figure = (id: string) => page.getByTestId(id).innerText();
  const shownNames = () => page.getByTestId('graph-node').evaluateAll((els) => els.map((e) => e.getAttribute('data-name')).sort());
  const laidOut = () => page.waitForFunction(() => performance.getEntriesByName('tracegres:graph-laid-out').length > 0, undefined, { timeout: 30_000 });

  test('draws every node with its kind and figures, and every edge', async () => {
    await page.goto(graphUrl());
    await laidOut();
    assert.deepEqual(
      await page.getByTestId('graph-node').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-name')}:${e.getAttribute('data-kind')}`).sort()),
      ['checkout:service', 'frontend:service', 'kafka:messaging', 'pg-main:database', 'user:user'],
    );
    assert.equal(await page.getByTestId('graph-edge').count(), 4);
    assert.equal(await edge('frontend', 'checkout').locator('.edge-label').textContent(), '2');
    // frontend served 3 requests in 600 s, none failed, p95 473.6 ms.
    assert.equal(await node('frontend').getByTestId('graph-node-figures').textContent(), '0.005/s · 0% err · p95 474ms');
    assert.equal(await page.getByTestId('graph-summary').innerText(), '5 of 5 nodes, 4 edges');
    // Every node lies inside the drawing after the fit.
    const box = (await page.getByTestId('graph-viewport').boundingBox())!;
    for (const name of ['user', 'frontend', 'checkout', 'pg-main', 'kafka']) {
      const b = (await node(name).boundingBox())!;
      assert.ok(b.x >= box.x && b.y >= box.y && b.x + b.width <= box.x + box.width && b.y + b.height <= box.y + box.height, `${name} is in view`);
    }
    await shot('graph-whole');
  });

  test('clicking a node or an edge shows its figures', async () => {
    await node('checkout').click();
    assert.equal(await figure('details-title'), 'checkout');
    // checkout served 60 ms (error) and 200 ms: p95 = 128 + 128 * 0.9 = 243.2 ms.
    assert.deepEqual(
      [await figure('fig-calls'), await figure('fig-rate'), await figure('fig-errors'), await figure('fig-p95'), await figure('fig-avg')],
      ['2', '0.00333/s', '1 (50%)', '243ms', '130ms'],
    );
    await shot('graph-node-details');
    await edge('frontend', 'checkout').locator('.edge-label').click();
    assert.equal(await figure('details-title'), 'frontend → checkout');
    assert.deepEqual(
      [await figure('fig-calls'), await figure('fig-errors'), await figure('fig-p95'), await figure('fig-client-p95')],
      ['2', '1 (50%)', '190ms', '380ms'],
    );
    await node('pg-main').click();
    assert.deepEqual([await figure('details-title'), await figure('fig-p95'), await figure('fig-avg')], ['pg-main', '95ms', '10ms']);
    await shot('graph-edge-details');
  });

  test('an edge links to the traces that made it', async () => {
    await page.goto(graphUrl());
    await laidOut();
    await edge('frontend', 'checkout').locator('.edge-label').click();
    await page.getByTestId('details-traces').click();
    await page.getByTestId('results-table').waitFor();
    assert.equal(
      await page.getByTestId('traceql-input').inputValue(),
      '{ resource.service.name = "frontend" && kind = client } > { resource.service.name = "checkout" && kind = server }',
    );
    assert.equal(await page.getByTestId('result-row').count(), 2, 't1 and t2 called checkout; t3 did not');
    await shot('graph-edge-traces');
  });

  test('focus on a service with a depth limit, kept in the URL', async () => {
    await page.goto(graphUrl());
    await laidOut();
    await page.getByTestId('graph-focus').selectOption('pg-main');
    await page.getByTestId('graph-depth').fill('1');
    await page.getByTestId('graph-depth').dispatchEvent('change');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=graph-node]').length === 2);
    assert.deepEqual(await shownNames(), ['checkout', 'pg-main']);
    assert.match(page.url(), /focus=pg-main&depth=1/);
    await page.getByTestId('graph-depth').fill('2');
    await page.getByTestId('graph-depth').dispatchEvent('change');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=graph-node]').length === 4);
    assert.deepEqual(await shownNames(), ['checkout', 'frontend', 'kafka', 'pg-main']);
    // A reload lands on the same focused view.
    await page.reload();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=graph-node]').length === 4);
    assert.equal(await page.getByTestId('graph-summary').innerText(), '4 of 5 nodes, 3 edges');
    await shot('graph-focus');
    await page.getByTestId('graph-focus').selectOption('');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=graph-node]').length === 5);
  });

  test('search highlights matches; pan, zoom and drag move the drawing', async () => {
    await page.goto(graphUrl());
    await laidOut();
    await page.getByTestId('graph-search').fill('KAF');
    assert.equal(await page.getByTestId('graph-search-count').innerText(), '1 found');
    assert.deepEqual(
      await page.locator('[data-testid=graph-node].match').evaluateAll((els) => els.map((e) => e.getAttribute('data-name'))),
      ['kafka'],
    );
    assert.equal(await page.locator('[data-testid=graph-node].dim').count(), 4);
    await page.getByTestId('graph-search').fill('');
    // A pan translates the layer holding the whole drawing; a zoom scales the drawing in it.
    const transform = () => page.getByTestId('graph-layer').evaluate((el) => (el as HTMLElement).style.transform);
    const drawnScale = async () => Number(/scale\(([^)]+)\)/.exec((await page.getByTestId('graph-zoom').getAttribute('transform')) ?? '')?.[1]);
    const t0 = await transform();
    const box = (await page.getByTestId('graph-viewport').boundingBox())!;
    // Pan from an empty corner.
    await page.mouse.move(box.x + 20, box.y + 20);
    await page.mouse.down();
    await page.mouse.move(box.x + 120, box.y + 80, { steps: 5 });
    await page.mouse.up();
    assert.notEqual(await transform(), t0, 'panning moved the view');
    const s1 = await drawnScale();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -300);
    await page.waitForFunction((s) => !document.querySelector('[data-testid=graph-zoom]')?.getAttribute('transform')?.includes(`scale(${s})`), s1);
    assert.ok((await drawnScale()) > s1, 'the wheel zoomed in');
    // Drag kafka 150 px to the left: it follows the pointer.
    await page.getByTestId('graph-fit').click();
    const k0 = (await node('kafka').boundingBox())!;
    await page.mouse.move(k0.x + k0.width / 2, k0.y + 12);
    await page.mouse.down();
    await page.mouse.move(k0.x + k0.width / 2 - 150, k0.y + 12, { steps: 8 });
    const k1 = (await node('kafka').boundingBox())!;
    await page.mouse.up();
    assert.ok(Math.abs(k1.x - (k0.x - 150)) < 40, `kafka followed the pointer: ${k0.x} -> ${k1.x}`);
    await shot('graph-dragged');
    assert.deepEqual(pageErrors, []);
  });
});
