/**
 * Journey: one browser, several people. A posts a story without an account; B logs into B's
 * account on the same browser and does not get A's story (no edit, no delete) unless B ticks the
 * box; B logs out and the browser forgets the anonymous key, so the next anonymous story is not B's.
 * Someone who did write the posts ticks the box and gets them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser as ChromiumBrowser, BrowserContext, Page } from 'playwright-core';
import { startServer, type TestServer } from '../helpers/server';
import { hasChromium, launchBrowser, openPage, warnIfNoChromium } from '../helpers/browser';

warnIfNoChromium();

describe.skipIf(!hasChromium)('a shared browser', () => {
  let server: TestServer;
  let chromium: ChromiumBrowser;
  const contexts: BrowserContext[] = [];
  const marker = Math.random().toString(36).slice(2, 8);
  const password = 'the pager went off during the fire drill';

  beforeAll(async () => {
    server = await startServer({ SEED_DEMO: '0' });
    chromium = await launchBrowser();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await chromium?.close();
    await server?.stop();
  });

  async function newBrowserWindow(): Promise<Page> {
    const { context, page } = await openPage(chromium, server.origin);
    contexts.push(context);
    return page;
  }

  async function postAnonymously(page: Page, title: string): Promise<string> {
    await page.goto('/new');
    await page.getByLabel('Title', { exact: true }).fill(title);
    await page.getByRole('checkbox', { name: 'Deploy', exact: true }).check();
    await page.getByLabel('Your story').fill(
      'I deployed the release branch to the wrong region during a migration window and half of the customers lost their sessions for an hour.',
    );
    await page.getByLabel('What you learned').fill('Read the target region out loud before deploying');
    await page.getByRole('button', { name: 'Publish anonymously' }).click();
    await page.waitForURL(/\/stories\/\d+-[^/?#]+$/);
    return new URL(page.url()).pathname;
  }

  async function register(page: Page, username: string): Promise<void> {
    await page.goto('/register');
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL('**/me?welcome=1*');
  }

  async function logIn(page: Page, username: string, options: { linkBrowserPosts?: boolean } = {}): Promise<void> {
    await page.goto('/login');
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    const box = page.getByRole('checkbox', { name: /this browser wrote without an account/ });
    if (options.linkBrowserPosts) await box.check();
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL((url) => url.pathname === '/me');
  }

  function yourStories(page: Page) {
    return page.locator('section', { has: page.getByRole('heading', { name: 'Your stories' }) });
  }

  it('logging in does not hand over the previous writer’s story; logging out forgets the browser’s key', { timeout: 120_000 }, async () => {
    const userB = `shared_b_${marker}`;
    const own = await newBrowserWindow();
    await register(own, userB);
    await own.getByRole('button', { name: 'Log out' }).click();
    await own.waitForURL('**/logout?done=1');

    const shared = await newBrowserWindow();
    const titleA = `A deployed to the wrong region ${marker}`;
    await postAnonymously(shared, titleA);

    // B logs in on the same browser and is offered A's story, unticked; B leaves it unticked.
    await shared.goto('/login');
    const box = shared.getByRole('checkbox', { name: 'Link the 1 story this browser wrote without an account to my account' });
    await box.waitFor();
    expect(await box.isChecked()).toBe(false);
    await logIn(shared, userB);
    expect(await yourStories(shared).innerText()).toContain('You have not posted a story yet');
    expect(await yourStories(shared).getByText(titleA).count()).toBe(0);
    // No Edit or Delete of A's story anywhere on B's page.
    expect(await shared.getByRole('button', { name: 'Edit' }).count()).toBe(0);
    await shared.getByText('This browser wrote 1 story without an account.').waitFor();

    await shared.getByRole('button', { name: 'Log out' }).click();
    await shared.waitForURL('**/logout?done=1');
    await shared.getByText('This browser has also forgotten the anonymous key').waitFor();

    // C posts anonymously on the same browser after B left: that story is nobody's account's.
    const titleC = `C restarted the wrong pool ${marker}`;
    await postAnonymously(shared, titleC);
    await logIn(own, userB);
    expect(await yourStories(own).innerText()).toContain('You have not posted a story yet');
    expect(await own.getByText(titleC).count()).toBe(0);
  });

  it('the writer who ticks the box gets their anonymous story on /me, with Edit and Delete', { timeout: 120_000 }, async () => {
    const writer = `shared_w_${marker}`;
    const setup = await newBrowserWindow();
    await register(setup, writer);

    const laptop = await newBrowserWindow();
    const title = `The writer links this story later ${marker}`;
    const storyPath = await postAnonymously(laptop, title);
    await logIn(laptop, writer, { linkBrowserPosts: true });
    await laptop.getByText('is now linked to your account').waitFor();
    const link = yourStories(laptop).getByRole('link', { name: title, exact: true });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe(storyPath);
    await yourStories(laptop).getByRole('button', { name: 'Edit' }).waitFor();
  });
});
