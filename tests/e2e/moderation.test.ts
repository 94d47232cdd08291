/**
 * Journey: readers report a story and a comment; a moderator (given the role with
 * `npm run user:role`, as an operator does) works the queue on /mod in the browser: dismiss, hide,
 * restore, delete and redact, and acts on a story by its number. The public log lists each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { readDb, setUserRole, type TestServer } from '../helpers/server';
import {
  hasChromium,
  openPage,
  publishStory,
  registerAccount,
  startJourney,
  submitAndWait,
  warnIfNoChromium,
  type Journey,
} from '../helpers/browser';

warnIfNoChromium();

describe.skipIf(!hasChromium)('moderation in a browser', () => {
  let journey: Journey;
  let server: TestServer;
  let reader: Page;
  let moderator: Page;
  let moderatorContext: BrowserContext;
  const marker = Math.random().toString(36).slice(2, 8);

  beforeAll(async () => {
    journey = await startJourney({ SEED_DEMO: '0' });
    ({ server, page: reader } = journey);
    ({ context: moderatorContext, page: moderator } = await openPage(journey.browser, server.origin));
    const username = `mod_${marker}`;
    await registerAccount(moderator, username, 'moderators read every report twice');
    setUserRole(server, username, 'moderator');
  }, 120_000);

  afterAll(async () => {
    await moderatorContext?.close();
    await journey?.close();
  });

  const storyIdOf = (path: string) => Number(/\/stories\/(\d+)-/.exec(path)![1]);
  const storyRow = (id: number) =>
    readDb(server, (db) => db.prepare('SELECT state, title, body_markdown AS body FROM stories WHERE id = ?').get(id) as { state: string; title: string; body: string } | undefined);

  async function postAndReport(title: string, reason: string): Promise<{ path: string; id: number }> {
    const path = await publishStory(reader, {
      title,
      tags: ['Network'],
      body: 'I changed a firewall rule at Initech on the shared edge router and every office lost the VPN for an afternoon while we rolled it back by hand.',
      lessons: 'Stage firewall changes behind a timer that rolls them back',
    });
    await reader.goto(path);
    await reader.locator('article.story details.report summary').click();
    await reader.getByLabel('What is wrong with this story?').fill(reason);
    await submitAndWait(reader, reader.locator('article.story').getByRole('button', { name: 'Send report' }));
    return { path, id: storyIdOf(path) };
  }

  /** The queue card of the open report on this story or comment. */
  const card = (type: 'story' | 'comment', id: number) => moderator.locator('ul.queue > li').filter({ hasText: `${type} #${id} ·` });

  async function decide(type: 'story' | 'comment', id: number, decision: string, note?: string): Promise<void> {
    await moderator.goto('/mod');
    const item = card(type, id);
    if (note) await item.getByLabel('Note for the public log (optional)').fill(note);
    await submitAndWait(moderator, item.getByRole('button', { name: decision, exact: true }));
    expect(await moderator.getByRole('status').innerText()).toBe(`Done: ${decision.toLowerCase()}.`);
  }

  it('dismisses a report and leaves the story up', { timeout: 60_000 }, async () => {
    const story = await postAndReport(`The VPN rule that was fine after all ${marker}`, 'I think it is off topic');
    await decide('story', story.id, 'Dismiss');
    expect(await card('story', story.id).count()).toBe(0);
    expect(storyRow(story.id)!.state).toBe('visible');
    expect((await reader.goto(story.path))?.status()).toBe(200);
  });

  it('hides a reported story, then restores it by its number', { timeout: 60_000 }, async () => {
    const story = await postAndReport(`The firewall rule that named the company ${marker}`, 'It names the company');
    await decide('story', story.id, 'Hide', 'Names a company');
    expect(storyRow(story.id)!.state).toBe('hidden');
    expect((await reader.goto(story.path))?.status()).toBe(404);

    await moderator.goto('/mod');
    const anyForm = moderator.locator('form.any');
    await anyForm.getByLabel('Kind').selectOption('story');
    await anyForm.getByLabel('Id').fill(String(story.id));
    await anyForm.getByLabel('Note for the public log').fill('Restored after the author was asked');
    await submitAndWait(moderator, anyForm.getByRole('button', { name: 'Restore' }));
    expect(await moderator.getByRole('status').innerText()).toBe('Done: restore.');
    expect(storyRow(story.id)!.state).toBe('visible');
    expect((await reader.goto(story.path))?.status()).toBe(200);

    await moderator.goto('/mod/log');
    const log = await moderator.locator('main').innerText();
    expect(log).toContain(`story #${story.id}`);
    expect(log).toContain('Names a company');
    expect(log).toContain('Restored after the author was asked');
  });

  it('redacts identifying details from a reported story', { timeout: 60_000 }, async () => {
    const story = await postAndReport(`The edge router at the big company ${marker}`, 'It says Initech');
    await moderator.goto('/mod');
    const item = card('story', story.id);
    await item.getByText('Redact identifying details').click();
    const text = item.getByLabel('Text (the original is not kept)');
    await text.fill((await text.inputValue()).replace('at Initech ', ''));
    await submitAndWait(moderator, item.getByRole('button', { name: 'Save redacted text' }));
    expect(await moderator.getByRole('status').innerText()).toBe('Done: redact.');
    expect(storyRow(story.id)!.body).not.toContain('Initech');
    await reader.goto(story.path);
    expect(await reader.locator('article.story .prose').innerText()).not.toContain('Initech');
  });

  it('deletes a reported comment and a reported story', { timeout: 60_000 }, async () => {
    const story = await postAndReport(`The comment that had to go ${marker}`, 'Spam underneath');
    await reader.goto(story.path);
    await reader.getByLabel('Add a comment').fill(`Buy cheap pager batteries ${marker}`);
    await submitAndWait(reader, reader.getByRole('button', { name: 'Post comment' }));
    const commentId = Number(new URL(reader.url()).hash.slice(2));
    await submitAndWait(reader, reader.locator(`li.comment#c${commentId}`).getByRole('link', { name: 'Report', exact: true }));
    await reader.locator(`li.comment#c${commentId}`).getByLabel('What is wrong with this comment?').fill('Spam');
    await submitAndWait(reader, reader.locator(`li.comment#c${commentId}`).getByRole('button', { name: 'Send report' }));

    await decide('comment', commentId, 'Delete', 'Spam');
    expect(readDb(server, (db) => db.prepare('SELECT count(*) AS n FROM comments WHERE body_markdown LIKE ?').get(`%${marker}%`) as { n: number }).n).toBe(0);

    await decide('story', story.id, 'Delete', 'Not a story');
    expect(storyRow(story.id)).toBeUndefined();
    expect((await reader.goto(story.path))?.status()).toBe(404);
  });
});
