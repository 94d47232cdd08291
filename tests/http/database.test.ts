/**
 * The database file as an operator and an attacker with a copy of it see it: deleted words gone
 * from every file (database, write-ahead log, shared memory), also after shutdown, and a write lock
 * held by another process (a backup, `npm run user:role`) neither freezing reads nor losing a form.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { startServer, Browser, readDb, manageLinkIn, testDriver, type TestServer } from '../helpers/server';
import { storyFormFields } from '../helpers/factories';

/** Which of the database's files still hold these bytes. */
function filesHolding(server: TestServer, word: string): string[] {
  return ['', '-wal', '-shm']
    .map((suffix) => `${server.databasePath}${suffix}`)
    .filter((path) => existsSync(path) && readFileSync(path).includes(Buffer.from(word)));
}

function uniqueWord(prefix: string): string {
  return `${prefix}${Math.random().toString(36).slice(2, 10)}`;
}

async function postStory(person: Browser, word: string): Promise<string> {
  const posted = await person.post(
    '/new',
    storyFormFields({
      title: `The ${word} migration that locked every table`,
      body: `## What happened\n\nI ran the ${word} migration on a Friday and it held a lock on the orders table for forty minutes while checkout timed out.\n\n## What I learned\n\nTry it on a copy first.`,
      lessons: `Rehearse ${word} on a copy\nNever on a Friday`,
    }),
  );
  expect(posted.status).toBe(303);
  return posted.headers.get('location')!;
}

// Default mode only: this looks into the SQLite file and its write-ahead log (sqld keeps its own log; see the README).
describe.skipIf(testDriver === 'libsql')('deleted text is gone from every database file', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('forgets a deleted story’s words, its comments and the reports quoting it, also after shutdown', async () => {
    const author = new Browser(server.origin);
    const reader = new Browser(server.origin);
    const storyWord = uniqueWord('zorbleflux');
    const commentWord = uniqueWord('quibbleplank');
    const reportWord = uniqueWord('snarfwhistle');
    const url = await postStory(author, storyWord);
    const manage = manageLinkIn(await (await author.get(url)).text());
    expect((await reader.post(url, { intent: 'comment', body: `Same here, the ${commentWord} job did that to us.` })).status).toBe(303);
    expect((await reader.post(url, { intent: 'report', targetType: 'story', reason: `It names ${reportWord} from our team` })).status).toBe(303);
    expect(filesHolding(server, storyWord).length).toBeGreaterThan(0);

    const deleted = await author.post(`${manage}?do=manage`, { action: 'delete', confirm: 'yes' });
    expect(deleted.status).toBe(303);

    for (const word of [storyWord, commentWord, reportWord]) expect(filesHolding(server, word)).toEqual([]);
    const reports = readDb(server, (db) => db.prepare("SELECT state, reason FROM reports WHERE reason <> '' OR state = 'open'").all());
    expect(reports).toEqual([]);

    expect(await server.shutdown()).toBe(0);
    for (const word of [storyWord, commentWord, reportWord]) expect(filesHolding(server, word)).toEqual([]);
  });
});

// Default mode only: this looks into the SQLite file and its write-ahead log (sqld keeps its own log; see the README).
describe.skipIf(testDriver === 'libsql')('deleted comments and accounts leave nothing in the write-ahead log', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('forgets a comment its writer deletes', async () => {
    const author = new Browser(server.origin);
    const url = await postStory(author, uniqueWord('plinth'));
    const word = uniqueWord('gromwhistle');
    const commented = await author.post(url, { intent: 'comment', body: `I did the ${word} thing too.` });
    const commentId = /#c(\d+)$/.exec(commented.headers.get('location')!)![1];
    expect(filesHolding(server, word).length).toBeGreaterThan(0);
    expect((await author.post(url, { intent: 'delete-comment', comment: commentId })).status).toBe(303);
    expect(filesHolding(server, word)).toEqual([]);
  });

  it('forgets an account deleted with its stories, username included', async () => {
    const member = new Browser(server.origin);
    const username = uniqueWord('wal');
    expect((await member.post('/register', { username, password: 'a long and unusual passphrase 42' })).status).toBe(303);
    const word = uniqueWord('frobnicate');
    await postStory(member, word);
    const gone = await member.post('/me', { action: 'delete-account', confirm: username, content: 'delete' });
    expect(gone.status).toBe(303);
    expect(filesHolding(server, word)).toEqual([]);
    expect(filesHolding(server, username)).toEqual([]);
  });
});

// Default mode only: another process takes the SQLite file's write lock (libSQL: see the two-server test).
describe.skipIf(testDriver === 'libsql')('another process holding the write lock', () => {
  let server: TestServer;
  let storyUrl: string;
  let member: Browser;
  beforeAll(async () => {
    server = await startServer();
    storyUrl = await postStory(new Browser(server.origin), uniqueWord('lock'));
    member = new Browser(server.origin);
    // Registered but not yet back with the cookie: the first request carrying it sweeps old sessions (a write).
    expect((await member.post('/register', { username: uniqueWord('locked'), password: 'a long and unusual passphrase 42' })).status).toBe(303);
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function whileLocked(run: () => Promise<void>) {
    const backup = new Database(server.databasePath);
    backup.exec('BEGIN IMMEDIATE');
    try {
      await run();
    } finally {
      backup.exec('ROLLBACK');
      backup.close();
    }
  }

  it('still serves /healthz, the feed, a story and a logged-in page', async () => {
    await whileLocked(async () => {
      const pages = ['/healthz', '/', storyUrl, '/tags', '/lessons', '/search?q=restart', '/rss.xml', '/sitemap.xml', '/about', '/mod/log'];
      for (const path of pages) expect((await fetch(`${server.origin}${path}`)).status, path).toBe(200);
      const me = await member.get('/me');
      expect(me.status).toBe(200);
    });
  });

  it('answers a comment it cannot save with 503, Retry-After and the comment as typed, and reads meanwhile first', async () => {
    await whileLocked(async () => {
      const finished: string[] = [];
      const typed = 'We had the very same outage with a stuck vacuum, thank you for writing it up.';
      const comment = new Browser(server.origin).post(storyUrl, { intent: 'comment', body: typed }).then((response) => {
        finished.push('comment');
        return response;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      const health = await fetch(`${server.origin}/healthz`);
      finished.push('healthz');
      const answer = await comment;
      expect(health.status).toBe(200);
      expect(finished).toEqual(['healthz', 'comment']);
      expect(answer.status).toBe(503);
      expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
      const page = await answer.text();
      expect(page).toContain(typed);
      expect(page).toContain('send this again in a few seconds');
    });
  });

  it('answers a story it cannot publish with 503 and the whole form as typed', async () => {
    await whileLocked(async () => {
      const fields = storyFormFields({ title: 'The cron job that ran during the backup window' });
      const answer = await new Browser(server.origin).post('/new', fields);
      expect(answer.status).toBe(503);
      expect(answer.headers.get('retry-after')).toBeTruthy();
      const page = await answer.text();
      expect(page).toContain('value="The cron job that ran during the backup window"');
      expect(page).toContain('Put the role in the shell prompt');
    });
  });

  it('saves the same comment once the lock is gone', async () => {
    const answer = await new Browser(server.origin).post(storyUrl, { intent: 'comment', body: 'Posting again after the backup finished.' });
    expect(answer.status).toBe(303);
  });
});
