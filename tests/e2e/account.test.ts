/**
 * Journey: someone creates an optional account, posts a story while logged in, finds it on /me,
 * logs out (after which /me sends them to the login page) and logs back in to find it again.
 * Then every form on /me: Edit (through a fresh private link, saved, then Disown), Delete a
 * story, change the password, and delete the account.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { readDb } from '../helpers/server';
import { hasChromium, publishStory, startJourney, submitAndWait, warnIfNoChromium, type Journey } from '../helpers/browser';

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

  const storyDraft = (title: string) => ({
    title,
    tags: ['Permissions'],
    body: 'I removed a role that looked unused, and the nightly export lost access to the bucket it wrote to, so the finance team had no numbers on Monday morning.',
    lessons: 'Check who uses a role before removing it',
  });
  const countStories = (title: string) =>
    readDb(journey.server, (db) => (db.prepare('SELECT count(*) AS n FROM stories WHERE title = ?').get(title) as { n: number }).n);

  it('edits a story from /me through a fresh private link, saves it, and disowns it', { timeout: 60_000 }, async () => {
    const title = `The role that looked unused ${marker}`;
    await publishStory(page, storyDraft(title));
    await page.goto('/me');
    const card = yourStories().locator('li', { hasText: title });
    await submitAndWait(page, card.getByRole('button', { name: 'Edit' }));
    expect(new URL(page.url()).pathname).toMatch(/^\/manage\/[A-Za-z0-9_-]{43}$/);
    const managePath = new URL(page.url()).pathname;

    const edited = `The role that only looked unused ${marker}`;
    await page.getByLabel('Title', { exact: true }).fill(edited);
    await submitAndWait(page, page.getByRole('button', { name: 'Save changes' }));
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe(edited);
    expect(countStories(edited)).toBe(1);

    await page.goto(managePath);
    await submitAndWait(page, page.getByRole('button', { name: 'Disown this story' }));
    expect(await page.getByRole('status').innerText()).toContain('no longer linked to any account');
    expect(readDb(journey.server, (db) => db.prepare('SELECT author_id AS a FROM stories WHERE title = ?').get(edited) as { a: number | null }).a).toBeNull();
    await page.goto('/me');
    expect(await yourStories().getByRole('link', { name: edited }).count()).toBe(0);
  });

  it('deletes a story from /me after saying yes', { timeout: 60_000 }, async () => {
    const title = `The bucket policy I tightened too far ${marker}`;
    await publishStory(page, storyDraft(title));
    await page.goto('/me');
    const card = yourStories().locator('li', { hasText: title });
    await card.getByText('Delete…').click();
    await submitAndWait(page, card.getByRole('button', { name: 'Yes, delete it for good' }));
    expect(await page.getByRole('status').innerText()).toContain('The story was deleted.');
    expect(countStories(title)).toBe(0);
  });

  it('changes the password, then logs in with the new one only', { timeout: 60_000 }, async () => {
    const newPassword = 'a different passphrase after the incident review';
    await page.goto('/me');
    await page.getByLabel('Current password').fill(password);
    await page.getByLabel('New password').fill(newPassword);
    await submitAndWait(page, page.getByRole('button', { name: 'Change password' }));
    expect(await page.getByRole('status').innerText()).toContain('Password changed.');

    await submitAndWait(page, page.getByRole('button', { name: 'Log out' }));
    await page.goto('/login');
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await submitAndWait(page, page.getByRole('button', { name: 'Log in' }));
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.getByLabel('Password').fill(newPassword);
    await submitAndWait(page, page.getByRole('button', { name: 'Log in' }));
    expect(new URL(page.url()).pathname).toBe('/me');
  });

  it('deletes the account, keeping its stories up but unlinked when asked to', { timeout: 60_000 }, async () => {
    const title = `The story that outlives my account ${marker}`;
    await publishStory(page, storyDraft(title));
    await page.goto('/me');
    await page.getByLabel('Leave them up, anonymous and unlinked from anyone').check();
    await page.getByLabel('Type your username to confirm').fill(username);
    await submitAndWait(page, page.getByRole('button', { name: 'Delete my account' }));
    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Log in' }).waitFor();
    expect(readDb(journey.server, (db) => db.prepare('SELECT count(*) AS n FROM users WHERE username = ?').get(username) as { n: number }).n).toBe(0);
    expect(readDb(journey.server, (db) => db.prepare('SELECT author_id AS a FROM stories WHERE title = ?').get(title) as { a: number | null }).a).toBeNull();
  });
});
