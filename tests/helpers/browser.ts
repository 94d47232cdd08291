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

/** Chromium as the suites use it; `extraArgs` e.g. `--host-resolver-rules=MAP stories.test 127.0.0.1`. */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
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
      ...extraArgs,
    ],
  });
}

/** Screen widths the journeys are walked at. */
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 390, height: 844 };

export interface PageOptions {
  viewport?: { width: number; height: number };
  /** false: a visitor with JavaScript off (every form must still work). */
  javaScriptEnabled?: boolean;
  colorScheme?: 'light' | 'dark';
}

/** A fresh context (own cookies) on the test server, with one page and generous timeouts. */
export async function openPage(browser: Browser, origin: string, options: PageOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    baseURL: origin,
    locale: 'en-US',
    viewport: options.viewport ?? DESKTOP,
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    colorScheme: options.colorScheme ?? 'light',
    // A phone width is a phone: touch and the mobile viewport meta tag apply.
    isMobile: (options.viewport ?? DESKTOP).width < 600,
    hasTouch: (options.viewport ?? DESKTOP).width < 600,
  });
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(20_000);
  const page = await context.newPage();
  return { context, page };
}

/**
 * How many pixels the page is wider than the screen it was opened at (0 or less when nothing
 * sticks out sideways). Compared with the configured width, since a phone may zoom out to fit.
 */
export async function sidewaysOverflow(page: Page): Promise<number> {
  const width = page.viewportSize()?.width ?? 0;
  return (await page.evaluate(() => document.documentElement.scrollWidth)) - width;
}

export interface StoryDraft {
  title: string;
  body: string;
  lessons: string;
  /** Failure type names as the checkboxes say them. */
  tags: string[];
}

/** Fills the story form (on /new or a manage page) the way a person types it. */
export async function fillStoryForm(page: Page, draft: Partial<StoryDraft>): Promise<void> {
  if (draft.title !== undefined) await page.getByLabel('Title', { exact: true }).fill(draft.title);
  for (const tag of draft.tags ?? []) await page.getByRole('checkbox', { name: tag, exact: true }).check();
  if (draft.body !== undefined) await page.getByLabel('Your story').fill(draft.body);
  if (draft.lessons !== undefined) await page.getByLabel('What you learned').fill(draft.lessons);
}

/** Clicks a button that submits a form and waits until the page it leads to has loaded. */
export async function submitAndWait(page: Page, button: ReturnType<Page['getByRole']>): Promise<void> {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), button.click()]);
}

/** Writes a story on /new and publishes it; returns the story's path (the page shows the manage link). */
export async function publishStory(page: Page, draft: StoryDraft): Promise<string> {
  await page.goto('/new');
  await fillStoryForm(page, draft);
  await submitAndWait(page, page.getByRole('button', { name: 'Publish anonymously' }).last());
  const path = new URL(page.url()).pathname;
  if (!/^\/stories\/\d+-/.test(path)) throw new Error(`Publishing did not lead to a story but to ${page.url()}`);
  return path;
}

/** Creates an account on /register; the browser is then logged in. */
export async function registerAccount(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/register');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await submitAndWait(page, page.getByRole('button', { name: 'Create account' }));
}

/** A server with demo content, a browser and one page on it: what every journey starts from. */
export interface Journey {
  server: TestServer;
  /** The browser, for more visitors (contexts) on the same server. */
  browser: Browser;
  page: Page;
  close: () => Promise<void>;
}

export async function startJourney(env: Record<string, string> = { SEED_DEMO: '1' }, options: PageOptions = {}): Promise<Journey> {
  const server = await startServer(env);
  const browser = await launchBrowser();
  const { context, page } = await openPage(browser, server.origin, options);
  return {
    server,
    browser,
    page,
    close: async () => {
      await context.close();
      await browser.close();
      await server.stop();
    },
  };
}
