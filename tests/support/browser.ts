// Real Chromium for end-to-end tests: Debian's /usr/bin/chromium driven by playwright-core
// (browsers cannot be downloaded here, and .ci/run installs the Debian package when missing).
import { type Browser, chromium } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}
