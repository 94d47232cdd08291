/**
 * One 140-character title without spaces once stretched every list page to 1,624 px on a phone
 * (issue 9). Long words wrap wherever people's text appears: titles, lessons, comments, usernames,
 * failure types, search results, /me, the manage page and the moderation queue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { setUserRole, writeDb, type TestServer } from '../helpers/server';
import {
  PHONE,
  hasChromium,
  publishStory,
  registerAccount,
  sidewaysOverflow,
  startJourney,
  warnIfNoChromium,
  type Journey,
} from '../helpers/browser';

warnIfNoChromium();

const marker = Math.random().toString(36).slice(2, 8);
const LONG_TITLE = `Unbreakable${'x'.repeat(123)}${marker}`.slice(0, 140);
const LONG_LESSON = `Always${'y'.repeat(260)}`;
const LONG_COMMENT_WORD = `https://example.org/${'z'.repeat(300)}`;
const LONG_TYPE = `Kubernetesconfigurationdriftacrossclusters${marker}`;
const USERNAME = `longname_${marker}_0123456`.slice(0, 24);

describe.skipIf(!hasChromium)('long words on a phone', () => {
  let journey: Journey;
  let server: TestServer;
  let page: Page;
  let storyPath: string;
  let manageUrl: string;

  beforeAll(async () => {
    journey = await startJourney({ SEED_DEMO: '1' }, { viewport: PHONE });
    ({ server, page } = journey);
    writeDb(server, (db) =>
      db.prepare('INSERT INTO failure_types (slug, name, description) VALUES (?, ?, ?)').run(`drift-${marker}`, LONG_TYPE, 'A long name without spaces'),
    );
    await registerAccount(page, USERNAME, 'a long and careful passphrase for testing');
    setUserRole(server, USERNAME, 'moderator');
    storyPath = await publishStory(page, {
      title: LONG_TITLE,
      tags: [LONG_TYPE],
      body: `A config file shipped with one enormous line, ${'w'.repeat(400)}, and every parser choked on it.`,
      lessons: LONG_LESSON,
    });
    manageUrl = (await page.locator('.manage-link a').getAttribute('href')) ?? '';
    await page.goto(storyPath);
    await page.getByLabel('Add a comment').fill(`See ${LONG_COMMENT_WORD} for the whole thing`);
    // Set-up by keyboard: on a page stretched sideways (the bug) a tap can land on the stretched text.
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Post comment' }).press('Enter')]);
    // A report, so the moderation queue shows the long title and words too.
    await page.locator('article.story details.report summary').press('Enter');
    await page.getByLabel('What is wrong with this story?').fill(`It names ${'q'.repeat(200)}`);
    await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Send report' }).press('Enter')]);
  }, 120_000);

  afterAll(async () => {
    await journey?.close();
  });

  const pages = () => [
    '/',
    storyPath,
    '/tags',
    `/tags/drift-${marker}`,
    '/lessons',
    `/lessons/drift-${marker}`,
    `/search?q=${encodeURIComponent(LONG_TITLE)}`,
    '/search?q=enormous',
    '/search?q=thing',
    '/me',
    manageUrl,
    '/mod',
    '/mod/log',
  ];

  it('keeps every list and story page within 390 px', { timeout: 120_000 }, async () => {
    const tooWide: string[] = [];
    for (const path of pages()) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(200);
      const overflow = await sidewaysOverflow(page);
      if (overflow > 0) tooWide.push(`${path}: ${overflow + PHONE.width}px`);
    }
    expect(tooWide).toEqual([]);
  });

  it('shows the long words whole, wrapped rather than cut', { timeout: 60_000 }, async () => {
    await page.goto(storyPath);
    const title = page.getByRole('heading', { level: 1 });
    expect(await title.innerText()).toBe(LONG_TITLE);
    // Wrapped: the heading is several lines tall and no wider than the screen.
    const box = await title.boundingBox();
    expect(box!.width).toBeLessThanOrEqual(PHONE.width);
    expect(box!.height).toBeGreaterThan(60);
    expect(await page.locator('li.comment .prose').first().innerText()).toContain(LONG_COMMENT_WORD);
    // Only long words break: the header's Search button keeps its label on one line.
    const search = await page.locator('header').getByRole('button', { name: 'Search' }).boundingBox();
    expect(search!.height).toBeLessThan(50);
  });

  it('draws every chart label whole inside its chart on a phone', { timeout: 60_000 }, async () => {
    await page.goto('/tags');
    const clipped = await page.evaluate(() =>
      [...document.querySelectorAll('svg')].filter((svg) => svg.getBoundingClientRect().width > 0).flatMap((svg) => {
        const left = svg.getBoundingClientRect().left;
        return [...svg.querySelectorAll('text')].filter((text) => text.getBoundingClientRect().left < left - 0.5).map((text) => text.textContent);
      }),
    );
    expect(clipped).toEqual([]);
  });
});
