/**
 * Issue 11's two-server check on loopback: one sqld primary, two app servers (A and B), each with
 * its own embedded replica synced every second. What one server writes, the other serves; limits
 * and moderation hold across both; a server killed mid-burst loses no post it acknowledged.
 */
import { createClient, type Client } from '@libsql/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browser, freePort, serverExitFor, setUserRole, startServer, type TestServer } from '../helpers/server';
import { startSqld, type TestSqld } from '../helpers/sqld';

const PASSWORD = 'the pager went off at three';
const body = (word: string) =>
  `## What happened\n\nI flushed the ${word} cluster during a routine clean-up and every request went to the database at once for a whole hour.`;
const storyFields = (title: string, word = 'cache') => ({
  title,
  body: body(word),
  tags: ['cache'],
  lessons: 'Name clusters so production looks different',
  intent: 'publish',
});

let sqld: TestSqld;
let primary: Client;
let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  sqld = await startSqld();
  const shared = { DATABASE_URL: sqld.url, DATABASE_SYNC_INTERVAL: '1', RATE_LIMIT: 'on', RATE_LIMIT_POST_STORY: '3/3600' };
  // Started together: both run the migrations against the one primary.
  [a, b] = await Promise.all([startServer(shared), startServer(shared)]);
  primary = createClient({ url: sqld.url });
});
afterAll(async () => {
  primary?.close();
  await Promise.all([a?.stop(), b?.stop()]);
  await sqld?.stop();
});

/** Polls until `check` holds, for at most `ms`; the time it took. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await check()) return Date.now() - start;
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('two app servers on one libSQL primary', () => {
  let storyPath: string;
  const title = 'The zanzibarquux cluster that two servers shared';

  it('shows a story posted on A to its author on A at once, and on B’s story page and search within 3 s', async () => {
    const author = new Browser(a.origin);
    const posted = await author.post('/new', storyFields(title, 'zanzibarquux'));
    expect(posted.status).toBe(303);
    storyPath = posted.headers.get('location')!;
    const own = await author.get(storyPath);
    expect(own.status).toBe(200);
    expect(await own.text()).toContain(title);

    const reader = new Browser(b.origin);
    await within(3_000, async () => (await reader.get(storyPath)).status === 200);
    await within(3_000, async () => (await (await reader.get('/search?q=zanzibarquux')).text()).includes(title));
  });

  it('holds a rate limit spent on A on B as well', async () => {
    // The story above was the first of three allowed per hour from this address.
    for (let i = 0; i < 2; i++) expect((await new Browser(a.origin).post('/new', storyFields(`Spent on A number ${i}`))).status).toBe(303);
    const refused = await new Browser(b.origin).post('/new', storyFields('One too many, sent to B'));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('keeps a person logged in on B right after they registered on A', async () => {
    const person = new Browser(a.origin);
    expect((await person.post('/register', { username: 'moves_between_servers', password: PASSWORD })).status).toBe(303);
    const onB = new Browser(b.origin);
    onB.cookies = new Map(person.cookies);
    const me = await onB.get('/me');
    expect(me.status).toBe(200);
    expect(await me.text()).toContain('moves_between_servers');
  });

  it('hides the story on A when a moderator hides it on B, even from A’s page cache', async () => {
    // A's page cache reads the site version from A's replica, so a write on B empties it there too.
    const reader = new Browser(a.origin);
    expect((await reader.get(storyPath)).status).toBe(200);
    expect((await reader.get(storyPath)).headers.get('x-cache')).toBe('HIT');
    const moderator = new Browser(b.origin);
    expect((await moderator.post('/register', { username: 'two_server_mod', password: PASSWORD })).status).toBe(303);
    setUserRole(b, 'two_server_mod', 'moderator');
    // The role is written on the primary; B's replica has it within a sync interval.
    await within(3_000, async () => (await moderator.get('/mod')).status === 200);
    const id = storyPath.match(/^\/stories\/(\d+)-/)![1];
    const hidden = await moderator.post('/mod', { targetType: 'story', targetId: id, decision: 'hide', note: 'checking both servers' });
    expect(hidden.status).toBe(303);
    await within(3_000, async () => (await reader.get(storyPath)).status === 404);
  });
});

describe('a server killed in the middle of a burst of posts', () => {
  it('loses no post it acknowledged: every 303 is on the primary', async () => {
    const victim = await startServer({ DATABASE_URL: sqld.url, DATABASE_SYNC_INTERVAL: '1', RATE_LIMIT: 'off' });
    const acknowledged: string[] = [];
    let settled = 0;
    const posts = Array.from({ length: 100 }, async (_, i) => {
      const postTitle = `Burst post number ${i} before the crash`;
      try {
        const response = await new Browser(victim.origin).post('/new', storyFields(postTitle));
        if (response.status === 303) acknowledged.push(postTitle);
      } catch {
        // The connection died with the server: not acknowledged.
      } finally {
        settled++;
      }
    });
    await within(60_000, async () => acknowledged.length >= 10);
    process.kill(victimPid(victim), 'SIGKILL');
    await Promise.all(posts);
    expect(settled).toBe(100);
    expect(acknowledged.length).toBeGreaterThanOrEqual(10);
    const rows = await primary.execute("SELECT title FROM stories WHERE title LIKE 'Burst post number %'");
    const stored = new Set(rows.rows.map((row) => String(row.title)));
    expect(acknowledged.filter((t) => !stored.has(t))).toEqual([]);
    await victim.stop();
  });
});

describe('when the primary is down', () => {
  it('keeps serving reads from the replica and answers a post with 503, saying saving is paused and keeping the text', async () => {
    const own = await startSqld();
    const server = await startServer({ DATABASE_URL: own.url, DATABASE_SYNC_INTERVAL: '1' });
    try {
      const posted = await new Browser(server.origin).post('/new', storyFields('Written before the primary went away'));
      expect(posted.status).toBe(303);
      const path = posted.headers.get('location')!;
      await own.stop();
      const reader = new Browser(server.origin);
      expect((await reader.get(path)).status).toBe(200);
      expect((await reader.get('/')).status).toBe(200);
      const refused = await new Browser(server.origin).post('/new', storyFields('Written while the primary is away'));
      expect(refused.status).toBe(503);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      const html = await refused.text();
      expect(html).toContain('Saving is paused for a moment');
      expect(html).toContain('Written while the primary is away');
    } finally {
      await server.stop();
      await own.stop();
    }
  });
});

describe('starting on libSQL', () => {
  it('refuses WORKERS with an embedded replica, whose file belongs to one process', async () => {
    const { code, output } = await serverExitFor({ PORT: String(await freePort()), DATABASE_URL: sqld.url, DATABASE_REPLICA_PATH: '/tmp/never-made-replica.db', WORKERS: '2' });
    expect(code).not.toBe(0);
    expect(output).toContain('WORKERS cannot be combined with DATABASE_REPLICA_PATH');
  });

  it('refuses to start without SECRET, which every server must share', async () => {
    const { code, output } = await serverExitFor({ PORT: String(await freePort()), DATABASE_URL: sqld.url, SECRET: '' });
    expect(code).not.toBe(0);
    expect(output).toContain('SECRET must be set');
  });
});

function victimPid(server: TestServer): number {
  if (!server.pid) throw new Error('no pid');
  return server.pid;
}
