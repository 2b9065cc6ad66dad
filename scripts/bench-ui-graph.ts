// `npm run bench:ui` (second part): the service graph page with 500 generated services, in real
// Chromium against a real server process on Postgres. Writes one minute of service-graph and
// span-metric rollups for a layered topology (users -> 20 front services -> ... -> databases and
// brokers) straight into the rollup tables, then prints, for the whole graph and for the focus
// view the page opens on: the time to the data, to the first drawn frame and to a settled layout,
// and frame times while panning, wheel-zooming and dragging a node. Prints figures; fails only if
// it cannot measure.
//   --services 500   --move-ms 3000
//   --baseline-ui DIR   also measure another build of the web UI (DIR holds its embedded.js, e.g.
//                       apps/web/dist of an older revision), alternating with this one on the same
//                       server and data, and print both side by side ("before" and "after").
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SERVICE_GRAPH_BUCKETS_S, SPAN_METRICS_BUCKETS_S, createPostgresDb } from '@tracegres/schema';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../tests/support/browser.ts';
import { createServerDatabase } from '../tests/support/databases.ts';
import { ensureWebBuilt } from '../tests/e2e/web-build.ts';
import { num, parseArgs, startServer } from './bench-support.ts';

const args = parseArgs(process.argv.slice(2));
const services = num(args, 'services', 500);
const moveMs = num(args, 'move-ms', 3000);
const baselineUi = args['baseline-ui'];
const shots = new URL('../artifacts/screenshots/', import.meta.url).pathname;
mkdirSync(shots, { recursive: true });

/** A seeded generator, so every run draws the same graph. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

interface Edge {
  client: string;
  server: string;
  type: string;
  calls: number;
  failed: number;
  ms: number;
}

/** Layers of services, each calling 1-3 services of the next layers; leaves call databases or brokers. */
function topology(n: number): { edges: Edge[]; names: string[] } {
  const r = rng(42);
  const names = Array.from({ length: n }, (_, i) => `svc-${String(i).padStart(3, '0')}`);
  const layers = 6;
  const layerOf = (i: number) => Math.floor((i * layers) / n);
  const edges: Edge[] = [];
  const peers = Math.max(4, Math.round(n / 12));
  for (let i = 0; i < n; i++) {
    const calls = 50 + Math.floor(r() * 5000);
    if (layerOf(i) === 0) edges.push({ client: 'user', server: names[i], type: 'virtual_node', calls, failed: Math.floor(calls * r() * 0.02), ms: 20 + r() * 400 });
    const outs = layerOf(i) === layers - 1 ? 0 : 1 + Math.floor(r() * 3);
    for (let k = 0; k < outs; k++) {
      const lo = Math.ceil(((layerOf(i) + 1) * n) / layers);
      const j = lo + Math.floor(r() * (n - lo));
      if (j !== i) edges.push({ client: names[i], server: names[j], type: r() < 0.1 ? 'messaging_system' : '', calls, failed: Math.floor(calls * r() * 0.05), ms: 5 + r() * 200 });
    }
    if (r() < 0.3) {
      const p = Math.floor(r() * peers);
      edges.push({ client: names[i], server: p % 3 ? `db-${p}` : `kafka-${p}`, type: p % 3 ? 'database' : 'virtual_node', calls, failed: 0, ms: 1 + r() * 30 });
    }
  }
  return { edges, names };
}

