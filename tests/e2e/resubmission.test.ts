/**
 * A form sent twice lands once (issue 9): Back then Publish, a double click on Publish, and the
 * same for comments and reports. Each form carries a one-time token; the second submission leads to what the
 * first one made. A form refused for a field error still publishes once it is corrected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startServer, readDb, type TestServer } from '../helpers/server';
import { fillStoryForm, hasChromium, launchBrowser, openPage, publishStory, submitAndWait, warnIfNoChromium } from '../helpers/browser';

warnIfNoChromium();

const BODY =
  'I raised the connection pool size on a Friday to fix slow pages, and the database ran out of memory within the hour because every worker opened all of its connections at once.';

describe.skipIf(!hasChromium)('a form sent twice lands once', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startServer({ SEED_DEMO: '0' });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const count = (sql: string, value: string) =>
    readDb(server, (db) => (db.prepare(sql).get(value) as { n: number }).n);
  const storiesTitled = (title: string) => count('SELECT count(*) AS n FROM stories WHERE title = ?', title);
  const commentsSaying = (text: string) => count('SELECT count(*) AS n FROM comments WHERE body_markdown = ?', text);

  async function withPage(run: (page: Page) => Promise<void>, javaScriptEnabled = true): Promise<void> {
    const { context, page } = await openPage(browser, server.origin, { javaScriptEnabled });
    try {
      await run(page);
    } finally {
      await context.close();
    }
  }

  const draft = (title: string) => ({ title, tags: ['Database'], body: BODY, lessons: 'Size pools from the database limit down' });

  it('Back, then Publish again, leads to the first story instead of a copy', { timeout: 60_000 }, async () => {
    await withPage(async (page) => {
      const title = `The connection pool that ate the database ${Math.random().toString(36).slice(2, 8)}`;
      const first = await publishStory(page, draft(title));
      const manageLink = await page.locator('.manage-link a').getAttribute('href');
      expect(manageLink).toContain('/manage/');

      await page.goBack();
      expect(new URL(page.url()).pathname).toBe('/new');
      expect(await page.getByLabel('Title', { exact: true }).inputValue()).toBe(title);
      await submitAndWait(page, page.getByRole('button', { name: 'Publish anonymously' }));

      expect(new URL(page.url()).pathname).toBe(first);
      expect(await page.getByRole('status').filter({ hasText: 'already sent that form' }).count()).toBe(1);
      expect(storiesTitled(title)).toBe(1);
      // Never a second private link: the first one (already shown) still manages it.
      const again = page.locator('.manage-link a');
      if (await again.count()) expect(await again.getAttribute('href')).toBe(manageLink);
      await page.goto(manageLink!);
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Manage your story');
    });
  });

  it('a second click on Publish while the first is on its way makes one story and still shows its private link', { timeout: 60_000 }, async () => {
    await withPage(async (page) => {
      const title = `The double deploy of a Friday ${Math.random().toString(36).slice(2, 8)}`;
      await page.goto('/new');
      await fillStoryForm(page, draft(title));
      // A slow network: the first post reaches the server (the story is made) but its answer is
      // held back until the person, seeing nothing happen, clicks Publish again. The browser then
      // drops the first answer, cookies and all, and shows the second.
      let firstReachedServer!: () => void;
      const reached = new Promise<void>((resolve) => (firstReachedServer = resolve));
      let releaseFirst!: () => void;
      const released = new Promise<void>((resolve) => (releaseFirst = resolve));
      let posts = 0;
      await page.route('**/new', async (route) => {
        if (route.request().method() !== 'POST') return route.continue();
        posts += 1;
        if (posts > 1) {
          releaseFirst();
          return route.continue();
        }
        const response = await route.fetch({ maxRedirects: 0 });
        firstReachedServer();
        await released;
        await route.fulfill({ response }).catch(() => undefined);
      });
      const publish = page.getByRole('button', { name: 'Publish anonymously' });
      await publish.scrollIntoViewIfNeeded();
      const box = (await publish.boundingBox())!;
      await publish.click({ noWaitAfter: true });
      await reached;
      expect(storiesTitled(title)).toBe(1);
      // The mouse itself: Playwright's locator.click would wait for the first navigation to end.
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      // (waitForURL would report the first, dropped navigation as an error.)
      await expect.poll(() => page.url(), { timeout: 20_000 }).toMatch(/\/stories\/\d+-/);
      await page.waitForLoadState('load');
      await page.unroute('**/new');

      expect(posts).toBe(2);
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(title);
      expect(storiesTitled(title)).toBe(1);
      // The first answer (with the private link) never arrived; the second shows the same link.
      const manageLink = (await page.locator('.manage-link a').getAttribute('href')) ?? '';
      await page.goto(manageLink);
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Manage your story');
    }, false);
  });

  it('a form refused for a field error publishes once corrected, and once only', { timeout: 60_000 }, async () => {
    await withPage(async (page) => {
      const title = `The pool that was too big to fail ${Math.random().toString(36).slice(2, 8)}`;
      await page.goto('/new');
      await fillStoryForm(page, { ...draft(title), lessons: '' });
      await submitAndWait(page, page.getByRole('button', { name: 'Publish anonymously' }));
      expect(await page.locator('#lessons-error').count()).toBe(1);
      expect(storiesTitled(title)).toBe(0);

      await fillStoryForm(page, { lessons: 'Size pools from the database limit down' });
      await submitAndWait(page, page.getByRole('button', { name: 'Publish anonymously' }));
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(title);
      expect(storiesTitled(title)).toBe(1);

      // Back to the corrected form (a POST answer the browser may ask to send again) and Publish.
      await page.goBack();
      if (await page.getByRole('button', { name: 'Publish anonymously' }).count()) {
        await submitAndWait(page, page.getByRole('button', { name: 'Publish anonymously' }).last());
      }
      expect(storiesTitled(title)).toBe(1);
    });
  });

  it('a comment sent again after Back, or with a double click, lands once', { timeout: 60_000 }, async () => {
    await withPage(async (page) => {
      const story = await publishStory(page, draft(`A story to comment on twice ${Math.random().toString(36).slice(2, 8)}`));
      await page.goto(story);

      const text = `Been there, our pool was twice the database limit ${Math.random().toString(36).slice(2, 8)}`;
      await page.getByLabel('Add a comment').fill(text);
      await submitAndWait(page, page.getByRole('button', { name: 'Post comment' }));
      const firstHash = new URL(page.url()).hash;
      expect(firstHash).toMatch(/^#c\d+$/);
      expect(commentsSaying(text)).toBe(1);

      await page.goBack();
      expect(await page.getByLabel('Add a comment').inputValue()).toBe(text);
      await submitAndWait(page, page.getByRole('button', { name: 'Post comment' }));
      expect(new URL(page.url()).hash).toBe(firstHash);
      expect(commentsSaying(text)).toBe(1);

      const second = `And a double click must not post this twice ${Math.random().toString(36).slice(2, 8)}`;
      await page.goto(story);
      await page.getByLabel('Add a comment').fill(second);
      // The second click's navigation replaces the first one's (which the browser aborts), so wait
      // for where the page ends up rather than for one particular navigation.
      await page.getByRole('button', { name: 'Post comment' }).dblclick();
      await expect.poll(() => new URL(page.url()).hash, { timeout: 20_000 }).toMatch(/^#c\d+$/);
      await page.waitForLoadState('load');
      expect(commentsSaying(second)).toBe(1);
      expect(await page.locator(`li.comment${new URL(page.url()).hash} .prose`).innerText()).toContain(second);
    });
  });

  it('a report sent with a double click, or again after Back, files one report', { timeout: 60_000 }, async () => {
    await withPage(async (page) => {
      const story = await publishStory(page, draft(`A story to report twice ${Math.random().toString(36).slice(2, 8)}`));
      await page.goto(story);
      const reason = `It names the company and my team lead ${Math.random().toString(36).slice(2, 8)}`;
      await page.locator('article.story details.report summary').click();
      await page.getByLabel('What is wrong with this story?').fill(reason);
      await page.locator('article.story').getByRole('button', { name: 'Send report' }).dblclick();
      await expect.poll(() => page.getByRole('status').filter({ hasText: 'a moderator will look at your report' }).count(), { timeout: 20_000 }).toBe(1);
      expect(count('SELECT count(*) AS n FROM reports WHERE reason = ?', reason)).toBe(1);

      await page.goBack();
      await page.waitForLoadState('load');
      if (!(await page.getByLabel('What is wrong with this story?').isVisible())) await page.locator('article.story details.report summary').click();
      await page.getByLabel('What is wrong with this story?').fill(reason);
      await submitAndWait(page, page.locator('article.story').getByRole('button', { name: 'Send report' }));
      expect(count('SELECT count(*) AS n FROM reports WHERE reason = ?', reason)).toBe(1);
    });
  });
});
