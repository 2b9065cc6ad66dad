// The setup the web UI's browser tests share: the built UI served by a test server on the default
// driver (Postgres when configured, else PGlite), the test's data sent once the server is up, then
// one Chromium page whose script errors and CSP violations are collected. Screenshots go to
// artifacts/screenshots/ for review.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before } from 'node:test';
import { type TracesData, encodeOtlpJson } from '@tracegres/otlp';
import type { Browser, Page } from 'playwright-core';
import { type TestServer, startTestServer } from '../support/app.ts';
import { launchChromium, newWatchedPage } from '../support/browser.ts';
import { drivers } from '../support/databases.ts';
import { ensureWebBuilt } from './web-build.ts';

export const shotsDir = new URL('../../artifacts/screenshots/', import.meta.url).pathname;

export interface BrowserAppOptions {
  /** Server settings on top of the test defaults. */
  env?: Record<string, string>;
  /** Sends the test's data: runs once the server is up, before the browser starts. */
  seed?: (server: TestServer) => Promise<void>;
  /** Screenshots of the whole page instead of the viewport. */
  fullPageShots?: boolean;
}

export interface BrowserApp {
  /** `server`, `browser` and `page` are set by the `before` hook, so read them inside tests and hooks. */
  server: TestServer;
  browser: Browser;
  page: Page;
  /** Uncaught script errors and Content Security Policy violations seen by the page. */
  readonly pageErrors: string[];
  /** Saves a screenshot of the page as artifacts/screenshots/<name>.png. */
  shot(name: string): Promise<Buffer>;
}

/**
 * Registers, in the calling `describe`, a `before` hook that starts the app and the browser and
 * an `after` hook that closes them. Hooks the caller registers later run after these.
 */
export function useBrowserApp(options: BrowserAppOptions = {}): BrowserApp {
  const app = {
    pageErrors: [] as string[],
    shot: (name: string) => app.page.screenshot({ path: `${shotsDir}${name}.png`, fullPage: options.fullPageShots ?? false }),
  } as BrowserApp;
  before(async () => {
    mkdirSync(shotsDir, { recursive: true });
    await ensureWebBuilt();
    app.server = await startTestServer(drivers.includes('postgres') ? 'postgres' : 'pglite', options.env);
    await options.seed?.(app.server);
    app.browser = await launchChromium();
    app.page = await newWatchedPage(app.browser, app.pageErrors);
  });
  after(async () => {
    await app.browser?.close();
    await app.server?.close();
  });
  return app;
}

/** Sends traces to the server as OTLP JSON over HTTP and checks that it accepted them. */
export async function postOtlpJson(server: TestServer, traces: TracesData): Promise<void> {
  const res = await fetch(`${server.url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: encodeOtlpJson(traces),
  });
  assert.equal(res.status, 200, await res.text());
}
