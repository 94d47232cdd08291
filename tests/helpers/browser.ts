/**
 * A real browser for the end-to-end suites: playwright-core driving the system Chromium
 * (Debian's /usr/bin/chromium). Nothing is downloaded; when Chromium is missing the suites skip.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startServer, type TestServer } from './server';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM_PATH);

const SKIP_MESSAGE = 'Skipping browser tests: /usr/bin/chromium not found (apt-get install -y chromium)';

/**
 * Prints the skip message once per test run. Each test file runs in its own worker, so the
 * "already said it" mark is a file named after the run's main process (the workers' parent).
 */
export function warnIfNoChromium(): void {
  if (hasChromium) return;
  try {
    writeFileSync(join(tmpdir(), `rop-e2e-skip-warned-${process.ppid}`), '', { flag: 'wx' });
  } catch {
    return; // another suite of this run already printed it
  }
  console.warn(SKIP_MESSAGE);
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** A fresh context (own cookies) on the test server, with one page and generous timeouts. */
export async function openPage(browser: Browser, origin: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL: origin, locale: 'en-US' });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(20_000);
  const page = await context.newPage();
  return { context, page };
}

/** A server with demo content, a browser and one page on it: what every journey starts from. */
export interface Journey {
  server: TestServer;
  page: Page;
  close: () => Promise<void>;
}

export async function startJourney(env: Record<string, string> = { SEED_DEMO: '1' }): Promise<Journey> {
  const server = await startServer(env);
  const browser = await launchBrowser();
  const { context, page } = await openPage(browser, server.origin);
  return {
    server,
    page,
    close: async () => {
      await context.close();
      await browser.close();
      await server.stop();
    },
  };
}
