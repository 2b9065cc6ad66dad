// The web UI end to end: real Chromium against the real app on a test database, with traces sent
// by the OpenTelemetry SDK. Each step saves a screenshot to artifacts/screenshots/ for review.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import type { TestServer } from '../support/app.ts';
import { type SentTraces, XSS, sendTestTraces } from './fixtures.ts';
import { useBrowserApp } from './harness.ts';

describe('web UI', { timeout: 180_000 }, () => {
  let server: TestServer;
  let page: Page;
  let ids: SentTraces;
  const app = useBrowserApp({
    seed: async (s) => {
      ids = await sendTestTraces(s.url);
      await s.deps.tags.flush(s.database.db);
    },
  });
  const { pageErrors, shot } = app;
  before(() => {
    ({ server, page } = app);
  });

  const rowCount = () => page.locator('[data-testid=span-row]').count();
  const searchUrl = (q: string) => `${server.url}/search?q=${encodeURIComponent(q)}&lookback=1h`;

  test('serves the app with content types and a fallback for client routes', async () => {
    const index = await fetch(`${server.url}/trace/abc?span=1`);
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(index.headers.get('content-security-policy') ?? '', /script-src 'self' 'sha256-/);
    const html = await index.text();
    const js = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(js, 'index.html references a script');
    const script = await fetch(`${server.url}${js}`, { headers: { 'accept-encoding': 'gzip' } });
    assert.equal(script.status, 200);
    assert.match(script.headers.get('content-type') ?? '', /^text\/javascript/);
    assert.match(script.headers.get('cache-control') ?? '', /immutable/);
    assert.equal((await fetch(`${server.url}/assets/nope.js`)).status, 404);
    assert.equal((await fetch(`${server.url}/api/nope`)).status, 404, 'API paths do not fall back to the app');
  });

  test('search by TraceQL shows matching traces in a plot and a table', async () => {
    await page.goto(`${server.url}/search`);
    await page.getByTestId('search-idle').waitFor();
    const editor = page.getByTestId('traceql-input');
    await editor.fill('{ resource.service.name = "catalog" }');
    await page.getByTestId('run-query').click();
    await page.getByTestId('results-table').waitFor();
    assert.equal(await page.getByTestId('result-row').count(), 2);
    assert.equal(await page.getByTestId('scatter-dot').count(), 2);
    assert.match(page.url(), /q=%7B\+resource\.service\.name/);
    await shot('search-traceql');
  });

  test('a parse error is marked at its line and column', async () => {
    const editor = page.getByTestId('traceql-input');
    await editor.fill('{ resource.service.name =\n  && }');
    const err = page.getByTestId('traceql-error');
    await err.waitFor();
    assert.match(await err.innerText(), /parse error at line 2, col 3/);
    assert.equal(await page.locator('.tq-error').innerText(), '&&');
    await shot('search-parse-error');
  });

  test('autocomplete offers scopes, attribute names and values', async () => {
    const editor = page.getByTestId('traceql-input');
    await editor.fill('');
    await editor.pressSequentially('{ resource.serv');
    const list = page.getByTestId('traceql-suggestions');
    await list.getByText('service.name', { exact: true }).waitFor();
    await editor.press('Enter');
    await editor.pressSequentially(' = ');
    await list.getByText('checkout', { exact: true }).waitFor();
    await shot('search-autocomplete');
    await list.getByText('checkout', { exact: true }).click();
    assert.equal(await editor.inputValue(), '{ resource.service.name = "checkout" ');
  });

  test('search by the form writes TraceQL into the editor', async () => {
    await page.getByTestId('form-service').selectOption('frontend');
    // The span names offered are those of the chosen service.
    const names = () => page.locator('#span-names option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    await page.waitForFunction(() => [...document.querySelectorAll('#span-names option')].some((o) => (o as HTMLOptionElement).value === 'GET /checkout'));
    assert.ok(!(await names()).includes('SELECT products'), 'names of other services are not offered');
    await page.getByTestId('form-tags').fill('http.response.status_code=500');
    await page.getByTestId('form-submit').click();
    await page.getByTestId('results-table').waitFor();
    assert.equal(
      await page.getByTestId('traceql-input').inputValue(),
      '{ resource.service.name = "frontend" && .http.response.status_code = 500 }',
    );
    await page.locator(`[data-testid=result-row][data-trace-id="${ids.checkout}"]`).waitFor();
    assert.equal(await page.getByTestId('result-row').count(), 1);
    await shot('search-form');
    // Trace duration bounds: only the 1.2 s trace lasts 1 s or more.
    await page.getByTestId('form-service').selectOption('');
    await page.getByTestId('form-tags').fill('');
    await page.getByTestId('form-min-duration').fill('1s');
    await page.getByTestId('form-submit').click();
    await page.locator(`[data-testid=result-row][data-trace-id="${ids.slow}"]`).waitFor();
    assert.equal(await page.getByTestId('traceql-input').inputValue(), '{ traceDuration >= 1s }');
    assert.equal(await page.getByTestId('result-row').count(), 1);
    await page.getByTestId('form-min-duration').fill('');
  });

  test('results sort like Jaeger', async () => {
    await page.goto(searchUrl('{}'));
    await page.getByTestId('results-table').waitFor();
    const order = () => page.getByTestId('result-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-trace-id')));
    assert.equal((await order())[0], ids.xss, 'most recent first');
    await page.getByTestId('sort-select').selectOption('longest');
    assert.equal((await order())[0], ids.slow, 'longest first');
    await page.getByTestId('sort-select').selectOption('mostSpans');
    assert.equal((await order())[0], ids.checkout, 'most spans first');
    await page.getByTestId('sort-select').selectOption('oldest');
    assert.equal((await order())[0], ids.slow, 'oldest first');
    assert.match(page.url(), /sort=oldest/);
    // Pick two to compare: the button leads to the compare page (tests/e2e/compare.test.ts has its figures).
    const checks = page.getByTestId('compare-check');
    await checks.nth(0).check();
    await checks.nth(1).check();
    await shot('search-results');
    await page.getByTestId('compare-button').click();
    await page.getByTestId('compare-tree').waitFor();
    assert.equal(await page.getByTestId('compare-side-a').getByTestId('compare-title').innerText(), 'catalog: GET /products');
    await shot('compare-from-search');
    await page.goBack();
    await page.getByTestId('results-table').waitFor();
  });

  test('dragging across the scatter plot narrows the time range', async () => {
    await page.goto(searchUrl('{}'));
    await page.getByTestId('results-table').waitFor();
    assert.equal(await page.getByTestId('result-row').count(), 5);
    // Brush from just left of the slow trace's dot to between it and the quick one.
    const dots = page.getByTestId('scatter-dot');
    const slow = (await page.locator(`[data-testid=scatter-dot][data-trace-id="${ids.slow}"]`).boundingBox())!;
    const quick = (await page.locator(`[data-testid=scatter-dot][data-trace-id="${ids.quick}"]`).boundingBox())!;
    const plot = (await page.getByTestId('scatter-brush').boundingBox())!;
    const y = plot.y + plot.height - 4;
    await page.mouse.move(slow.x - 6, y);
    await page.mouse.down();
    await page.mouse.move((slow.x + quick.x) / 2, y, { steps: 5 });
    await page.mouse.up();
    await page.waitForURL(/lookback=custom/);
    await page.locator(`[data-testid=result-row][data-trace-id="${ids.slow}"]`).waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=result-row]').length === 1);
    assert.equal(await dots.count(), 1);
    assert.equal(await page.getByTestId('form-lookback').inputValue(), 'custom');
    await page.goBack();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=result-row]').length === 5);
    await page.locator(`[data-testid=result-row][data-trace-id="${ids.checkout}"]`).waitFor();
  });

  test('clicking a result opens the trace page', async () => {
    await page.locator(`[data-testid=result-row][data-trace-id="${ids.checkout}"] [data-testid=result-link]`).click();
    await page.getByTestId('trace-header').waitFor();
    assert.equal(new URL(page.url()).pathname, `/trace/${ids.checkout}`);
    assert.equal(await page.getByTestId('trace-title').innerText(), 'frontend: GET /checkout');
    assert.equal(await page.getByTestId('trace-spans').innerText(), '7');
    assert.equal(await page.getByTestId('trace-services').innerText(), '3');
    assert.equal(await page.getByTestId('trace-depth').innerText(), '4');
    assert.equal(await page.getByTestId('trace-errors').innerText(), '2');
    assert.equal(await rowCount(), 7);
    await shot('trace');
  });

  test('collapse and expand', async () => {
    await page.locator(`[data-span-id="${ids.checkoutSpans.root}"] [data-testid=span-toggle]`).click();
    assert.equal(await rowCount(), 1);
    await page.locator(`[data-span-id="${ids.checkoutSpans.root}"] [data-testid=span-toggle]`).click();
    assert.equal(await rowCount(), 7);
    await page.getByTestId('collapse-one').click();
    assert.equal(await rowCount(), 6, 'the deepest open parent (reserve stock) folds');
    await page.getByTestId('collapse-all').click();
    assert.equal(await rowCount(), 1);
    await page.getByTestId('expand-one').click();
    assert.equal(await rowCount(), 3);
    await shot('trace-collapsed');
    await page.getByTestId('expand-all').click();
    assert.equal(await rowCount(), 7);
  });

  test('find in trace counts matches and steps through them', async () => {
    await page.getByTestId('find-input').fill('checkout');
    await page.getByTestId('find-count').filter({ hasText: '4 matches' }).waitFor();
    await page.getByTestId('find-input').press('Enter');
    assert.equal(await page.getByTestId('find-count').innerText(), '1 of 4');
    await page.getByTestId('find-next').click();
    assert.equal(await page.getByTestId('find-count').innerText(), '2 of 4');
    await page.getByTestId('find-prev').click();
    await page.getByTestId('find-prev').click();
    assert.equal(await page.getByTestId('find-count').innerText(), '4 of 4');
    assert.match(page.url(), /uiFind=checkout/);
    await page.getByTestId('find-input').fill('acme-pay');
    await page.getByTestId('find-count').filter({ hasText: '1 match' }).waitFor();
    await shot('trace-find');
    await page.getByTestId('find-input').press('Escape');
    assert.equal(await page.locator('[data-testid=span-row].match').count(), 0);
  });

  test('span detail shows attributes, resource, events and status', async () => {
    await page.locator(`[data-span-id="${ids.checkoutSpans.charge}"]`).click();
    const detail = page.getByTestId('span-detail');
    await detail.waitFor();
    assert.equal(await page.getByTestId('span-detail-name').innerText(), 'charge card');
    assert.match(await page.getByTestId('span-attributes').innerText(), /payment\.provider\s+acme-pay/);
    assert.match(await page.getByTestId('span-resource').innerText(), /service\.name\s+checkout/);
    const events = await page.getByTestId('span-events').innerText();
    assert.match(events, /150ms\s+retry/, 'event time is relative to the trace start');
    assert.match(events, /290ms\s+exception/);
    assert.match(await page.getByTestId('span-status').innerText(), /error: card declined/);
    assert.match(page.url(), new RegExp(`span=${ids.checkoutSpans.charge}`));
    await shot('trace-span-detail');
  });

  test('a link in the span detail navigates to the linked span', async () => {
    await page.getByTestId('span-link').first().click();
    await page.getByTestId('span-detail-name').filter({ hasText: 'reserve stock' }).waitFor();
    assert.match(page.url(), new RegExp(`span=${ids.checkoutSpans.reserve}`));
    // A link into another trace opens that trace at the linked span.
    await page.locator(`[data-span-id="${ids.checkoutSpans.audit}"]`).click();
    await page.getByTestId('span-link').first().click();
    await page.getByTestId('trace-title').filter({ hasText: 'catalog: GET /products' }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/trace/${ids.slow}`);
    await page.getByTestId('span-detail-name').filter({ hasText: 'GET /products' }).waitFor();
    await page.goBack();
    await page.getByTestId('trace-title').filter({ hasText: 'frontend: GET /checkout' }).waitFor();
  });

  test('keyboard shortcuts', async () => {
    await page.goto(`${server.url}/trace/${ids.checkout}`);
    await page.getByTestId('waterfall').waitFor();
    await page.keyboard.press(']');
    assert.equal(await rowCount(), 1, '] collapses all');
    await page.keyboard.press('[');
    assert.equal(await rowCount(), 7, '[ expands all');
    await page.keyboard.press('p');
    assert.equal(await rowCount(), 6, 'p collapses one level');
    await page.keyboard.press('o');
    assert.equal(await rowCount(), 7, 'o expands one level');
    await page.keyboard.press('f');
    assert.equal(await page.getByTestId('span-detail-name').innerText(), 'GET /checkout', 'f selects the first span');
    await page.keyboard.press('f');
    assert.equal(await page.getByTestId('span-detail-name').innerText(), 'place order');
    await page.keyboard.press('b');
    assert.equal(await page.getByTestId('span-detail-name').innerText(), 'GET /checkout');
    await page.keyboard.press('ArrowUp');
    await page.getByTestId('reset-zoom').waitFor();
    await page.keyboard.press('d');
    await shot('trace-zoomed');
    await page.getByTestId('reset-zoom').click();
    await page.keyboard.press('Control+b');
    assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-testid')), 'find-input');
    await page.keyboard.press('Escape');
    await page.keyboard.press('?');
    await page.getByTestId('shortcuts-help').waitFor();
    await shot('trace-shortcuts');
    await page.keyboard.press('Escape');
    assert.equal(await page.getByTestId('shortcuts-help').count(), 0);
  });

  test('drag on the minimap zooms the timeline', async () => {
    const box = (await page.getByTestId('minimap-area').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.25, box.y + 10);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.6, box.y + 10, { steps: 4 });
    await page.mouse.up();
    await page.getByTestId('reset-zoom').waitFor();
    await page.getByTestId('reset-zoom').click();
  });

  test('missing parents and clock skew are shown, not hidden', async () => {
    await page.goto(`${server.url}/trace/${ids.messy}`);
    await page.getByTestId('trace-incomplete').waitFor();
    assert.match(await page.getByTestId('trace-incomplete').innerText(), /1 span refers to a parent that is not in the trace/);
    assert.equal(await rowCount(), 3);
    await page.locator(`[data-span-id="${ids.messySpans.orphan}"]`).click();
    assert.match(await page.getByTestId('span-warnings').innerText(), /parent span \(feedfacecafebeef\) is not in this trace/);
    await page.locator(`[data-span-id="${ids.messySpans.skewed}"]`).click();
    assert.match(await page.getByTestId('span-warnings').innerText(), /runs 5ms outside its parent's time range/);
    await shot('trace-incomplete');
    await page.goto(`${server.url}/trace/${ids.checkout}`);
    await page.getByTestId('waterfall').waitFor();
  });

  test('JSON view and download', async () => {
    await page.getByTestId('tab-json').click();
    await page.getByTestId('json-view').locator('pre').waitFor();
    assert.match(await page.getByTestId('json-view').locator('pre').innerText(), /"resourceSpans"/);
    assert.match(page.url(), /view=json/);
    await shot('trace-json');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-json').click()]);
    assert.equal(download.suggestedFilename(), `trace-${ids.checkout}.json`);
    await page.getByTestId('tab-timeline').click();
  });

  test('the theme toggles and is remembered', async () => {
    const themeOf = () => page.evaluate(() => document.documentElement.dataset.theme);
    assert.equal(await themeOf(), 'light');
    await page.getByTestId('theme-toggle').click();
    assert.equal(await themeOf(), 'dark');
    await page.locator(`[data-span-id="${ids.checkoutSpans.charge}"]`).click();
    await shot('trace-dark');
    await page.reload();
    await page.getByTestId('waterfall').waitFor();
    assert.equal(await themeOf(), 'dark');
    await page.goto(searchUrl('{}'));
    await page.getByTestId('results-table').waitFor();
    await shot('search-dark');
    await page.getByTestId('theme-toggle').click();
    assert.equal(await themeOf(), 'light');
  });

  test('loading, empty and error states', async () => {
    await page.goto(`${server.url}/trace/${'ab'.repeat(16)}`);
    await page.getByTestId('trace-empty').waitFor();
    await shot('trace-not-found');
    await page.goto(searchUrl('{ resource.service.name = "no-such-service" }'));
    await page.getByTestId('search-empty').waitFor();
    await page.goto(`${server.url}/search?q=${encodeURIComponent('{ .a = }')}`);
    await page.getByTestId('search-error').waitFor();
    assert.match(await page.getByTestId('search-error').innerText(), /parse error/);
    await page.getByTestId('trace-id-input').fill(ids.quick);
    await page.getByTestId('trace-id-input').press('Enter');
    await page.getByTestId('trace-title').filter({ hasText: 'catalog: GET /products' }).waitFor();
    await page.goto(`${server.url}/no/such/page`).catch(() => {});
  });

  test('markup in span data shows as text and runs nothing', async () => {
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(searchUrl('{}'));
    await page.locator(`[data-testid=result-row][data-trace-id="${ids.xss}"]`).waitFor();
    assert.match(await page.locator(`[data-testid=result-row][data-trace-id="${ids.xss}"]`).innerText(), /<img src=x onerror=alert\(1\)>/);
    await page.locator(`[data-testid=result-row][data-trace-id="${ids.xss}"] [data-testid=result-link]`).click();
    await page.getByTestId('waterfall').waitFor();
    assert.equal(await page.getByTestId('span-name').first().innerText(), XSS);
    await page.getByTestId('span-row').first().click();
    assert.equal(await page.getByTestId('span-detail-name').innerText(), XSS);
    assert.match(await page.getByTestId('span-attributes').innerText(), /user\.input\s+<img src=x onerror=alert\(1\)>/);
    assert.match(await page.getByTestId('span-events').innerText(), /<img src=x onerror=alert\(1\)>/);
    await page.getByTestId('find-input').fill(XSS);
    await page.getByTestId('find-count').filter({ hasText: '1 match' }).waitFor();
    await page.getByTestId('tab-json').click();
    await page.getByTestId('json-view').locator('pre').waitFor();
    await page.getByTestId('tab-timeline').click();
    await page.getByTestId('waterfall').waitFor();
    await shot('trace-xss');
    assert.equal(await page.locator('img').count(), 0, 'no element was made from span data');
    await page.waitForTimeout(300);
    assert.deepEqual(dialogs, [], 'no script ran');
  });

  test('no script errors on any page', () => {
    assert.deepEqual(pageErrors, []);
  });
});
