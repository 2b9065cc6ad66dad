// Real Chromium for end-to-end tests: Debian's /usr/bin/chromium driven by playwright-core
// (browsers cannot be downloaded here, and .ci/run installs the Debian package when missing).
import { type Browser, type Page, chromium } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/**
 * A page in a new 1440×900 light-scheme context that pushes onto `errors` every uncaught script
 * error and every Content Security Policy violation (Chromium reports those only on the console).
 */
export async function newWatchedPage(browser: Browser, errors: string[]): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 }, colorScheme: 'light' });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) errors.push(m.text());
  });
  return page;
}
