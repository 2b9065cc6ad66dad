// `npm run bench:ui`: how the trace page copes with big traces, in real Chromium against a real
// server process on Postgres. Builds traces of about 1,000 (the baseline: on a busy machine frame
// times say as much about the machine as about the page), 10,000 and 50,000 spans
// from the trace generator's large batch-job traces, three hours old, sends them over OTLP/HTTP,
// then prints for each: the time to open the trace page (navigation to the first waterfall rows,
// median of a few opens, split into server, transfer, decode, model building and the rest), and
// frame times while scrolling the waterfall steadily, fast, and in jumps of a whole screen per
// frame. Then one compaction pass moves the traces into compressed per-trace blocks (their
// partitions are closed) and the open times are measured again. Prints figures; it fails only if
// it cannot measure.
//   --sizes 1000,10000,50000   --opens 3   --scroll-ms 3000
import { mkdirSync } from 'node:fs';
import { sendTraces } from '@tracegres/loadgen';
import { bigTrace, chunks } from './big-trace.ts';
import { launchChromium } from '../tests/support/browser.ts';
import { createServerDatabase } from '../tests/support/databases.ts';
import { ensureWebBuilt } from '../tests/e2e/web-build.ts';
import { parseArgs, num, startServer } from './bench-support.ts';
import { createPostgresDb } from '@tracegres/schema';
import { compactionContext } from '../apps/api/src/compaction/from-config.ts';
import { runCompaction } from '../apps/api/src/compaction/job.ts';
import { parseConfig } from '../apps/api/src/config.ts';
import type { Browser } from 'playwright-core';

const args = parseArgs(process.argv.slice(2));
const sizes = (args.sizes ?? '1000,10000,50000').split(',').map(Number);
const opens = num(args, 'opens', 3);
const scrollMs = num(args, 'scroll-ms', 3000);

const shots = new URL('../artifacts/screenshots/', import.meta.url).pathname;
mkdirSync(shots, { recursive: true });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const f1 = (x: number) => x.toFixed(1);

await ensureWebBuilt();
const db = await createServerDatabase('tg_bench_ui');
// In-process compaction is off: the trace page reads stored spans directly, and the rollup of one
// 50,000-span trace would compete with the browser for this machine's two cores.
const server = await startServer(db.url, { COMPACTION_INTERVAL: '0' });
const browser = await launchChromium();
const opened: { size: number; traceId: string }[] = [];

type Page = Awaited<ReturnType<Browser['newPage']>>;
interface Opens { openMs: number[]; serverMs: number[]; transferMs: number[]; decodeMs: number[]; buildMs: number[] }

/** Opens the trace page `opens` times; the time to the first waterfall rows and its parts. */
async function measureOpens(page: Page, traceId: string): Promise<Opens> {
  const o: Opens = { openMs: [], serverMs: [], transferMs: [], decodeMs: [], buildMs: [] };
  for (let i = 0; i < opens; i++) {
    await page.goto('about:blank');
    const t0 = Date.now();
    await page.goto(`${server.url}/trace/${traceId}`);
    await page.locator('[data-testid=span-row]').first().waitFor({ timeout: 60_000 });
    o.openMs.push(Date.now() - t0);
    const marks = await page.evaluate(() => Object.fromEntries(performance.getEntriesByType('mark').map((m) => [m.name, m.startTime])));
    const res = await page.evaluate(() => {
      const r = performance.getEntriesByType('resource').find((e) => e.name.includes('/api/v2/traces/')) as PerformanceResourceTiming;
      return { start: r.startTime, requestStart: r.requestStart, responseStart: r.responseStart, responseEnd: r.responseEnd };
    });
    o.serverMs.push(res.responseStart - res.requestStart);
    o.transferMs.push(marks['tracegres:trace-received'] - res.responseStart);
    o.decodeMs.push(marks['tracegres:trace-fetched'] - marks['tracegres:trace-received']);
    o.buildMs.push(marks['tracegres:trace-built'] - marks['tracegres:trace-fetched']);
  }
  return o;
}

function printOpens(o: Opens): void {
  const m = (xs: number[]) => median(xs);
  console.log(`  open: median ${m(o.openMs)} ms of ${o.openMs.join(', ')} (navigation to first waterfall rows)`);
  console.log(
    `    of which (medians): server answer ${f1(m(o.serverMs))} ms, transfer ${f1(m(o.transferMs))} ms, protobuf decode ${f1(m(o.decodeMs))} ms, ` +
      `building the model ${f1(m(o.buildMs))} ms; the rest (page load, first render) ${f1(m(o.openMs) - m(o.serverMs) - m(o.transferMs) - m(o.decodeMs) - m(o.buildMs))} ms`,
  );
}

