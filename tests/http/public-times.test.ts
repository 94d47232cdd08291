/**
 * The publication delay must not leak when a story was really written: public ids are random, and
 * every public time (HTML datetime, JSON, RSS, sitemap, feed cursors) is cut to the minute.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { startServer, Browser, manageLinkIn, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ SEED_DEMO: '1' });
});
afterAll(async () => {
  await server?.stop();
});

const PASSWORD = 'the pager went off at three';
const storyFields = (title: string, overrides: Record<string, string> = {}) => ({
  title,
  body: '## What happened\n\nI restarted the primary database instead of the replica during a quiet afternoon and checkout was down for twenty minutes.',
  tags: ['database'],
  lessons: 'Put the role in the shell prompt',
  intent: 'publish',
  ...overrides,
});

async function post(browser: Browser, title: string, overrides: Record<string, string> = {}): Promise<string> {
  const response = await browser.post('/new', storyFields(title, overrides));
  expect(response.status).toBe(303);
  return response.headers.get('location')!;
}

describe('public ids', () => {
  it('do not follow the order stories were written in, so a delayed story cannot be placed among its neighbours', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 10; i++) {
      const location = await post(new Browser(server.origin), `Numbered story ${i} of ten`, i % 3 === 1 ? { delayPublication: 'on' } : {});
      ids.push(Number(/^\/stories\/(\d+)-/.exec(location)![1]));
    }
    expect(ids).not.toEqual([...ids].sort((a, b) => a - b));
    expect(new Set(ids).size).toBe(10);
  });
});

describe('public times', () => {
  const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/g;

  function expectMinutePrecision(where: string, text: string) {
    const times = text.match(ISO) ?? [];
    for (const time of times) expect(time, `${where}: ${time}`).toMatch(/T\d{2}:\d{2}(:00)?Z$/);
    return times.length;
  }

  it('carry no seconds or milliseconds on any public page, feed, JSON or sitemap', async () => {
    const writer = new Browser(server.origin);
    const location = await post(writer, 'A story whose times are checked');
    const manage = manageLinkIn(await (await writer.get(location)).text());
    expect((await writer.post(location, { intent: 'comment', body: 'A comment whose time is checked too' })).status).toBe(303);
    expect((await writer.post(manage, storyFields('A story whose times are checked, edited'))).status).toBe(303);
    // A moderator decision, for the public moderation log.
    const moderator = new Browser(server.origin);
    expect((await moderator.post('/register', { username: 'times-mod', password: PASSWORD })).status).toBe(303);
    const db = new Database(server.databasePath);
    db.prepare("UPDATE users SET role = 'moderator' WHERE username = 'times-mod'").run();
    db.close();
    const storyId = /^\/stories\/(\d+)-/.exec(location)![1];
    expect((await moderator.post('/mod', { targetType: 'story', targetId: storyId, decision: 'dismiss', note: 'Looked fine' })).status).toBe(303);

    let counted = 0;
    const reader = new Browser(server.origin);
    const home = await (await reader.get('/')).text();
    const storyPath = (await reader.get(location)).headers.get('location') ?? location;
    for (const path of ['/', storyPath, `/stories/${storyId}.json`, '/rss.xml', '/tags/database', '/tags/database/rss.xml', '/sitemap.xml', '/mod/log', '/search?q=database', '/lessons']) {
      const response = await reader.get(path);
      expect(response.status, path).toBe(200);
      counted += expectMinutePrecision(path, await response.text());
    }
    // The demo stories, the new story, its comment, its edit and the moderation entry: many times checked.
    expect(counted).toBeGreaterThan(30);

    const json = await (await reader.get(`/stories/${storyId}.json`)).json();
    expect(json.created).toMatch(/:00Z$/);
    expect(json.edited).toMatch(/:00Z$/);
    for (const comment of json.comments) expect(comment.created).toMatch(/:00Z$/);

    const rss = await (await reader.get('/rss.xml')).text();
    const pubDates = [...rss.matchAll(/<pubDate>([^<]+)<\/pubDate>/g)].map((m) => m[1]);
    expect(pubDates.length).toBeGreaterThan(0);
    for (const date of pubDates) expect(date).toMatch(/ \d{2}:\d{2}:00 GMT$/);

    // The feed's "older stories" cursor carries a publication time too.
    const cursor = /href="\/\?before=(\d+)_\d+"/.exec(home);
    expect(cursor).not.toBeNull();
    expect(Number(cursor![1]) % 60_000).toBe(0);
  });

  it('stores the publication time of a delayed story to the minute', async () => {
    const location = await post(new Browser(server.origin), 'A delayed story whose time is stored coarsely', { delayPublication: 'on' });
    const id = Number(/^\/stories\/(\d+)-/.exec(location)![1]);
    const db = new Database(server.databasePath, { readonly: true });
    try {
      const row = db.prepare('SELECT published_at AS publishedAt FROM stories WHERE id = ?').get(id) as { publishedAt: number };
      expect(row.publishedAt % 60_000).toBe(0);
    } finally {
      db.close();
    }
  });
});
