// Comparing two traces in real Chromium: TRACE_A and TRACE_B (apps/web/src/lib/trace-stats-fixture.ts)
// sent as OTLP JSON, whose differences were worked out by hand: cache get only in A, audit only
// in B, SELECT orders run once in A and twice in B, the root 100 ms in A and 120 ms in B.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { TRACE_A, TRACE_B, fixtureTrace } from '../../apps/web/src/lib/trace-stats-fixture.ts';
import type { TestServer } from '../support/app.ts';
import { postOtlpJson, useBrowserApp } from './harness.ts';

const A = 'a2'.repeat(16);
const B = 'b2'.repeat(16);

describe('compare two traces', { timeout: 180_000 }, () => {
  let server: TestServer;
  let page: Page;
  const app = useBrowserApp({
    seed: async (s) => {
      const t0 = BigInt(Date.now() - 10 * 60_000) * 1_000_000n;
      for (const [rows, id, at] of [[TRACE_A, A, t0], [TRACE_B, B, t0 + 60_000_000_000n]] as const) await postOtlpJson(s, fixtureTrace(rows, id, at));
    },
  });
  const { pageErrors, shot } = app;
  before(() => {
    ({ server, page } = app);
  });
  const rows = () => page.getByTestId('compare-row').evaluateAll((rs) => rs.map((r) => `${r.getAttribute('data-depth')} ${r.getAttribute('data-path')} ${r.getAttribute('data-state')}`));
  const cell = (path: string, col: string) => page.locator(`[data-testid=compare-row][data-path="${path}"] [data-col=${col}]`).innerText();

  test('the merged tree marks paths only in A, only in B, changed and the same', async () => {
    await page.goto(`${server.url}/trace/${A}...${B}`);
    await page.getByTestId('compare-tree').waitFor();
    assert.deepEqual(await rows(), [
      '0 api: GET /orders same',
      '1 auth: auth same',
      '1 api: load order same',
      '2 db: SELECT orders changed',
      '2 db: SELECT items same',
      '2 cache: cache get onlyA',
      '1 api: render same',
      '1 audit: audit onlyB',
    ]);
    for (const [state, n] of [['onlyA', '1'], ['onlyB', '1'], ['changed', '1'], ['same', '5']]) {
      assert.equal(await page.getByTestId(`count-${state}`).innerText(), n, state);
    }
    assert.deepEqual(await page.getByTestId('compare-spans').allInnerTexts(), ['7', '8']);
    assert.deepEqual(await page.getByTestId('compare-duration').allInnerTexts(), ['100ms', '120ms']);
    assert.equal(await page.getByTestId('compare-duration-delta').innerText(), '+20ms');
    await shot('compare');
  });

  test('counts and durations of each side, and B − A', async () => {
    const root = 'api: GET /orders';
    assert.deepEqual(
      [await cell(root, 'meanA'), await cell(root, 'meanB'), await cell(root, 'meanDelta'), await cell(root, 'countDelta')],
      ['100ms', '120ms', '+20ms (+20.0%)', '0'],
    );
    assert.equal(await cell('api: load order', 'meanDelta'), '+20ms (+40.0%)');
    const selects = 'db: SELECT orders';
    assert.deepEqual(
      [await cell(selects, 'countA'), await cell(selects, 'countB'), await cell(selects, 'countDelta'), await cell(selects, 'totalB'), await cell(selects, 'totalDelta'), await cell(selects, 'meanDelta')],
      ['1', '2', '+1', '40ms', '+20ms', '0µs (0.0%)'],
    );
    assert.deepEqual([await cell('cache: cache get', 'countA'), await cell('cache: cache get', 'countB'), await cell('cache: cache get', 'meanDelta')], ['1', '–', '–']);
    assert.deepEqual([await cell('audit: audit', 'countB'), await cell('audit: audit', 'meanB')], ['1', '10ms']);
  });

  test('paths collapse and expand', async () => {
    await page.locator('[data-testid=compare-row][data-path="api: load order"] [data-testid=compare-toggle]').click();
    assert.equal(await page.getByTestId('compare-row').count(), 5);
    await page.getByTestId('compare-collapse-all').click();
    assert.equal(await page.getByTestId('compare-row').count(), 1);
    await page.getByTestId('compare-expand-all').click();
    assert.equal(await page.getByTestId('compare-row').count(), 8);
  });

  test('swapping A and B swaps the sides', async () => {
    await page.getByTestId('compare-swap').click();
    await page.waitForURL(new RegExp(`/trace/${B}\\.\\.\\.${A}$`));
    await page.locator('[data-testid=compare-row][data-path="audit: audit"][data-state=onlyA]').waitFor();
    assert.equal(await page.locator('[data-testid=compare-row][data-path="cache: cache get"]').getAttribute('data-state'), 'onlyB');
    assert.equal(await cell('db: SELECT orders', 'countDelta'), '-1');
    await page.getByTestId('theme-toggle').click();
    await shot('compare-dark');
    await page.getByTestId('theme-toggle').click();
  });

  test('a trace that is not stored is named in the error', async () => {
    const missing = 'cd'.repeat(16);
    await page.goto(`${server.url}/trace/${A}...${missing}`);
    await page.getByTestId('compare-error').waitFor();
    assert.match(await page.getByTestId('compare-error').innerText(), new RegExp(`Trace B \\(${missing}\\) was not found`));
  });

  test('no script errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
