/**
 * Journeys of issue 12 in a real browser: a poster learns that someone replied (header notice,
 * manage page, private feed) and adds a follow-up; a commenter previews and edits; a reader mutes
 * a pseudonym; a reader filters by outcome and experience and the numbers follow; the bad-day
 * button never shows the same story twice in a row. Nothing here relies on the demo's numbers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import type { Browser as PlaywrightBrowser, BrowserContext, Page } from 'playwright-core';
import { startServer, type TestServer } from '../helpers/server';
import { hasChromium, launchBrowser, openPage, warnIfNoChromium } from '../helpers/browser';

warnIfNoChromium();

describe.skipIf(!hasChromium)('comfort that reaches people, in a browser', () => {
  let server: TestServer;
  let browser: PlaywrightBrowser;
  const contexts: BrowserContext[] = [];
  const marker = Math.random().toString(36).slice(2, 8);

  beforeAll(async () => {
    server = await startServer({ SEED_DEMO: '1' });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await server?.stop();
  });

  /** A separate person: their own browser context, cookies and all. */
  async function person(options: { javaScript?: boolean } = {}): Promise<Page> {
    if (options.javaScript === false) {
      const context = await browser.newContext({ baseURL: server.origin, locale: 'en-US', javaScriptEnabled: false });
      context.setDefaultTimeout(15_000);
      context.setDefaultNavigationTimeout(20_000);
      contexts.push(context);
      return context.newPage();
    }
    const { context, page } = await openPage(browser, server.origin);
    contexts.push(context);
    return page;
  }

  /** Publishes a story through the form and returns its path and private manage link. */
  async function publishStory(page: Page, title: string): Promise<{ path: string; manage: string }> {
    await page.goto('/new');
    await page.getByLabel('Title', { exact: true }).fill(title);
    await page.getByRole('checkbox', { name: 'Cache', exact: true }).check();
    await page.getByLabel('Your story').fill(
      '## What happened\n\nI purged the whole edge cache instead of one path, and the origin servers fell over under the sudden load for twenty minutes.',
    );
    await page.getByLabel('What you learned').fill('Purge by path, never by wildcard\nKnow what the origin can carry');
    await page.getByLabel('Experience at the time').selectOption('lt1');
    await page.getByLabel('What happened to you afterwards').selectOption('talk');
    await page.getByRole('button', { name: 'Publish anonymously' }).click();
    await page.waitForURL(/\/stories\/\d+-[^/?#]+$/);
    const manage = await page.locator('.manage-link a[href*="/manage/"]').getAttribute('href');
    return { path: new URL(page.url()).pathname, manage: new URL(manage!).pathname };
  }

  async function postComment(page: Page, path: string, text: string): Promise<number> {
    await page.goto(path);
    await page.getByLabel('Add a comment').fill(text);
    await Promise.all([page.waitForURL(/#c\d+$/), page.getByRole('button', { name: 'Post comment' }).click()]);
    return Number(new URL(page.url()).hash.slice(2));
  }

  it('tells the poster about a reply in the header and on the manage page, and the replies feed carries it', { timeout: 120_000 }, async () => {
    // The poster reads without JavaScript: the notice must work as plain HTML.
    const poster = await person({ javaScript: false });
    const story = await publishStory(poster, `The purge that took the origin down ${marker}`);
    await poster.goto('/');
    expect(await poster.locator('.reply-notice').count()).toBe(0);

    const replier = await person();
    const reply = `You are not alone, this happened to me in my first year too ${marker}`;
    const replyId = await postComment(replier, story.path, reply);

    await poster.goto('/lessons');
    const notice = poster.locator('.reply-notice a');
    expect(await notice.textContent()).toBe('1 new reply to your story');
    await notice.click();
    await poster.waitForURL((url) => url.pathname === story.path && url.hash === '#comments');
    expect(await poster.locator(`#c${replyId}`).textContent()).toContain(reply);
    expect(await poster.locator('.reply-notice').count()).toBe(0);

    await poster.goto(story.manage);
    const fresh = poster.locator('.reply.new');
    expect(await fresh.count()).toBe(1);
    expect(await fresh.textContent()).toContain(reply);
    expect(await poster.getByText('as private as this manage link').count()).toBe(1);
    const feedUrl = (await poster.locator('.feed-url').textContent())!;
    expect(new URL(feedUrl).pathname).toBe(`${story.manage}/replies.xml`);
    // A second visit: nothing new any more.
    await poster.reload();
    expect(await poster.locator('.reply.new').count()).toBe(0);

    // A feed reader fetches the private address.
    const xml = await (await fetch(feedUrl)).text();
    const feed = new XMLParser().parse(xml);
    const items = [feed.rss.channel.item].flat();
    expect(items).toHaveLength(1);
    expect(items[0]['content:encoded']).toContain(reply);
    expect(items[0].link).toBe(`${server.origin}${story.path}#c${replyId}`);
  });

  it('publishes a follow-up from the manage page under the story and in its JSON', { timeout: 90_000 }, async () => {
    const poster = await person();
    const story = await publishStory(poster, `The purge, and what came after ${marker}`);
    await poster.goto(story.manage);
    const update = `One year later: we added a purge review step ${marker}`;
    await poster.getByLabel('Your update').fill(update);
    await Promise.all([poster.waitForURL(/followup=added/), poster.getByRole('button', { name: 'Add update' }).click()]);
    expect(await poster.getByRole('status').filter({ hasText: 'Your update is published' }).count()).toBe(1);

    await poster.goto(story.path);
    const section = poster.locator('#follow-ups');
    expect(await section.textContent()).toContain(update);
    expect(await section.locator('time').count()).toBe(1);
    const id = story.path.match(/\/stories\/(\d+)/)![1];
    const json = await (await fetch(`${server.origin}/stories/${id}.json`)).json();
    expect(json.followUps.map((f: { html: string }) => f.html).join('')).toContain(update);
  });

  it('shows a member the new reply on /me and lets them add a follow-up there', { timeout: 120_000 }, async () => {
    const member = await person();
    await member.goto('/register');
    await member.getByLabel('Username').fill(`member${marker}`);
    await member.getByLabel('Password').fill('quiet harbour lantern 42');
    await Promise.all([member.waitForURL(/\/me/), member.getByRole('button', { name: 'Create account' }).click()]);
    const story = await publishStory(member, `The purge I posted with an account ${marker}`);
    await postComment(await person(), story.path, `A reply the member should hear about ${marker}`);

    await member.goto('/me');
    const card = member.locator('li.card', { hasText: `The purge I posted with an account ${marker}` });
    expect(await card.locator('.new-replies').textContent()).toBe('1 new reply');
    expect(await member.locator('.reply-notice a').textContent()).toBe('1 new reply to your story');
    await card.getByText('Add a follow-up…').click();
    const update = `Written from my account, months later ${marker}`;
    await card.getByLabel(/Your update/).fill(update);
    await Promise.all([member.waitForURL(/followup=added/), card.getByRole('button', { name: 'Add update' }).click()]);
    await member.goto(story.path);
    expect(await member.locator('#follow-ups').textContent()).toContain(update);
    // Reading the story was seeing the reply: the notice and the mark on /me are gone.
    await member.goto('/me');
    expect(await member.locator('.reply-notice').count()).toBe(0);
    expect(await member.locator('.new-replies').count()).toBe(0);
  });

  it('lets a commenter preview, post and then edit their comment, shown as edited', { timeout: 90_000 }, async () => {
    const author = await person();
    const story = await publishStory(author, `A story to comment on ${marker}`);
    const commenter = await person();
    await commenter.goto(story.path);
    await commenter.getByLabel('Add a comment').fill('Hang in there, *really*.');
    await commenter.getByRole('button', { name: 'Preview' }).click();
    const preview = commenter.getByLabel('Preview of your comment');
    await preview.waitFor();
    expect(await preview.locator('em').textContent()).toBe('really');
    expect(await commenter.getByLabel('Add a comment').inputValue()).toBe('Hang in there, *really*.');
    await Promise.all([commenter.waitForURL(/#c\d+$/), commenter.getByRole('button', { name: 'Post comment' }).click()]);
    const id = Number(new URL(commenter.url()).hash.slice(2));

    const comment = commenter.locator(`li.comment#c${id}`);
    await Promise.all([commenter.waitForURL(/[?&]edit=\d+/), comment.getByRole('link', { name: 'Edit' }).click()]);
    const field = commenter.locator(`li.comment#c${id}`).getByLabel('Edit your comment');
    await field.fill(`Hang in there, it gets **better** ${marker}.`);
    await commenter.locator(`li.comment#c${id}`).getByRole('button', { name: 'Preview' }).click();
    const editPreview = commenter.locator(`li.comment#c${id}`).getByLabel('Preview of your comment');
    await editPreview.waitFor();
    expect(await editPreview.locator('strong').textContent()).toBe('better');
    await Promise.all([commenter.waitForURL(/#c\d+$/), commenter.locator(`li.comment#c${id}`).getByRole('button', { name: 'Save changes' }).click()]);
    expect(await commenter.locator(`li.comment#c${id} .prose`).textContent()).toContain(`it gets better ${marker}`);
    expect(await commenter.locator(`li.comment#c${id} .edited`).textContent()).toBe('edited');
  });

  it('folds away a muted pseudonym for that reader, and folds a whole thread without JavaScript', { timeout: 90_000 }, async () => {
    const author = await person();
    const story = await publishStory(author, `A story with a loud thread ${marker}`);
    const loud = await person();
    const loudText = `An unkind remark the reader would rather not see ${marker}`;
    const id = await postComment(loud, story.path, loudText);

    const reader = await person({ javaScript: false });
    await reader.goto(story.path);
    const comment = reader.locator(`li.comment#c${id}`);
    const pseudonym = (await comment.locator('.who').textContent())!;
    // "Mute" opens a short form for that comment only (a link per comment, not a form per comment).
    await Promise.all([reader.waitForURL(/[?&]mute=\d+/), comment.getByRole('link', { name: 'Mute', exact: true }).click()]);
    expect(await comment.locator('form.mute-form').textContent()).toContain('Only for you');
    await Promise.all([reader.waitForURL((url) => !url.search.includes('mute=') && /#c\d+$/.test(url.href)), comment.getByRole('button', { name: `Mute ${pseudonym}` }).click()]);
    const folded = reader.locator(`li.comment#c${id} details.muted-fold`);
    expect(await folded.locator('summary').textContent()).toContain(`You muted ${pseudonym}`);
    expect(await reader.getByText(loudText).isVisible()).toBe(false);
    await folded.locator('summary').click();
    expect(await reader.getByText(loudText).isVisible()).toBe(true);

    // The author, who did not mute anyone, still reads it.
    await author.goto(story.path);
    expect(await author.getByText(loudText).isVisible()).toBe(true);
    // Any reader can fold the whole thread: <details> works without scripts.
    await reader.locator('details.thread-fold > summary').first().click();
    expect(await reader.locator(`li.comment#c${id}`).isVisible()).toBe(false);

    await reader.goto(story.path);
    await Promise.all([reader.waitForURL(/#c\d+$/), reader.locator(`li.comment#c${id}`).getByRole('button', { name: `Unmute ${pseudonym}` }).click()]);
    expect(await reader.getByText(loudText).isVisible()).toBe(true);
  });

  it('lets a reader filter by outcome and experience, and the numbers follow the filters', { timeout: 90_000 }, async () => {
    const reader = await person();
    await reader.goto('/');
    expect(await reader.locator('.evidence').count()).toBe(0);
    await reader.getByLabel('Failure type', { exact: true }).selectOption('cache');
    await reader.getByLabel('Experience at the time', { exact: true }).selectOption('lt1');
    await Promise.all([reader.waitForURL(/experience=lt1/), reader.getByRole('button', { name: 'Show stories' }).click()]);
    const first = (await reader.locator('.evidence').textContent())!.trim();
    expect(first).toMatch(/people with less than a year of experience who had a Cache failure/);

    await reader.getByLabel('Experience at the time', { exact: true }).selectOption('10plus');
    await Promise.all([reader.waitForURL(/experience=10plus/), reader.getByRole('button', { name: 'Show stories' }).click()]);
    const second = (await reader.locator('.evidence').textContent())!.trim();
    expect(second).toMatch(/people with more than 10 years of experience who had a Cache failure/);
    expect(second).not.toBe(first);

    // Only those who lost the job: every card says so.
    await reader.getByLabel('Failure type', { exact: true }).selectOption('');
    await reader.getByLabel('Experience at the time', { exact: true }).selectOption('');
    await reader.getByLabel('How it ended').selectOption('fired');
    await Promise.all([reader.waitForURL(/outcome=fired/), reader.getByRole('button', { name: 'Show stories' }).click()]);
    const outcomes = await reader.locator('.story-card .facts').allTextContents();
    for (const text of outcomes) expect(text).toContain('I lost the job');
    await reader.getByLabel('How it ended').selectOption('kept-job');
    await Promise.all([reader.waitForURL(/outcome=kept-job/), reader.getByRole('button', { name: 'Show stories' }).click()]);
    const kept = await reader.locator('.story-card .facts').allTextContents();
    expect(kept.length).toBeGreaterThan(0);
    for (const text of kept) expect(text).not.toContain('I lost the job');
  });

  it('"Bad day?" says why the story was picked and "Another one" never repeats it', { timeout: 90_000 }, async () => {
    const reader = await person();
    await reader.goto('/');
    await reader.getByRole('link', { name: 'Bad day?' }).click();
    await reader.waitForURL(/\/stories\/\d+.*from=random/);
    let previous = reader.url().match(/\/stories\/(\d+)/)![1];
    for (let i = 0; i < 4; i++) {
      expect(await reader.locator('.random-pick').textContent()).toMatch(/Picked because it ended well: (nothing bad happened to them|a supportive talk|they wrote the postmortem)\./);
      await reader.getByRole('link', { name: 'Another one that ended well' }).click();
      await reader.waitForURL((url) => /\/stories\/\d+/.test(url.pathname) && !url.pathname.startsWith(`/stories/${previous}-`));
      const current = reader.url().match(/\/stories\/(\d+)/)![1];
      expect(current).not.toBe(previous);
      previous = current;
    }
    await reader.getByRole('link', { name: 'Find stories like yours' }).click();
    await reader.getByRole('heading', { name: 'Find stories like yours' }).waitFor();
  });
});