try {
  console.log(`bench:ui — Chromium ${browser.version()}, server ${server.url} on Postgres`);
  for (const [k, size] of sizes.entries()) {
    const { td, traceId, spans } = bigTrace(size, 1000 + k, Date.now() - 3 * 3600_000);
    opened.push({ size, traceId });
    for (const part of chunks(td, 5000)) {
      const r = await sendTraces(part, { url: server.url, timeoutMs: 120_000 });
      if (!r.ok) throw new Error(`sending failed: ${r.status} ${r.error}`);
    }
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const o = await measureOpens(page, traceId);
    const rowsShown = await page.locator('[data-testid=span-row]').count();
    await page.screenshot({ path: `${shots}bench-${size}.png` });
    const title = await page.getByTestId('trace-spans').innerText();
    // Scrolls by `px` every animation frame for `scrollMs` (bouncing at the ends) and returns
    // the time between frames. Passed as text: tsx would wrap named functions in a helper the
    // page does not have.
    const scroll = (px: number) =>
      page.evaluate<number[]>(`new Promise((done) => {
        const el = document.querySelector('[data-testid=waterfall-scroller]');
        el.scrollTop = 0;
        const frames = [];
        let dir = 1;
        let last = performance.now();
        const end = last + ${scrollMs};
        const step = (now) => {
          frames.push(now - last);
          last = now;
          if (el.scrollTop + el.clientHeight >= el.scrollHeight - 1) dir = -1;
          else if (el.scrollTop <= 0) dir = 1;
          el.scrollTop += dir * ${px};
          if (now < end) requestAnimationFrame(step);
          else done(frames.slice(1));
        };
        requestAnimationFrame(step);
      })`);
    console.log(`\n${spans.toLocaleString()} spans (header says ${title}; ${rowsShown} rows in the DOM)`);
    printOpens(o);
    // Frame intervals also count time the machine gave to other processes; Chromium's own
    // main-thread counters say how much of each frame was this page's work.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const counters = async () => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      const m = Object.fromEntries(metrics.map((x) => [x.name, x.value]));
      return { task: m.TaskDuration * 1000, script: m.ScriptDuration * 1000, layout: (m.LayoutDuration + m.RecalcStyleDuration) * 1000 };
    };
    for (const [label, px] of [['steady scroll 40 px/frame', 40], ['fast scroll 300 px/frame', 300], ['jumps 1200 px/frame', 1200]] as const) {
      const before = await counters();
      const frames = await scroll(px);
      const after = await counters();
      const slow = frames.filter((f) => f > 1000 / 30).length;
      const per = (k: 'task' | 'script' | 'layout') => f1((after[k] - before[k]) / frames.length);
      console.log(
        `  ${label}: ${frames.length} frames, interval median ${f1(median(frames))} ms, p95 ${f1(pct(frames, 95))} ms, p99 ${f1(pct(frames, 99))} ms, max ${f1(Math.max(...frames))} ms, ${slow} over 33 ms;` +
          ` main-thread work per frame ${per('task')} ms (script ${per('script')}, style+layout ${per('layout')})`,
      );
    }
    await cdp.detach();
    // Interactions on the whole trace: time from the key press (or the find text) to the frame
    // that shows the result.
    const timed = (action: string) =>
      page.evaluate<number>(`new Promise((done) => {
        const t0 = performance.now();
        ${action};
        requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t0)));
      })`);
    const key = (k: string) => `window.dispatchEvent(new KeyboardEvent('keydown', { key: '${k}', bubbles: true }))`;
    const collapse = await timed(key(']'));
    const expand = await timed(key('['));
    await page.getByTestId('find-input').fill('redis');
    const t0 = Date.now();
    await page.getByTestId('find-count').waitFor({ timeout: 30_000 });
    const found = await page.getByTestId('find-count').innerText();
    console.log(`  collapse all ${f1(collapse)} ms, expand all ${f1(expand)} ms, find "redis" ${Date.now() - t0} ms incl. the typing pause of ${spans > 5000 ? 250 : 60} ms (${found})`);
    await page.close();
  }
  // The same traces once compaction moved them into per-trace blocks (migrations/0007).
  const owner = createPostgresDb(db.url, { max: 2 });
  try {
    const ctx = await compactionContext(parseConfig({ DATABASE_URL: db.url, COMPACTION_QUIET: '0s' }), owner, Date.now);
    const summary = await runCompaction(ctx);
    console.log(`\ncompaction: ${summary.partitionsCompacted.length} partition(s) moved into blocks in ${(summary.ms / 1000).toFixed(1)} s`);
  } finally {
    await owner.close();
  }
  for (const { size, traceId } of opened) {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    console.log(`\n${size.toLocaleString()}-span trace, compacted`);
    printOpens(await measureOpens(page, traceId));
    await page.close();
  }
} finally {
  await browser.close();
  await server.stop();
  await db.drop();
}
