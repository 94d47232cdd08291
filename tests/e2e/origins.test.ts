/**
 * Where a form comes from, as a browser says it: a page on another site that posts to ours gets
 * the styled 403 page and changes nothing, and the site reached by a real host name (not
 * localhost) accepts its own forms.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startServer, readDb, type TestServer } from '../helpers/server';
import { hasChromium, launchBrowser, openPage, publishStory, submitAndWait, warnIfNoChromium } from '../helpers/browser';

warnIfNoChromium();


const STORY = {
  tags: ['Deploy'],
  body: 'I deployed on a Friday evening with a migration that locked the orders table, and checkout stopped for everyone until someone found the lock an hour later.',
  lessons: 'Run long migrations in the morning',
};

/** Another site: one page whose form posts to ours, as a forged-form attack would. */
async function startOtherSite(html: string): Promise<{ origin: string; server: Server }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // "localhost" is another site than "127.0.0.1" for the browser (Sec-Fetch-Site: cross-site).
  return { origin: `http://localhost:${(server.address() as AddressInfo).port}`, server };
}

describe.skipIf(!hasChromium)('forms sent from another site', () => {
  let server: TestServer;
  let browser: Browser;
  let other: { origin: string; server: Server } | undefined;

  beforeAll(async () => {
    server = await startServer({ SEED_DEMO: '0' });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    other?.server.close();
    await server?.stop();
  });

  it('answers a forged delete of a story with the styled 403 page, and the story stays', { timeout: 60_000 }, async () => {
    const { context, page } = await openPage(browser, server.origin);
    try {
      const title = `The forged form that deleted nothing ${Math.random().toString(36).slice(2, 8)}`;
      await publishStory(page, { title, ...STORY });
      const manageUrl = new URL((await page.locator('.manage-link a').getAttribute('href')) ?? '');

      other = await startOtherSite(`<!doctype html><title>Win a prize</title>
        <form method="post" action="${server.origin}${manageUrl.pathname}?do=manage">
          <input type="hidden" name="action" value="delete"><input type="hidden" name="confirm" value="yes">
          <button type="submit">Claim your prize</button>
        </form>`);
      await page.goto(other.origin);
      await submitAndWait(page, page.getByRole('button', { name: 'Claim your prize' }));

      expect(new URL(page.url()).origin).toBe(server.origin);
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('That form came from another site');
      expect(await page.locator('main').innerText()).toContain('Nothing was saved');
      // The site's own layout and styles, not bare text.
      await page.getByRole('navigation', { name: 'Main' }).waitFor();
      expect(await page.locator('body').evaluate((body) => getComputedStyle(body).fontFamily)).toContain('system-ui');
      expect(readDb(server, (db) => db.prepare('SELECT count(*) AS n FROM stories WHERE title = ?').get(title) as { n: number }).n).toBe(1);

      // The way back: the page on our site, where the person's own form works.
      await submitAndWait(page, page.getByRole('link', { name: 'Open the page on Rite of Passage' }));
      expect(new URL(page.url()).pathname).toBe(manageUrl.pathname);
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Manage your story');
    } finally {
      await context.close();
    }
  });
});

// The host name is set when the server starts (SITE_HOSTNAMES), not when the site is built.
describe.skipIf(!hasChromium)('the site reached by its public host name', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer({ SEED_DEMO: '0', SITE_HOSTNAMES: 'stories.test' });
    browser = await launchBrowser(['--host-resolver-rules=MAP stories.test 127.0.0.1']);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('publishes, edits through the manage link and comments at http://stories.test', { timeout: 60_000 }, async () => {
    const origin = server.origin.replace('127.0.0.1', 'stories.test');
    const { context, page } = await openPage(browser, origin);
    try {
      const title = `The DNS name nobody tested ${Math.random().toString(36).slice(2, 8)}`;
      await publishStory(page, { title, ...STORY });
      const manageHref = (await page.locator('.manage-link a').getAttribute('href')) ?? '';
      expect(new URL(manageHref).origin).toBe(origin);
      expect(await page.locator('link[rel="canonical"]').getAttribute('href')).toMatch(new RegExp(`^${origin}/stories/`));

      await page.getByLabel('Add a comment').fill('Same here, our staging name resolved to production.');
      await submitAndWait(page, page.getByRole('button', { name: 'Post comment' }));
      expect(new URL(page.url()).hash).toMatch(/^#c\d+$/);

      await page.goto(manageHref);
      await page.getByLabel('Title', { exact: true }).fill(`${title} (edited)`);
      await submitAndWait(page, page.getByRole('button', { name: 'Save changes' }));
      expect(await page.getByRole('status').filter({ hasText: 'Your changes are saved.' }).count()).toBe(1);
      expect(new URL(page.url()).origin).toBe(origin);
    } finally {
      await context.close();
    }
  });
});