const cols = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`).join(', ');
// Every value is sent as text and cast by the column's type on insert.
const params = (n: number) => Array.from({ length: n }, (_, i) => `$${i + 1}`).join(', ');

/** Cumulative bucket counts putting every call at `ms`. */
const cumulative = (bounds: readonly number[], ms: number, calls: number) => bounds.map((b) => (ms / 1000 <= b ? calls : 0));

async function load(url: string): Promise<{ nodes: number; edges: number }> {
  const db = createPostgresDb(url, { max: 2 });
  try {
    const [t] = await db.query<{ tenant_id: number }>(
      `insert into tenants (name) values ('single-tenant') on conflict (name) do update set name = excluded.name returning tenant_id`,
    );
    const minute = BigInt(Math.floor((Date.now() - 10 * 60_000) / 60_000) * 60_000) * 1_000_000n;
    const { edges, names } = topology(services);
    const sg = SERVICE_GRAPH_BUCKETS_S.length;
    const sm = SPAN_METRICS_BUCKETS_S.length;
    for (const e of edges) {
      const cle = cumulative(SERVICE_GRAPH_BUCKETS_S, e.ms * 1.1, e.calls);
      const sle = cumulative(SERVICE_GRAPH_BUCKETS_S, e.ms, e.calls);
      await db.query(
        `insert into service_graph_1m (tenant_id, minute_ns, client, server, connection_type, calls, failed, client_sum_ns, server_sum_ns,
           ${cols('cle', sg)}, ${cols('sle', sg)})
         values (${params(9 + 2 * sg)}) on conflict do nothing`,
        [t.tenant_id, minute.toString(), e.client, e.server, e.type, e.calls, e.failed, String(Math.round(e.calls * e.ms * 1.1e6)), String(Math.round(e.calls * e.ms * 1e6)), ...cle, ...sle],
      );
    }
    // Each service's served requests: the calls into it, as SERVER spans.
    const into = new Map<string, { calls: number; failed: number; sumMs: number }>();
    for (const e of edges) {
      if (e.type === 'database' || e.server.startsWith('kafka-')) continue;
      const a = into.get(e.server) ?? { calls: 0, failed: 0, sumMs: 0 };
      into.set(e.server, { calls: a.calls + e.calls, failed: a.failed + e.failed, sumMs: a.sumMs + e.calls * e.ms });
    }
    for (const name of names) {
      const a = into.get(name) ?? { calls: 1, failed: 0, sumMs: 10 };
      const avg = a.sumMs / a.calls;
      await db.query(
        `insert into span_metrics_1m (tenant_id, minute_ns, service, span_name, span_kind, status_code, calls, duration_sum_ns, ${cols('le', sm)})
         values (${params(8 + sm)}) on conflict do nothing`,
        [t.tenant_id, minute.toString(), name, 'handle', 2, 0, a.calls, String(Math.round(a.sumMs * 1e6)), ...cumulative(SPAN_METRICS_BUCKETS_S, avg, a.calls)],
      );
    }
    const nodes = new Set(edges.flatMap((e) => [e.client, e.server]).concat(names)).size;
    return { nodes, edges: edges.length };
  } finally {
    await db.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] ?? NaN;
const f1 = (x: number) => x.toFixed(1);

/** Intervals between animation frames while `act` runs. */
async function frames(page: Page, act: () => Promise<void>): Promise<number[]> {
  await page.evaluate(`(() => {
    window.__frames = [];
    let last = performance.now();
    const step = (now) => { window.__frames.push(now - last); last = now; if (window.__recording) requestAnimationFrame(step); };
    window.__recording = true;
    requestAnimationFrame(step);
  })()`);
  await act();
  return page.evaluate<number[]>(`(() => { window.__recording = false; return window.__frames.slice(1); })()`);
}

interface Frames {
  count: number;
  median: number;
  p95: number;
  max: number;
  slow: number;
}

function summarise(xs: number[]): Frames {
  return { count: xs.length, median: median(xs), p95: pct(xs, 95), max: Math.max(...xs), slow: xs.filter((f) => f > 1000 / 30).length };
}

function report(label: string, f: Frames): void {
  console.log(`  ${label}: ${f.count} frames, interval median ${f1(f.median)} ms, p95 ${f1(f.p95)} ms, max ${f1(f.max)} ms, ${f.slow} over 33 ms`);
}

interface Figures {
  fetched: number;
  firstDraw: number;
  settled: number;
  pan: Frames;
  zoom: Frames;
  drag: Frames;
}

// The graph's drawing area: `graph-viewport` now, `graph-svg` in builds before the layered view
// (so that --baseline-ui can measure them).
const drawingArea = (page: Page) => page.locator('[data-testid=graph-viewport], [data-testid=graph-svg]').first();

async function measure(page: Page, url: string, label: string): Promise<Figures> {
  await page.goto('about:blank');
  await page.goto(url);
  await page.waitForFunction(() => performance.getEntriesByName('tracegres:graph-laid-out').length > 0, undefined, { timeout: 600_000 });
  const marks = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime])));
  const shown = await page.getByTestId('graph-node').count();
  const summary = await page.getByTestId('graph-summary').innerText();
  console.log(`\n${label}: ${summary} (${shown} nodes drawn), URL ${page.url().replace(/^https?:\/\/[^/]+/, '')}`);
  const fig = { fetched: marks['tracegres:graph-fetched'], firstDraw: marks['tracegres:graph-first-draw'], settled: marks['tracegres:graph-laid-out'] };
  console.log(`  data received ${f1(fig.fetched)} ms, first drawn frame ${f1(fig.firstDraw)} ms, layout settled ${f1(fig.settled)} ms (from navigation start)`);
  await page.screenshot({ path: `${shots}bench-graph-${label.replace(/\W+/g, '-')}.png` });
  const box = (await drawingArea(page).boundingBox())!;
  const steps = Math.max(10, Math.round(moveMs / 16));
  const pan = summarise(
    await frames(page, async () => {
      await page.mouse.move(box.x + 10, box.y + 10);
      await page.mouse.down();
      for (let i = 1; i <= steps; i++) await page.mouse.move(box.x + 10 + 300 * Math.sin(i / 20), box.y + 10 + 200 * Math.sin(i / 31));
      await page.mouse.up();
    }),
  );
  report('panning', pan);
  await page.getByTestId('graph-fit').click();
  const zoom = summarise(
    await frames(page, async () => {
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      // In then back out, a notch at a time.
      for (let i = 0; i < Math.round(steps / 3); i++) await page.mouse.wheel(0, i % 40 < 20 ? -60 : 60);
    }),
  );
  report('zooming with the wheel', zoom);
  await page.getByTestId('graph-fit').click();
  const n = (await page.getByTestId('graph-node').nth(Math.floor(shown / 2)).boundingBox())!;
  const drag = summarise(
    await frames(page, async () => {
      await page.mouse.move(n.x + n.width / 2, n.y + 8);
      await page.mouse.down();
      for (let i = 1; i <= steps; i++) await page.mouse.move(n.x + n.width / 2 + 200 * Math.sin(i / 15), n.y + 8 + 120 * Math.sin(i / 23));
      await page.mouse.up();
    }),
  );
  report('dragging a node', drag);
  return { ...fig, pan, zoom, drag };
}

/** A browser context whose page and assets come from another build of the UI; the API is the server's. */
async function baselineContext(browser: Browser, dir: string): Promise<BrowserContext> {
  const mod = (await import(pathToFileURL(resolve(dir, 'embedded.js')).href)) as { default: { csp?: string; files: Record<string, { type: string; body: string }> } };
  const { files, csp } = mod.default;
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.route('**/*', async (route) => {
    const path = new URL(route.request().url()).pathname;
    const file = path.startsWith('/api/') ? undefined : (files[path] ?? files['/index.html']);
    if (!file) return route.continue();
    const headers: Record<string, string> = { 'content-type': file.type };
    if (file === files['/index.html'] && csp) headers['content-security-policy'] = csp;
    await route.fulfill({ status: 200, headers, body: Buffer.from(file.body, 'base64') });
  });
  return context;
}

/** The two builds' figures side by side, with how many times faster (>1) or slower (<1) this build is. */
function compare(label: string, before: Figures, after: Figures): void {
  const row = (name: string, b: number, a: number) => console.log(`  ${name.padEnd(30)} ${f1(b).padStart(9)} ${f1(a).padStart(9)} ${`${(b / a).toFixed(2)}x`.padStart(8)}`);
  console.log(`\n${label}: before (--baseline-ui) / after (this build), ms`);
  console.log(`  ${''.padEnd(30)} ${'before'.padStart(9)} ${'after'.padStart(9)} ${'speed-up'.padStart(8)}`);
  row('first drawn frame', before.firstDraw, after.firstDraw);
  row('layout settled', before.settled, after.settled);
  for (const [name, k] of [['panning', 'pan'], ['zooming', 'zoom'], ['dragging a node', 'drag']] as const) {
    row(`${name}: median frame`, before[k].median, after[k].median);
    row(`${name}: p95 frame`, before[k].p95, after[k].p95);
  }
}

await ensureWebBuilt();
const database = await createServerDatabase('tg_bench_graph');
const server = await startServer(database.url, { COMPACTION_INTERVAL: '0' });
const browser = await launchChromium();
try {
  const loaded = await load(database.url);
  console.log(`bench:ui graph — Chromium ${browser.version()}, ${services} generated services: ${loaded.nodes} nodes and ${loaded.edges} edges in the rollups`);
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const views = [
    { url: `${server.url}/dependencies?all=1`, label: 'whole graph' },
    { url: `${server.url}/dependencies`, label: 'default view (focus mode above 150 nodes)' },
  ];
  const old = baselineUi ? await (await baselineContext(browser, baselineUi)).newPage() : undefined;
  const results: [string, Figures | undefined, Figures][] = [];
  for (const v of views) {
    // Before, then after, back to back: the machine's load changes less in between.
    const before = old ? await measure(old, v.url, `${v.label} — before (--baseline-ui)`) : undefined;
    results.push([v.label, before, await measure(page, v.url, old ? `${v.label} — after (this build)` : v.label)]);
  }
  for (const [label, before, after] of results) if (before) compare(label, before, after);
  const t0 = Date.now();
  await page.getByTestId('graph-search').fill('svc-25');
  console.log(`\n  search "svc-25": ${await page.getByTestId('graph-search-count').innerText()} in ${Date.now() - t0} ms`);
} finally {
  await browser.close();
  await server.stop();
  await database.drop();
}
