import { existsSync } from 'node:fs';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';

/**
 * Debian's Chromium, which `.ci/run` installs when missing (no browser download at install time); CHROMIUM_PATH
 * overrides it.
 */
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless Chromium through playwright-core (`--no-sandbox`: CI runs as root, where Chromium's sandbox cannot start).
 * @throws Error naming the missing browser when CHROMIUM_PATH does not exist.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: apt-get install chromium (or set CHROMIUM_PATH)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox'] });
}

/**
 * Waits until `locator`'s visible text matches `pattern` (polling every 250 ms), and returns that text: the
 * assertions read what the page shows. Generous by default for a loaded 2-core machine.
 * @throws Error with the last text seen when it does not match within `timeoutMs`.
 */
export async function waitForText(locator: Locator, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    last =
      (await locator.count()) > 0
        ? await locator
            .first()
            .innerText({ timeout: 5_000 })
            .catch(() => '')
        : '';
    if (pattern.test(last)) return last;
    if (Date.now() > deadline) {
      throw new Error(`waited ${timeoutMs} ms for ${pattern} in ${locator}; last text: ${JSON.stringify(last)}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Collects what breaks a page without failing a click: uncaught errors and what its Content-Security-Policy
 * blocked (Chromium reports a violation as a console error). Assert the array is empty at the end of a test.
 */
export function pageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) problems.push(message.text());
  });
  return problems;
}
