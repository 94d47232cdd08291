/**
 * Rate limits that hold across processes (state in the database, not in one process's memory),
 * the limit on previews through a manage link, and a Retry-After header on every 429.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, Browser, manageLinkIn, type TestServer } from '../helpers/server';
import Database from 'better-sqlite3';

const PASSWORD = 'the pager went off at three';
let counter = 0;
const unique = (prefix: string) => `${prefix}-${++counter}`;

const storyFields = (title: string, intent = 'publish') => ({
  title,
  body: '## What happened\n\nI flushed the wrong cache cluster during a routine clean-up and every request went to the database at once for a whole hour.',
  tags: ['cache'],
  lessons: 'Name clusters so production looks different',
  intent,
});

function expectRetryAfter(response: Response, maxSeconds: number) {
  const header = response.headers.get('retry-after');
  expect(header, `Retry-After on ${response.url}`).toMatch(/^\d+$/);
  expect(Number(header)).toBeGreaterThanOrEqual(1);
  expect(Number(header)).toBeLessThanOrEqual(maxSeconds);
}

describe('two server processes on one database', () => {
  let first: TestServer;
  let second: TestServer;
  beforeAll(async () => {
    first = await startServer({ RATE_LIMIT: 'on' });
    // Default mode: the same file; libSQL: the same primary, each server with its own replica.
    second = await startServer({ RATE_LIMIT: 'on', ...(first.databaseUrl ? { DATABASE_URL: first.databaseUrl } : { DATABASE_PATH: first.databasePath }) });
  });
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
  });

  it('share one limit: of 6 stories from one address split across both, the 6th is refused, as with one process', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const origin = i % 2 === 0 ? first.origin : second.origin;
      const response = await new Browser(origin).post('/new', storyFields(unique('Shared limit story')));
      statuses.push(response.status);
      if (response.status === 429) expectRetryAfter(response, 60 * 60);
    }
    expect(statuses).toEqual([303, 303, 303, 303, 303, 429]);
  });

  it('keep the limit state in the database under a keyed hash, never the address or a username', async () => {
    const failed = await new Browser(second.origin).post('/login', { username: 'somebody-guessed', password: 'not the right password' });
    expect(failed.status).toBe(400);
    // Read through the other server's file (in libSQL mode its replica, which syncs every second).
    const readKeys = () => {
      const db = new Database(first.databasePath, { readonly: true });
      try {
        return (db.prepare('SELECT key FROM rate_limit_buckets').all() as { key: string }[]).map((row) => row.key);
      } finally {
        db.close();
      }
    };
    let keys = readKeys();
    for (let tries = 0; tries < 50 && !keys.some((key) => key.startsWith('login-user:')); tries++) {
      await new Promise((r) => setTimeout(r, 100));
      keys = readKeys();
    }
    {
      expect(keys.some((key) => key.startsWith('post-story:'))).toBe(true);
      expect(keys.some((key) => key.startsWith('login-user:'))).toBe(true);
      for (const key of keys) {
        expect(key).toMatch(/^[a-z-]+:[0-9a-f]{64}$/);
        expect(key).not.toContain('127.0.0.1');
        expect(key).not.toContain('somebody');
      }
    }
  });
});

describe('every 429 carries Retry-After', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({
      TRUST_PROXY: '1',
      RATE_LIMIT: 'on',
      RATE_LIMIT_PREVIEW: '2/600',
      RATE_LIMIT_EDIT_STORY: '1/600',
      RATE_LIMIT_MOD_ACTION: '1/600',
    });
  });
  afterAll(async () => {
    await server?.stop();
  });
  let addressCounter = 0;
  const from = () => new Browser(server.origin, { 'x-forwarded-for': `203.0.113.${++addressCounter}` });

  async function postedStory(): Promise<string> {
    const author = from();
    const posted = await author.post('/new', storyFields(unique('Limited story')));
    expect(posted.status).toBe(303);
    return manageLinkIn(await (await author.get(posted.headers.get('location')!)).text());
  }

  it('previews through the manage link are limited like previews on /new, keeping what was typed', async () => {
    const manage = await postedStory();
    const editor = from();
    const title = unique('Previewed edit');
    expect((await editor.post(manage, storyFields(title, 'preview'))).status).toBe(200);
    expect((await editor.post(manage, storyFields(title, 'preview'))).status).toBe(200);
    const refused = await editor.post(manage, storyFields(title, 'preview'));
    expect(refused.status).toBe(429);
    expectRetryAfter(refused, 600);
    const html = await refused.text();
    expect(html).toContain('You are doing that a lot.');
    expect(html).toContain(title);
  });

  it('a refused edit through the manage link carries Retry-After', async () => {
    const manage = await postedStory();
    const editor = from();
    expect((await editor.post(manage, storyFields(unique('First edit')))).status).toBe(303);
    const refused = await editor.post(manage, storyFields(unique('Second edit')));
    expect(refused.status).toBe(429);
    expectRetryAfter(refused, 600);
  });

  it('a refused moderator decision carries Retry-After', async () => {
    const moderator = from();
    const username = unique('mod');
    expect((await moderator.post('/register', { username, password: PASSWORD })).status).toBe(303);
    const db = new Database(server.databasePath);
    db.prepare("UPDATE users SET role = 'moderator' WHERE username = ?").run(username);
    db.close();
    const decision = { targetType: 'story', targetId: '999999', decision: 'dismiss', note: 'Checked, nothing wrong here' };
    expect((await moderator.post('/mod', decision)).status).not.toBe(429);
    const refused = await moderator.post('/mod', decision);
    expect(refused.status).toBe(429);
    expectRetryAfter(refused, 600);
  });
});
