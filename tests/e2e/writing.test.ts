/**
 * Journeys of issue 13 in a browser: redacting a detail everywhere and "Redact all" (in place with
 * JavaScript, by plain form posts without), one-click fixes for pasted text, and the draft kept in
 * the browser while writing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser as PlaywrightBrowser, Page } from 'playwright-core';
import { hasChromium, launchBrowser, openPage, warnIfNoChromium } from '../helpers/browser';
import { startServer, type TestServer } from '../helpers/server';

warnIfNoChromium();

const BODY = [
  '## What happened',
  '',
  'My lead Priya Raman asked me to drop an unused index, and I ran it on the primary instead of staging.',
  'Priya Raman saw the graphs first and pinged me in #db-help, where everyone watched it burn.',
  '',
  'What we changed afterwards:',
  '• a prompt that shows the environment',
  '• read-only credentials by default',
].join('\n');

describe.skipIf(!hasChromium)('writing a story in a browser', () => {
  let server: TestServer;
  let browser: PlaywrightBrowser;

  beforeAll(async () => {
    server = await startServer({ SEED_DEMO: '1' });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function fillStory(page: Page, title: string, body = BODY) {
    await page.goto('/new');
    await page.getByLabel('Title', { exact: true }).fill(title);
    await page.getByRole('checkbox', { name: 'Database', exact: true }).check();
    await page.getByLabel('Your story').fill(body);
    await page.getByLabel('What you learned').fill('Check the host before you type DROP');
  }

  it('redacts a name everywhere, then everything, in place without reloading the page', { timeout: 90_000 }, async () => {
    const { context, page } = await openPage(browser, server.origin);
    await fillStory(page, 'The index I dropped on the primary');
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    await page.locator('.preview').waitFor();
    const nameFinding = page.locator('.findings li').filter({ has: page.locator('mark[data-finding="name"]') });
    expect(await nameFinding.innerText()).toContain('×2');

    // A mark on the window survives only if the page is not reloaded.
    await page.evaluate(() => ((window as unknown as { stayed: boolean }).stayed = true));
    await nameFinding.getByRole('button', { name: 'Redact as “a teammate”' }).click();
    await page.waitForFunction(() => !document.querySelector<HTMLTextAreaElement>('#body')!.value.includes('Priya'));
    const body = await page.getByLabel('Your story').inputValue();
    expect(body).toContain('My lead a teammate asked me');
    expect(body).toContain('A teammate saw the graphs first');
    expect(body).toContain('#db-help');
    expect(await page.locator('.findings mark[data-finding="name"]').count()).toBe(0);
    expect(await page.locator('.preview-card .prose').innerText()).not.toContain('Priya');

    await page.getByRole('button', { name: 'Redact all' }).click();
    await page.waitForFunction(() => !document.querySelector<HTMLTextAreaElement>('#body')!.value.includes('#db-help'));
    await page.getByText('No obvious names, addresses or dates found.').waitFor();
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);

    // The paste fix works in place too, and the redacted story publishes as shown.
    await page.getByRole('button', { name: 'Turn them into a list' }).click();
    await page.waitForFunction(() => document.querySelector<HTMLTextAreaElement>('#body')!.value.includes('- a prompt'));
    expect(await page.locator('.preview-card .prose li').allInnerTexts()).toEqual(['a prompt that shows the environment', 'read-only credentials by default']);
    expect(await page.evaluate(() => (window as unknown as { stayed?: boolean }).stayed)).toBe(true);
    await page.locator('.preview-actions').getByRole('button', { name: 'Publish anonymously' }).click();
    await page.waitForURL(/\/stories\/\d+-[^/?#]+$/);
    const published = await page.locator('article.story .prose').innerText();
    expect(published).not.toContain('Priya');
    expect(published).not.toContain('#db-help');
    await context.close();
  });

  it('redacts all and fixes pasted text with plain form posts when JavaScript is off', { timeout: 90_000 }, async () => {
    const context = await browser.newContext({ baseURL: server.origin, javaScriptEnabled: false });
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const pasted = ['Posted on 3 March • 4 min read', '', BODY, '', 'for shard in shards:', '    drop_index(shard)', '', 'Share'].join('\n');
    await fillStory(page, 'The index I dropped without JavaScript', pasted);
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    await page.locator('.preview').waitFor();
    expect(await page.locator('.paste-help').innerText()).toContain('Leftovers from a web page');

    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Remove the leftovers' }).click()]);
    let body = await page.getByLabel('Your story').inputValue();
    expect(body.startsWith('## What happened')).toBe(true);
    expect(body).not.toContain('min read');

    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Fence the code' }).click()]);
    body = await page.getByLabel('Your story').inputValue();
    expect(body).toContain('```\nfor shard in shards:\n    drop_index(shard)\n```');
    expect(await page.locator('.preview-card .prose pre code').innerText()).toContain('drop_index(shard)');

    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Redact all' }).click()]);
    body = await page.getByLabel('Your story').inputValue();
    expect(body).not.toContain('Priya');
    expect(body).not.toContain('#db-help');
    expect(await page.getByText('No obvious names, addresses or dates found.').count()).toBe(1);
    // No draft button without JavaScript: nothing changes for these readers.
    expect(await page.getByRole('button', { name: 'Discard draft' }).count()).toBe(0);
    await context.close();
  });

  it('keeps a draft across visits, discards it on request, and forgets it after publishing', { timeout: 90_000 }, async () => {
    const { context, page } = await openPage(browser, server.origin);
    const title = 'A draft about the cron job that ran twice';
    await page.goto('/new');
    await page.getByLabel('Title', { exact: true }).fill(title);
    await page.getByLabel('Your story').fill('## What happened\n\nThe cron job ran twice because two hosts had the same schedule and nobody noticed for a week.');
    await page.getByRole('checkbox', { name: 'Database', exact: true }).check();

    await page.goto('/about');
    await page.goto('/new');
    expect(await page.getByLabel('Title', { exact: true }).inputValue()).toBe(title);
    expect(await page.getByLabel('Your story').inputValue()).toContain('two hosts had the same schedule');
    expect(await page.getByRole('checkbox', { name: 'Database', exact: true }).isChecked()).toBe(true);

    await page.getByRole('button', { name: 'Discard draft' }).click();
    expect(await page.getByLabel('Title', { exact: true }).inputValue()).toBe('');
    await page.reload();
    expect(await page.getByLabel('Title', { exact: true }).inputValue()).toBe('');
    expect(await page.getByLabel('Your story').inputValue()).toContain('## What happened');

    await page.getByLabel('Title', { exact: true }).fill(title);
    await page.getByLabel('Your story').fill('## What happened\n\nThe cron job ran twice because two hosts had the same schedule and nobody noticed for a week.');
    await page.getByRole('checkbox', { name: 'Database', exact: true }).check();
    await page.getByLabel('What you learned').fill('One scheduler, not two');
    await page.locator('.submit-row').getByRole('button', { name: 'Publish anonymously' }).click();
    await page.waitForURL(/\/stories\/\d+-[^/?#]+$/);
    await page.goto('/new');
    expect(await page.getByLabel('Title', { exact: true }).inputValue()).toBe('');
    await context.close();
  });
});
