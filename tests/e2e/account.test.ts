/**
 * Journey: someone creates an optional account, posts a story while logged in, finds it on /me,
 * logs out (after which /me sends them to the login page) and logs back in to find it again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { hasChromium, startJourney, warnIfNoChromium, type Journey } from '../helpers/browser';

warnIfNoChromium();

describe.skipIf(!hasChromium)('an account in a browser', () => {
  let journey: Journey;
  let page: Page;
  const marker = Math.random().toString(36).slice(2, 8);
  const username = `e2e_${marker}`;
  const password = 'the pager went off during my cousins wedding';
  const title = `The feature flag that turned itself back on ${marker}`;

  beforeAll(async () => {
    journey = await startJourney();
    ({ page } = journey);
  });

  afterAll(async () => {
    await journey?.close();
  });

  function yourStories() {
    return page.locator('section', { has: page.getByRole('heading', { name: 'Your stories' }) });
  }

  it('registers, posts a story, sees it on /me, logs out and is sent to /login', { timeout: 60_000 }, async () => {
    await page.goto('/register');
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL('**/me?welcome=1');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(`Hello, ${username}`);
    // The header now names the account instead of offering to log in.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Your account' }).waitFor();
    expect(await yourStories().innerText()).toContain('You have not posted a story yet');

    await page.goto('/new');
    await page.getByLabel('Title', { exact: true }).fill(title);
    await page.getByRole('checkbox', { name: 'Deploy', exact: true }).check();
    await page.getByLabel('Your story').fill(
      'I shipped a release that removed a feature flag from the config but not from the code, so the default brought the half-finished checkout back for everyone.',
    );
    await page.getByLabel('What you learned').fill('Remove flags from the code first, then from the config');
    await page.getByRole('button', { name: 'Publish anonymously' }).click();
    await page.waitForURL(/\/stories\/\d+-[^/?#]+$/);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(title);
    const storyPath = new URL(page.url()).pathname;

    await page.goto('/me');
    const mine = yourStories();
    const link = mine.getByRole('link', { name: title, exact: true });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(storyPath);

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL((url) => url.pathname !== '/me');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Log in' }).waitFor();

    const response = await page.goto('/me');
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/me');
    expect(response?.status()).toBe(200);
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Log in');
    expect(await page.getByText(title).count()).toBe(0);

    // Logging back in (the form remembers where to go) shows the same story again.
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL((url) => url.pathname === '/me');
    await yourStories().getByRole('link', { name: title, exact: true }).waitFor();
  });
});
