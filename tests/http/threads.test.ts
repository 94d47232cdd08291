/** Comments, pseudonyms and "been there" through the built server, as a browser posts them. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { startServer, Browser, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

async function newStory(browser: Browser, title: string) {
  const response = await browser.post('/new', {
    title,
    body: '## What happened\n\nI changed one line of config on a Friday afternoon and every worker restarted at once, which emptied the queue into the void.',
    tags: ['background-jobs'],
    lessons: 'Stagger restarts\nNever on Friday',
    outcome: 'nothing',
    intent: 'publish',
  });
  expect(response.status).toBe(303);
  const url = response.headers.get('location')!;
  await browser.get(url); // consume the one-time manage link
  return { url, id: Number(url.match(/\/stories\/(\d+)/)![1]) };
}

async function comment(browser: Browser, url: string, body: string, parent: number | null = null) {
  const response = await browser.post(url, { intent: 'comment', body, parent: parent ? String(parent) : '' });
  expect(response.status).toBe(303);
  const location = response.headers.get('location')!;
  expect(location).toMatch(new RegExp(`^${url}#c\\d+$`));
  return Number(location.split('#c')[1]);
}

const json = async (id: number) => (await fetch(`${server.origin}/stories/${id}.json`)).json();

describe('comments', () => {
  it('answers 303 to the new comment’s anchor and shows it in the thread with an OP marker for the author', async () => {
    const op = new Browser(server.origin);
    const story = await newStory(op, 'Workers restarted all at once');
    const reader = new Browser(server.origin);
    const first = await comment(reader, story.url, 'This happened to me **too**.');
    const reply = await comment(op, story.url, 'Thank you, it helps to hear.', first);
    const html = await (await reader.get(story.url)).text();
    expect(html).toContain(`id="c${first}"`);
    expect(html).toContain(`id="c${reply}"`);
    expect(html).toContain('<strong>too</strong>');
    const data = await json(story.id);
    expect(data.comments.map((c: { id: number; parent: number | null; isOp: boolean }) => [c.id, c.parent, c.isOp])).toEqual([
      [first, null, false],
      [reply, first, true],
    ]);
  });

  it('gives a person one pseudonym per story and another one elsewhere', async () => {
    const author = new Browser(server.origin);
    const a = await newStory(author, 'First story for pseudonyms');
    const b = await newStory(author, 'Second story for pseudonyms');
    const reader = new Browser(server.origin);
    await comment(reader, a.url, 'One');
    await comment(reader, a.url, 'Two');
    await comment(reader, b.url, 'Three');
    const [one, two] = (await json(a.id)).comments;
    const [three] = (await json(b.id)).comments;
    expect(one.pseudonym).toBe(two.pseudonym);
    expect(three.pseudonym).not.toBe(one.pseudonym);
    expect(one.pseudonym).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+ \d+$/);
  });

  it('issues the anonymous author key on the first write only, HttpOnly and SameSite=Lax', async () => {
    const reader = new Browser(server.origin);
    const read = await reader.get('/');
    expect(read.headers.getSetCookie().some((c) => c.startsWith('rop_author='))).toBe(false);
    const story = await newStory(new Browser(server.origin), 'A story to receive a comment');
    const response = await reader.post(story.url, { intent: 'comment', body: 'Hi', parent: '' });
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('rop_author='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const key = reader.cookies.get('rop_author')!;
    const db = new Database(server.databasePath, { readonly: true });
    const stored = db.prepare('SELECT key_hash FROM authors').all() as { key_hash: string }[];
    db.close();
    expect(stored.some((row) => row.key_hash === key)).toBe(false);
  });

  it('refuses an empty comment with a message beside the form and keeps a long one out', async () => {
    const story = await newStory(new Browser(server.origin), 'Empty comments are refused');
    const reader = new Browser(server.origin);
    const empty = await reader.post(story.url, { intent: 'comment', body: '   ', parent: '' });
    expect(empty.status).toBe(400);
    const emptyHtml = await empty.text();
    expect(emptyHtml).toMatch(/class="field-error"[^>]*role="alert"[^>]*>Write something/);
    // The page renders from the top; the refused form takes the focus, so the reader lands beside the message.
    expect(emptyHtml).toMatch(/<textarea id="comment-body-new"[^>]*\sautofocus[\s>]/);
    const long = await reader.post(story.url, { intent: 'comment', body: 'x'.repeat(5001), parent: '' });
    expect(long.status).toBe(400);
    expect(await long.text()).toContain('x'.repeat(5001));
    expect((await json(story.id)).comments).toHaveLength(0);
  });

  it('rejects a reply to a comment of another story', async () => {
    const a = await newStory(new Browser(server.origin), 'Story A for a cross reply');
    const b = await newStory(new Browser(server.origin), 'Story B for a cross reply');
    const reader = new Browser(server.origin);
    const onA = await comment(reader, a.url, 'On A');
    const response = await reader.post(b.url, { intent: 'comment', body: 'Sneaky', parent: String(onA) });
    expect(response.status).toBe(400);
    expect((await json(b.id)).comments).toHaveLength(0);
  });

  it('lets a person delete their own comment, keeping "[deleted]" when it has replies', async () => {
    const story = await newStory(new Browser(server.origin), 'Deleting a comment with replies');
    const me = new Browser(server.origin);
    const you = new Browser(server.origin);
    const mine = await comment(me, story.url, 'Something I regret saying');
    await comment(you, story.url, 'A reply to it', mine);
    const refused = await you.post(story.url, { intent: 'delete-comment', comment: String(mine) });
    expect(refused.status).toBe(403);
    // Said once, at the top of the page the POST lands on, not again beside the comment.
    expect((await refused.text()).match(/You can only delete your own comments\./g)).toHaveLength(1);
    const deleted = await me.post(story.url, { intent: 'delete-comment', comment: String(mine) });
    expect(deleted.status).toBe(303);
    const html = await (await me.get(story.url)).text();
    expect(html).toContain('[deleted]');
    expect(html).not.toContain('Something I regret saying');
    const data = await json(story.id);
    expect(data.comments[0]).toMatchObject({ id: mine, deleted: true, html: '', pseudonym: null });
  });

  it('refuses a cross-origin comment with 403', async () => {
    const story = await newStory(new Browser(server.origin), 'Cross-origin comment refused');
    const response = await fetch(`${server.origin}${story.url}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ intent: 'comment', body: 'From elsewhere', parent: '' }),
    });
    expect(response.status).toBe(403);
    expect((await json(story.id)).comments).toHaveLength(0);
  });
});

describe('"been there"', () => {
  it('counts once per person, undoes on the second press, and shows on the feed card', async () => {
    const story = await newStory(new Browser(server.origin), 'Been there counting story');
    const reader = new Browser(server.origin);
    const press = () => reader.post(story.url, { reaction: 'been-there', return: '/' });
    expect((await press()).headers.get('location')).toBe('/');
    expect((await json(story.id)).beenThere).toBe(1);
    const feed = await (await reader.get('/')).text();
    expect(feed).toMatch(/aria-pressed="true"/);
    await press();
    expect((await json(story.id)).beenThere).toBe(0);
  });

  it('never double counts two requests sent at once by the same person', async () => {
    const story = await newStory(new Browser(server.origin), 'Concurrent been there presses');
    const reader = new Browser(server.origin);
    await reader.post(story.url, { reaction: 'helpful', lesson: '0' }); // issues the author key first
    await Promise.all(Array.from({ length: 6 }, () => reader.post(story.url, { reaction: 'been-there' })));
    const count = (await json(story.id)).beenThere;
    expect([0, 1]).toContain(count); // an even number of toggles nets 0, never 2+
    const db = new Database(server.databasePath, { readonly: true });
    const rows = db.prepare('SELECT count(*) AS n FROM story_reactions WHERE story_id = ?').get(story.id) as { n: number };
    db.close();
    expect(rows.n).toBe(count);
  });

  it('marks a lesson helpful and reports the count as JSON to a script that asks for it', async () => {
    const story = await newStory(new Browser(server.origin), 'Helpful lessons counting');
    const lessonId = (await json(story.id)).lessons[0].id;
    const reader = new Browser(server.origin);
    const response = await reader.post(story.url, { reaction: 'helpful', lesson: String(lessonId) }, { accept: 'application/json' });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ active: true, count: 1 });
    expect((await json(story.id)).lessons[0].helpful).toBe(1);
  });
});

describe('not alone', () => {
  it('ends a story page with similar stories and a count of others of its type', async () => {
    const browser = new Browser(server.origin);
    const story = await newStory(browser, 'Queue emptied on restart again');
    const html = await (await browser.get(story.url)).text();
    expect(html).toMatch(/You’re not alone: <a href="\/tags\/background-jobs"[^>]*>\d+ more stor(y|ies) about Background jobs<\/a>/);
  });

  it('tells the poster how others of the same type ended', async () => {
    const browser = new Browser(server.origin);
    const response = await browser.post('/new', {
      title: 'Yet another background job story',
      body: 'The nightly job ran twice because two schedulers were active after a failover, and customers got two invoices each.',
      tags: ['background-jobs'],
      lessons: 'Make jobs idempotent',
      intent: 'publish',
    });
    const html = await (await browser.get(response.headers.get('location')!)).text();
    expect(html).toMatch(/other people have<\/strong> broken production the same way here/);
    expect(html).toMatch(/\d+ of \d+ kept their job/);
  });
});
