/**
 * Journey: a reader shares their first story without an account. From the home page to the form,
 * publishing, the one-time private manage link, and finding the story on the feed and on the
 * pages of its failure types.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TestServer } from '../helpers/server';
import { hasChromium, startJourney, warnIfNoChromium, type Journey } from '../helpers/browser';

warnIfNoChromium();

describe.skipIf(!hasChromium)('posting a story in a browser', () => {
  let server: TestServer;
  let journey: Journey;
  let page: Page;
  const marker = Math.random().toString(36).slice(2, 8);
  const title = `I dropped the sessions table on a Friday ${marker}`;

  beforeAll(async () => {
    journey = await startJourney();
    ({ server, page } = journey);
  });

  afterAll(async () => {
    await journey?.close();
  });

  it('publishes from the form, shows the manage link, and lists the story on the feed and its failure types', { timeout: 60_000 }, async () => {
    await page.goto('/');
    // The header and the hero both offer it; either leads to the same form.
    await page.getByRole('link', { name: 'Share your story' }).first().click();
    await page.waitForURL('**/new');
    await page.getByRole('heading', { level: 1, name: 'Share your story' }).waitFor();

    await page.getByLabel('Title', { exact: true }).fill(title);
    await page.getByRole('checkbox', { name: 'Database', exact: true }).check();
    await page.getByRole('checkbox', { name: 'Migration', exact: true }).check();
    await page.getByLabel('Your story').fill(
      [
        '## What happened',
        '',
        'A cleanup migration meant for the staging copy ran against the live database, and every user was logged out at once.',
        '',
        '## How it was fixed',
        '',
        'We restored the table from the nightly snapshot and apologised to support.',
      ].join('\n'),
    );
    await page.getByLabel('What you learned').fill('Print the target database before running a migration\nRehearse restores before you need them');
    await page.getByLabel('Experience at the time').selectOption('1-2');
    await page.getByLabel('What happened to you afterwards').selectOption('talk');

    await page.getByRole('button', { name: 'Publish anonymously' }).click();
    await page.waitForURL(/\/stories\/\d+-[^/?#]+$/);

    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(title);
    await page.getByRole('heading', { name: /Your story is published/ }).waitFor();
    const manage = page.locator('.manage-link a[href*="/manage/"]');
    await manage.waitFor();
    const manageHref = await manage.getAttribute('href');
    expect(manageHref).toMatch(new RegExp(`^${server.origin}/manage/[^/]+$`));
    expect(await manage.textContent()).toBe(manageHref);
    // The facts chosen on the form are on the page.
    const storyText = await page.locator('article.story').innerText();
    expect(storyText).toContain('1–2 years');
    expect(storyText).toContain('A supportive talk');
    expect(storyText).toContain('Print the target database before running a migration');
    const storyPath = new URL(page.url()).pathname;

    // The link is shown once only: a reload no longer has it.
    await page.reload();
    expect(await page.locator('a[href*="/manage/"]').count()).toBe(0);

    // Newest first on the feed.
    await page.goto('/');
    const feedLink = page.getByRole('link', { name: title, exact: true });
    await feedLink.waitFor();
    expect(await feedLink.getAttribute('href')).toBe(storyPath);

    // Both failure types list it; get to the first by the tag link on the story page.
    await page.goto(storyPath);
    await page.locator('article.story').getByRole('list', { name: 'Failure types' }).getByRole('link', { name: 'Database', exact: true }).click();
    await page.waitForURL('**/tags/database');
    await page.getByRole('link', { name: title, exact: true }).waitFor();

    await page.goto('/tags/migration');
    await page.getByRole('link', { name: title, exact: true }).waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Migration');
  });
});
