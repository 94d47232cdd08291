/**
 * axe-core on every page type, light and dark, desktop and phone (issue 13): no serious or
 * critical violation. axe's source is injected into each page; the context bypasses our CSP
 * (script-src 'self') for that injection only, the site itself is unchanged.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser as PlaywrightBrowser, BrowserContext } from 'playwright-core';
import { hasChromium, launchBrowser, warnIfNoChromium } from '../helpers/browser';
import { startServer, Browser, manageLinkIn, type TestServer } from '../helpers/server';

warnIfNoChromium();

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

describe.skipIf(!hasChromium)('accessibility (axe-core)', () => {
  let server: TestServer;
  let browser: PlaywrightBrowser;
  const pages: Record<string, string> = {
    home: '/',
    tags: '/tags',
    tag: '/tags/database',
    lessons: '/lessons',
    'lessons of a type': '/lessons/database',
    search: '/search?q=database',
    'search with nothing found': '/search?q=zzzqqqxxx',
    about: '/about',
    login: '/login',
    register: '/register',
    'moderation log': '/mod/log',
    'not found': '/no-such-page',
  };

  beforeAll(async () => {
    server = await startServer({ SEED_DEMO: '1' });
    browser = await launchBrowser();
    const author = new Browser(server.origin);
    const published = await author.post('/new', {
      title: 'The index I dropped on the primary',
      body: '## What happened\n\nI dropped an index on the primary instead of staging, and checkout slowed to a crawl for an hour.\n\n## What I learned\n\nCheck the host first.',
      tags: ['database'],
      lessons: 'Check the host before you type DROP',
      intent: 'publish',
    });
    pages.story = published.headers.get('location')!;
    pages.manage = manageLinkIn(await (await author.get(pages.story)).text());
    pages['new story'] = '/new';
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function violations(context: BrowserContext, path: string, before?: (page: import('playwright-core').Page) => Promise<void>): Promise<string[]> {
    const page = await context.newPage();
    await page.goto(path);
    if (before) await before(page);
    await page.addScriptTag({ content: AXE_SOURCE });
    const found = (await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (c: Document, o: object) => Promise<{ violations: Violation[] }> } }).axe;
      return (await axe.run(document, { resultTypes: ['violations'] })).violations;
    })) as Violation[];
    await page.close();
    return found
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${path}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
  }

  const looks = [
    { name: 'desktop, light', viewport: { width: 1280, height: 900 }, colorScheme: 'light' as const },
    { name: 'desktop, dark', viewport: { width: 1280, height: 900 }, colorScheme: 'dark' as const },
    { name: 'phone, light', viewport: { width: 390, height: 844 }, colorScheme: 'light' as const },
    { name: 'phone, dark', viewport: { width: 390, height: 844 }, colorScheme: 'dark' as const },
  ];

  it('would notice a serious violation (an image without alt text)', { timeout: 60_000 }, async () => {
    const context = await browser.newContext({ baseURL: server.origin, bypassCSP: true });
    const problems = await violations(context, '/about', async (page) => {
      await page.evaluate(() => document.querySelector('main')!.append(Object.assign(document.createElement('img'), { src: '/icon-192.png' })));
    });
    await context.close();
    expect(problems.some((p) => p.includes('image-alt'))).toBe(true);
  });

  it('draws chart labels on a phone at a readable size (about 14 px, not 6)', { timeout: 60_000 }, async () => {
    const context = await browser.newContext({ baseURL: server.origin, viewport: { width: 390, height: 844 }, isMobile: true });
    const page = await context.newPage();
    await page.goto('/tags');
    const heights = await page.evaluate(() =>
      [...document.querySelectorAll('.bar-chart svg text')].map((t) => t.getBoundingClientRect().height).filter((h) => h > 0),
    );
    await context.close();
    expect(heights.length).toBeGreaterThan(5);
    expect(Math.min(...heights)).toBeGreaterThanOrEqual(11);
  });

  for (const look of looks) {
    it(`has no serious or critical violation on any page type (${look.name})`, { timeout: 240_000 }, async () => {
      const context = await browser.newContext({ baseURL: server.origin, bypassCSP: true, viewport: look.viewport, colorScheme: look.colorScheme, isMobile: look.viewport.width < 500 });
      context.setDefaultTimeout(20_000);
      const problems: string[] = [];
      for (const path of Object.values(pages)) problems.push(...(await violations(context, path)));
      // The preview with findings, paste help and similar stories, as a writer sees it.
      problems.push(
        ...(await violations(context, '/new', async (page) => {
          await page.getByLabel('Title', { exact: true }).fill('My lead Priya Raman and the index on the primary');
          await page.getByRole('checkbox', { name: 'Database', exact: true }).check();
          await page.getByLabel('Your story').fill('Posted on 3 March\n\n## What happened\n\nI dropped an index on the primary at db-prod-01 and pinged #db-help.\n• one\n• two');
          await page.getByLabel('What you learned').fill('Check the host first');
          await page.getByRole('button', { name: 'Preview', exact: true }).click();
          await page.locator('.preview').waitFor();
        })),
      );
      await context.close();
      expect(problems).toEqual([]);
    });
  }
});
