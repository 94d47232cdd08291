/**
 * Journey: an anonymous poster writes a story, previews it, redacts an address the preview found,
 * publishes, then uses the private manage link to preview and save an edit and finally delete the
 * story. Walked with JavaScript on and off, at desktop and phone widths, as a person clicks it:
 * the browser sends whatever headers it sends (issue 9: `Referrer-Policy: no-referrer` made every
 * manage form post `Origin: null`, refused as cross-site).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startServer, readDb, type TestServer } from '../helpers/server';
import {
  DESKTOP,
  PHONE,
  fillStoryForm,
  hasChromium,
  launchBrowser,
  openPage,
  sidewaysOverflow,
  submitAndWait,
  warnIfNoChromium,
} from '../helpers/browser';

warnIfNoChromium();

const VARIANTS = [
  { name: 'JavaScript on, desktop', javaScriptEnabled: true, viewport: DESKTOP },
  { name: 'JavaScript off, desktop', javaScriptEnabled: false, viewport: DESKTOP },
  { name: 'JavaScript on, phone', javaScriptEnabled: true, viewport: PHONE },
  { name: 'JavaScript off, phone', javaScriptEnabled: false, viewport: PHONE },
];

describe.skipIf(!hasChromium)('posting and managing a story through its private link', () => {
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

  const storiesTitled = (title: string) =>
    readDb(server, (db) => (db.prepare('SELECT count(*) AS n FROM stories WHERE title = ?').get(title) as { n: number }).n);

  for (const variant of VARIANTS) {
    it(`previews, redacts, publishes, edits and deletes (${variant.name})`, { timeout: 90_000 }, async () => {
      const { context, page } = await openPage(browser, server.origin, variant);
      try {
        const marker = Math.random().toString(36).slice(2, 8);
        const title = `The cron job that ran in every time zone ${marker}`;
        const email = `oncall-${marker}@example-corp.com`;

        // Write, preview, redact the address the preview found, publish.
        await page.goto('/new');
        await fillStoryForm(page, {
          title,
          tags: ['Background jobs'],
          body: `A nightly job was scheduled in local time on every server, so it ran twelve times and mailed ${email} each time until the queue filled up.`,
          lessons: 'Schedule jobs in UTC\nOne scheduler, not one per server',
        });
        await submitAndWait(page, page.getByRole('button', { name: 'Preview', exact: true }));
        expect(await page.locator('.preview-label').innerText()).toMatch(/not published yet/i);
        const finding = page.locator('.findings li').filter({ has: page.locator('mark[data-finding="email"]') });
        const redact = finding.getByRole('button', { name: /^Redact as/ });
        // With JavaScript the redaction happens in place; without it the form posts and comes back.
        if (variant.javaScriptEnabled) await redact.click();
        else await submitAndWait(page, redact);
        await expect.poll(() => page.getByLabel('Your story').inputValue()).not.toContain(email);
        expect(await page.getByLabel('Your story').inputValue()).toContain('an e-mail address');
        expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
        await submitAndWait(page, page.locator('.preview-actions').getByRole('button', { name: 'Publish anonymously' }));
        expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(title);
        expect(await page.locator('article.story .prose').innerText()).toContain('an e-mail address');

        // The private link, followed as a person does: by clicking it. From here on no request
        // (stylesheets, links, form posts) may carry the token in its Referer.
        const manageLink = page.locator('.manage-link a');
        const manageUrl = (await manageLink.getAttribute('href')) ?? '';
        const referrers: string[] = [];
        page.on('request', (request) => referrers.push(request.headers()['referer'] ?? ''));
        await submitAndWait(page, manageLink);
        expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Manage your story');
        expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);

        // Preview an edit, then save it.
        const edited = `The cron job that ran twelve times a night ${marker}`;
        await fillStoryForm(page, { title: edited });
        await submitAndWait(page, page.getByRole('button', { name: 'Preview', exact: true }));
        expect(new URL(page.url()).pathname).toBe(new URL(manageUrl).pathname);
        expect(await page.locator('.preview-card .title').innerText()).toBe(edited);
        await submitAndWait(page, page.locator('.preview-actions').getByRole('button', { name: 'Save changes' }));
        expect(await page.getByRole('status').filter({ hasText: 'Your changes are saved.' }).count()).toBe(1);
        expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(edited);
        expect(storiesTitled(edited)).toBe(1);

        // Delete it for good, with the confirmation box ticked.
        await page.goto(manageUrl);
        await page.getByRole('checkbox', { name: 'Yes, delete my story for good' }).check();
        await submitAndWait(page, page.getByRole('button', { name: 'Delete story' }));
        expect(new URL(page.url()).pathname).toBe('/');
        expect(storiesTitled(edited)).toBe(0);
        expect((await page.goto(manageUrl))?.status()).toBe(404);
        expect(referrers.length).toBeGreaterThan(3);
        expect(referrers.filter((referrer) => referrer.includes('/manage/'))).toEqual([]);
      } finally {
        await context.close();
      }
    });
  }
});
