// The trace page's analysis views in real Chromium: flame graph, statistics and span table, on a
// trace whose figures were worked out by hand (apps/web/src/lib/trace-stats-fixture.ts), sent as
// OTLP JSON with fixed offsets. Screenshots go to artifacts/screenshots/.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { TRACE_A, fixtureTrace } from '../../apps/web/src/lib/trace-stats-fixture.ts';
import type { TestServer } from '../support/app.ts';
import { postOtlpJson, useBrowserApp } from './harness.ts';

const TRACE_ID = 'a1'.repeat(16);
const span = (n: number) => `a00000000000000${n}`;

describe('trace analysis views', { timeout: 180_000 }, () => {
  let server: TestServer;
  let page: Page;
  const app = useBrowserApp({ seed: (s) => postOtlpJson(s, fixtureTrace(TRACE_A, TRACE_ID, BigInt(Date.now() - 5 * 60_000) * 1_000_000n)) });
  const { pageErrors, shot } = app;
  before(() => {
    ({ server, page } = app);
  });
  const frame = (id: string) => page.locator(`[data-testid=flame-frame][data-span-id="${id}"]`);
  /** A frame's place in the drawing, in pixels, as the page laid it out. */
  const geom = async (id: string) => {
    const [x, y, width] = await frame(id).evaluate((e) => ['x', 'y', 'width'].map((a) => Number(e.getAttribute(a))));
    return { x, y, width };
  };
  const texts = (testid: string) => page.getByTestId(testid).allInnerTexts();

  test('statistics by service: counts, durations and self times', async () => {
    await page.goto(`${server.url}/trace/${TRACE_ID}?view=statistics`);
    await page.getByTestId('stats-view').waitFor();
    assert.equal(await page.getByTestId('tab-statistics').getAttribute('aria-selected'), 'true');
    const rows = page.getByTestId('stats-row');
    assert.deepEqual(await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-service'))), ['api', 'db', 'cache', 'auth'], 'largest self time first');
    const api = page.locator('[data-testid=stats-row][data-service=api] td');
    const cells = Object.fromEntries(await api.evaluateAll((tds) => tds.map((td) => [td.getAttribute('data-col'), (td as HTMLElement).innerText.trim()])));
    assert.deepEqual(cells, {
      service: 'api',
      count: '3',
      errors: '1',
      total: '170ms',
      avg: '56.7ms',
      min: '20ms',
      max: '100ms',
      selfTotal: '50ms',
      selfAvg: '16.7ms',
      selfMin: '10ms',
      selfMax: '20ms',
      selfPercent: '29.4%',
      traceSharePercent: '41.7%',
    });
    const db = page.locator('[data-testid=stats-row][data-service=db]');
    assert.equal(await db.locator('[data-col=selfTotal]').innerText(), '40ms');
    assert.equal((await db.locator('[data-col=traceSharePercent]').innerText()).trim(), '33.3%');
    await shot('analysis-statistics');
  });

  test('statistics by operation, and sorting a column', async () => {
    await page.getByTestId('stats-group-by').selectOption('operation');
    assert.equal(await page.getByTestId('stats-row').count(), 7);
    const load = page.locator('[data-testid=stats-row][data-operation="load order"]');
    assert.equal(await load.locator('[data-col=total]').innerText(), '50ms');
    assert.equal(await load.locator('[data-col=selfTotal]').innerText(), '10ms', 'overlapping SELECTs and the clipped cache call leave 10 ms');
    assert.equal(await load.locator('[data-col=selfPercent]').innerText(), '20.0%');
    await page.getByTestId('stats-sort-max').click();
    const ops = () => page.getByTestId('stats-row').evaluateAll((rs) => rs.map((r) => r.getAttribute('data-operation')));
    assert.deepEqual((await ops()).slice(0, 2), ['GET /orders', 'load order'], 'longest first');
    await page.getByTestId('stats-sort-max').click();
    assert.equal((await ops())[0], 'auth', 'a second click sorts ascending');
    await page.getByTestId('stats-group-by').selectOption('service-operation');
    assert.equal(await page.locator('[data-testid=stats-row][data-service=db][data-operation="SELECT items"]').count(), 1);
  });

  test('flame graph: widths are durations, squeezed children, hover and zoom', async () => {
    await page.getByTestId('tab-flamegraph').click();
    await page.getByTestId('flame-graph').waitFor();
    assert.match(page.url(), /view=flamegraph/);
    assert.equal(await page.getByTestId('flame-frame').count(), 7);
    const root = await geom(span(1));
    const near = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) < 0.01, `${what}: ${a} vs ${b}`);
    near((await geom(span(2))).width, root.width * 0.1, 'auth is 10 of 100 ms');
    near((await geom(span(3))).width, root.width * 0.5, 'load order is 50 of 100 ms');
    near((await geom(span(3))).x, root.width * 0.1, 'load order follows auth');
    near((await geom(span(7))).width, root.width * 0.2, 'render is 20 of 100 ms');
    near((await geom(span(7))).x, root.width * 0.6, 'render follows load order');
    // 60 ms of children under load order's 50 ms are squeezed to a third of it each.
    for (const [n, i] of [[4, 0], [5, 1], [6, 2]]) {
      near((await geom(span(n))).width, (root.width * 0.5) / 3, `child ${n} width`);
      near((await geom(span(n))).x, root.width * (0.1 + (0.5 / 3) * i), `child ${n} place`);
    }
    assert.deepEqual(await Promise.all([1, 2, 4].map(async (n) => (await geom(span(n))).y)), [0, 22, 44], 'one row per depth');

    const load = (await frame(span(3)).boundingBox())!;
    await page.mouse.move(load.x + load.width / 2, load.y + load.height / 2);
    const tip = page.getByTestId('flame-tooltip');
    await tip.waitFor();
    assert.match(await tip.innerText(), /load order[\s\S]*Duration\s+50ms \(50\.0% of trace\)[\s\S]*Self time\s+10ms[\s\S]*squeezed/);
    await shot('analysis-flamegraph');

    await page.mouse.click(load.x + load.width / 2, load.y + load.height / 2);
    await page.getByTestId('flame-reset').waitFor();
    assert.equal(await page.getByTestId('span-detail-name').innerText(), 'load order', 'a click opens the span details');
    assert.equal(await page.locator(`[data-testid=flame-frame][data-span-id="${span(2)}"]`).count(), 0, 'auth is outside the zoom');
    // The details panel now takes part of the page: measure against the drawing's new width.
    const full = await page.locator('.flame .area').evaluate((e) => e.clientWidth);
    near((await geom(span(3))).width, full, 'the zoomed frame fills the width');
    near((await geom(span(1))).width, full, 'its ancestor spans it');
    near((await geom(span(5))).width, full / 3, 'its children share it');
    near((await geom(span(5))).x, full / 3, 'in their order');
    await shot('analysis-flamegraph-zoomed');
    await page.getByTestId('flame-reset').click();
    assert.equal(await page.getByTestId('flame-frame').count(), 7);
  });

  test('span table: sort, filter and select', async () => {
    await page.getByTestId('tab-spans').click();
    await page.getByTestId('span-table').waitFor();
    assert.match(page.url(), /view=spans/);
    const names = async () => page.locator('[data-testid=span-table-row] [role=gridcell]:nth-child(2)').allInnerTexts();
    assert.deepEqual(await names(), ['GET /orders', 'auth', 'load order', 'SELECT orders', 'SELECT items', 'cache get', 'render'], 'by start time');
    await page.getByTestId('span-sort-duration').click();
    assert.deepEqual(await names(), ['GET /orders', 'load order', 'SELECT orders', 'SELECT items', 'cache get', 'render', 'auth'], 'longest first, ties by start');
    await page.getByTestId('span-sort-selfTime').click();
    assert.deepEqual((await names()).slice(0, 5), ['GET /orders', 'SELECT orders', 'SELECT items', 'cache get', 'render'], 'most self time first');
    await page.getByTestId('span-sort-selfTime').click();
    assert.deepEqual((await names()).slice(0, 2), ['auth', 'load order']);
    const load = page.locator(`[data-testid=span-table-row][data-span-id="${span(3)}"]`);
    assert.equal(await load.locator('[data-col=selfTime]').innerText(), '10ms');
    assert.equal(await load.locator('[data-col=start]').innerText(), '20ms');

    await page.getByTestId('span-table-filter').fill('db');
    await page.getByTestId('span-table-count').filter({ hasText: '2 of 7 spans' }).waitFor();
    assert.deepEqual((await names()).sort(), ['SELECT items', 'SELECT orders']);
    await page.getByTestId('span-table-filter').fill('status:error');
    await page.getByTestId('span-table-count').filter({ hasText: '1 of 7 spans' }).waitFor();
    await page.getByTestId('span-table-row').click();
    assert.equal(await page.getByTestId('span-detail-name').innerText(), 'render');
    assert.match(await page.getByTestId('span-status').innerText(), /error: template failed/);
    await shot('analysis-span-table');
    await page.getByTestId('span-table-filter').fill('no-such-span');
    await page.getByTestId('span-table-empty').waitFor();

    await page.getByTestId('span-table-show').click();
    await page.getByTestId('waterfall').waitFor();
    assert.match(page.url(), new RegExp(`span=${span(7)}`));
    assert.doesNotMatch(page.url(), /view=/);
    assert.equal(await page.locator('[data-testid=span-row].selected').getAttribute('data-span-id'), span(7));
  });

  test('the view survives a reload', async () => {
    await page.goto(`${server.url}/trace/${TRACE_ID}?view=flamegraph`);
    await page.getByTestId('flame-graph').waitFor();
    assert.equal(await page.getByTestId('tab-flamegraph').getAttribute('aria-selected'), 'true');
  });

  test('no script errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
