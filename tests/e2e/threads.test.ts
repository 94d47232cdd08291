/**
 * Journey: a reader joins the conversation under a demo story. A top-level comment, a reply to
 * it and a reply to that reply nest one level deeper each, each post lands on the new comment's
 * anchor, and "Been there" counts up once and takes itself back on a second press. Then the other
 * forms under a story: deleting one's own comment, "helpful" on a lesson (JavaScript on and off),
 * and reporting the story and a comment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { publishedStoryId, readDb, type TestServer } from '../helpers/server';
import { hasChromium, openPage, startJourney, submitAndWait, warnIfNoChromium, type Journey } from '../helpers/browser';

warnIfNoChromium();

describe.skipIf(!hasChromium)('comment threads and "been there" in a browser', () => {
  let server: TestServer;
  let journey: Journey;
  let page: Page;
  let storyPath: string;
  const marker = Math.random().toString(36).slice(2, 8);

  beforeAll(async () => {
    journey = await startJourney();
    ({ server, page } = journey);
    const story = await (await fetch(`${server.origin}/stories/${publishedStoryId(server)}.json`)).json();
    storyPath = new URL(story.url).pathname;
  });

  afterAll(async () => {
    await journey?.close();
  });

  /** The id of the comment the page was sent to, from the #c{id} in the address. */
  function commentIdFromHash(): number {
    const hash = new URL(page.url()).hash;
    expect(hash).toMatch(/^#c\d+$/);
    return Number(hash.slice(2));
  }

  async function commentClass(id: number): Promise<string> {
    return (await page.locator(`li.comment#c${id}`).getAttribute('class')) ?? '';
  }

  /** Position of each comment in the thread as rendered (replies follow their parent). */
  async function threadOrder(): Promise<number[]> {
    const ids = await page.locator('li.comment').evaluateAll((items) => items.map((item) => item.id));
    return ids.map((id) => Number(id.slice(1)));
  }

  /** Clicks a submit button and waits for the page it leads to: the same story at a new #c{id}. */
  async function submitAndWaitForNewAnchor(submit: () => Promise<void>): Promise<number> {
    const previousHash = new URL(page.url()).hash;
    await Promise.all([
      page.waitForURL((url) => /^#c\d+$/.test(url.hash) && url.hash !== previousHash && url.pathname === storyPath),
      submit(),
    ]);
    await page.waitForLoadState('load');
    return commentIdFromHash();
  }

  async function replyTo(parentId: number, text: string): Promise<number> {
    const parent = page.locator(`li.comment#c${parentId}`);
    // No reply form until asked for: "Reply" opens one under this comment (a plain link).
    expect(await parent.getByRole('textbox', { name: /^Reply to / }).count()).toBe(0);
    await Promise.all([
      page.waitForURL((url) => url.searchParams.get('reply') === String(parentId)),
      parent.getByRole('link', { name: 'Reply', exact: true }).click(),
    ]);
    const field = page.locator(`li.comment#c${parentId}`).getByRole('textbox', { name: /^Reply to / });
    await field.waitFor({ state: 'visible' });
    await field.fill(text);
    return submitAndWaitForNewAnchor(() => page.locator(`li.comment#c${parentId}`).getByRole('button', { name: 'Post reply' }).click());
  }

  it('posts a comment, a reply and a reply to the reply, each nested one level deeper', { timeout: 60_000 }, async () => {
    await page.goto(storyPath);
    const before = await threadOrder();

    const topText = `You are not alone, this happened to me too ${marker}`;
    await page.getByLabel('Add a comment').fill(topText);
    const topId = await submitAndWaitForNewAnchor(() => page.getByRole('button', { name: 'Post comment' }).click());
    expect(before).not.toContain(topId);
    const top = page.locator(`li.comment#c${topId}`);
    expect(await top.locator('.prose').innerText()).toContain(topText);
    expect(await commentClass(topId)).toMatch(/\bindent-0\b/);
    // The anchor is the target: the page scrolled to and highlights the new comment.
    expect(await top.evaluate((el) => el.matches(':target'))).toBe(true);
    const pseudonym = (await top.locator('.who').innerText()).trim();
    expect(pseudonym.length).toBeGreaterThan(0);

    const replyText = `Thank you, that helps a lot ${marker}`;
    const replyId = await replyTo(topId, replyText);
    expect(replyId).not.toBe(topId);
    const reply = page.locator(`li.comment#c${replyId}`);
    expect(await reply.locator('.prose').innerText()).toContain(replyText);
    expect(await commentClass(replyId)).toMatch(/\bindent-1\b/);

    const deepText = `Same here, and we added a read-only role afterwards ${marker}`;
    const deepId = await replyTo(replyId, deepText);
    expect([topId, replyId]).not.toContain(deepId);
    const deep = page.locator(`li.comment#c${deepId}`);
    expect(await deep.locator('.prose').innerText()).toContain(deepText);
    expect(await commentClass(deepId)).toMatch(/\bindent-2\b/);
    expect(await deep.evaluate((el) => el.matches(':target'))).toBe(true);

    // Thread order: the reply right after its parent, the reply to the reply right after that.
    const order = await threadOrder();
    const at = order.indexOf(topId);
    expect(order.slice(at, at + 3)).toEqual([topId, replyId, deepId]);
    // One visitor keeps one pseudonym within the story.
    expect((await reply.locator('.who').innerText()).trim()).toBe(pseudonym);
    expect((await deep.locator('.who').innerText()).trim()).toBe(pseudonym);
    // The heading counts the new comments.
    expect(await page.locator('#comments-title').innerText()).toBe(`${before.length + 3} comments`);
  });

  it('"Been there" counts up by one, shows as pressed, and a second press takes it back', { timeout: 60_000 }, async () => {
    await page.goto(storyPath);
    const button = page.locator('article.story button[name="reaction"][value="been-there"]');
    const count = async () => Number((await button.locator('.count').innerText()).trim());
    expect(await button.getAttribute('aria-pressed')).toBe('false');
    const start = await count();
    expect(await button.innerText()).toContain(String(start));

    // The form posts and comes back to the story (303); wait for the new page to say "pressed".
    await button.click();
    await page.waitForFunction(
      () => document.querySelector('article.story button[value="been-there"]')?.getAttribute('aria-pressed') === 'true',
    );
    expect(await count()).toBe(start + 1);
    expect(await button.innerText()).toContain(String(start + 1));
    expect(await button.getAttribute('aria-pressed')).toBe('true');

    await button.click();
    await page.waitForFunction(
      () => document.querySelector('article.story button[value="been-there"]')?.getAttribute('aria-pressed') === 'false',
    );
    expect(await count()).toBe(start);
    expect(await button.getAttribute('aria-pressed')).toBe('false');

    // It is stored, not just drawn: a fresh load agrees.
    await page.reload();
    expect(await count()).toBe(start);
    expect(await button.getAttribute('aria-pressed')).toBe('false');
  });

  it('"Been there" on a feed card changes its words, count and spoken count in place, and back', { timeout: 60_000 }, async () => {
    await page.goto('/');
    const card = page.locator('article.story-card').first();
    const button = card.getByRole('button', { name: /been there/ });
    const count = async () => Number((await button.locator('.count').innerText()).trim());
    expect(await button.getAttribute('aria-pressed')).toBe('false');
    const start = await count();
    const spoken = (n: number) => `${n} ${n === 1 ? 'person has' : 'people have'} been there`;
    expect(await card.getByRole('button', { name: `Been there ${spoken(start)}`, exact: true }).count()).toBe(1);

    await button.click();
    await page.waitForFunction(() => document.querySelector('article.story-card button[value="been-there"]')?.getAttribute('aria-pressed') === 'true');
    expect(await count()).toBe(start + 1);
    expect(await card.getByRole('button', { name: `You’ve been there ${spoken(start + 1)}`, exact: true }).count()).toBe(1);

    await button.click();
    await page.waitForFunction(() => document.querySelector('article.story-card button[value="been-there"]')?.getAttribute('aria-pressed') === 'false');
    expect(await count()).toBe(start);
    expect(await card.getByRole('button', { name: `Been there ${spoken(start)}`, exact: true }).count()).toBe(1);
  });

  const openReports = () =>
    readDb(server, (db) => db.prepare("SELECT target_type AS type, target_id AS id, reason FROM reports WHERE state = 'open'").all() as { type: string; id: number; reason: string }[]);

  it('deletes one of the reader’s own comments, and offers no Delete on others’', { timeout: 60_000 }, async () => {
    await page.goto(storyPath);
    const text = `A comment I will take back ${marker}`;
    await page.getByLabel('Add a comment').fill(text);
    const id = await submitAndWaitForNewAnchor(() => page.getByRole('button', { name: 'Post comment' }).click());
    const mine = page.locator(`li.comment#c${id}`);
    // Demo comments belong to nobody here.
    const others = page.locator('li.comment').filter({ hasNot: page.locator(`#c${id}`) }).first();
    expect(await others.getByRole('button', { name: 'Delete', exact: true }).count()).toBe(0);

    await submitAndWait(page, mine.getByRole('button', { name: 'Delete', exact: true }));
    expect(new URL(page.url()).hash).toBe('#comments');
    expect(await page.getByText(text).count()).toBe(0);
    expect(readDb(server, (db) => db.prepare('SELECT count(*) AS n FROM comments WHERE body_markdown = ?').get(text) as { n: number }).n).toBe(0);
  });

  for (const javaScriptEnabled of [true, false]) {
    it(`marks a lesson helpful and takes it back (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, { timeout: 60_000 }, async () => {
      const { context, page: reader } = await openPage(journey.browser, server.origin, { javaScriptEnabled });
      try {
        await reader.goto(storyPath);
        const button = reader.locator('#lessons li').first().getByRole('button', { name: /Helpful/ });
        const count = async () => Number(await button.locator('[data-count]').innerText());
        const start = await count();
        expect(await button.getAttribute('aria-pressed')).toBe('false');
        await button.click();
        await reader.waitForFunction(() => document.querySelector('#lessons li button[value="helpful"]')?.getAttribute('aria-pressed') === 'true');
        expect(await count()).toBe(start + 1);
        await reader.reload();
        expect(await count()).toBe(start + 1);
        await button.click();
        await reader.waitForFunction(() => document.querySelector('#lessons li button[value="helpful"]')?.getAttribute('aria-pressed') === 'false');
        expect(await count()).toBe(start);
      } finally {
        await context.close();
      }
    });
  }

  it('reports the story and a comment, each with its reason', { timeout: 60_000 }, async () => {
    await page.goto(storyPath);
    const storyReason = `It names a real company ${marker}`;
    await page.locator('article.story details.report summary').click();
    await page.getByLabel('What is wrong with this story?').fill(storyReason);
    await submitAndWait(page, page.locator('article.story').getByRole('button', { name: 'Send report' }));
    expect(await page.getByRole('status').filter({ hasText: 'a moderator will look at your report' }).count()).toBe(1);

    const comment = page.locator('li.comment').first();
    const commentId = Number(((await comment.getAttribute('id')) ?? '').slice(1));
    await submitAndWait(page, comment.getByRole('link', { name: 'Report', exact: true }));
    const commentReason = `It is unkind to the author ${marker}`;
    const reported = page.locator(`li.comment#c${commentId}`);
    await reported.getByLabel('What is wrong with this comment?').fill(commentReason);
    await submitAndWait(page, reported.getByRole('button', { name: 'Send report' }));
    expect(await page.getByRole('status').filter({ hasText: 'a moderator will look at your report' }).count()).toBe(1);

    const reports = openReports();
    expect(reports).toContainEqual({ type: 'story', id: Number(/\/stories\/(\d+)-/.exec(storyPath)![1]), reason: storyReason });
    expect(reports).toContainEqual({ type: 'comment', id: commentId, reason: commentReason });
  });
});
