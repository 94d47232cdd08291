/**
 * The hard anonymity rule, checked end to end: after a full run of reading, writing, accounts,
 * moderation, refusals and rate limiting from one address and one user agent, neither appears in
 * any table of the database (FTS shadow tables included), in the database files, or in the
 * server's output — although the server did see the address (it rate-limited it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Browser, type TestServer, manageLinkIn } from '../helpers/server';

const IP = '203.0.113.77';
const USER_AGENT = 'Mozilla/5.0 PrivacyProbe/9.9';
const PROBES = [IP, USER_AGENT, 'PrivacyProbe'];
const PASSWORD = 'the pager went off at three';

let server: TestServer;
beforeAll(async () => {
  // Rate limits on, so the address really is read and hashed on every write.
  server = await startServer({ TRUST_PROXY: '1', RATE_LIMIT: 'on', SEED_DEMO: '1' });
});
afterAll(async () => {
  await server?.stop();
});

const probeHeaders = { 'x-forwarded-for': IP, 'user-agent': USER_AGENT, 'x-real-ip': IP, forwarded: `for=${IP}` };
const probe = () => new Browser(server.origin, probeHeaders);

async function expectStatus(response: Promise<Response>, status: number, label: string): Promise<Response> {
  const r = await response;
  expect(r.status, label).toBe(status);
  return r;
}

const storyFields = (title: string) => ({
  title,
  body: '## What happened\n\nI pushed a config change on a Friday afternoon and the whole payment service fell over for forty minutes.\n\n## What I learned\n\nNo Friday pushes.',
  tags: ['yaml', 'deploy'],
  lessons: 'Review config like code\nRoll out to one region first',
  experience: '3-5',
  impact: 'hour',
  detection: 'alert',
  outcome: 'postmortem',
  intent: 'publish',
});

/** Every table in the database (virtual and FTS shadow tables too) and the probes found in each. */
function scanDatabase(path: string): { tables: string[]; rowsSeen: number; hits: string[] } {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((t) => t.name);
    const hits: string[] = [];
    let rowsSeen = 0;
    for (const table of tables) {
      const columns = (db.prepare(`PRAGMA table_xinfo("${table}")`).all() as { name: string }[]).map((c) => c.name);
      const rows = db.prepare(`SELECT * FROM "${table}"`).raw().all() as unknown[][];
      for (const row of rows) {
        rowsSeen++;
        row.forEach((value, i) => {
          const text = typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('latin1') : null;
          if (text === null) return;
          for (const needle of PROBES) if (text.includes(needle)) hits.push(`${table}.${columns[i] ?? i}: ${needle}`);
        });
      }
    }
    return { tables, rowsSeen, hits };
  } finally {
    db.close();
  }
}

describe('no IP address or user agent is kept', () => {
  it('after a full run of requests from one address and user agent, no table, database file or log line contains either', async () => {
    const reader = probe();
    for (const path of ['/', '/?sort=been-there', '/new', '/about', '/tags', '/tags/database', '/lessons', '/search?q=cache', '/rss.xml', '/sitemap.xml', '/healthz', '/mod/log']) {
      const response = await reader.get(path);
      expect(response.status, path).toBeLessThan(400);
    }
    await expectStatus(reader.get('/no/such/page'), 404, 'unknown page');
    await expectStatus(reader.get('/stories/999999-nope'), 404, 'unknown story');
    await reader.get('/random');

    // An anonymous poster: story, manage link, edit, comments, reactions, report.
    const poster = probe();
    const posted = await expectStatus(poster.post('/new', storyFields('A Friday config push that went wrong')), 303, 'post story');
    const storyUrl = posted.headers.get('location')!;
    const storyHtml = await (await poster.get(storyUrl)).text();
    const manage = manageLinkIn(storyHtml);
    await expectStatus(poster.get(manage), 200, 'manage page');
    const edited = await expectStatus(poster.post(manage, storyFields('A Friday config push that went badly wrong')), 303, 'edit story');
    const canonicalUrl = edited.headers.get('location')!.replace('?edited=1', '');
    await expectStatus(poster.get(storyUrl), 301, 'old slug redirects');
    const comment = await expectStatus(poster.post(canonicalUrl, { intent: 'comment', body: 'OP here: thanks for reading.' }), 303, 'comment');
    const commentId = comment.headers.get('location')!.match(/#c(\d+)$/)![1];
    const other = probe();
    await expectStatus(other.post(canonicalUrl, { intent: 'comment', parent: commentId, body: 'Been there, it gets better.' }), 303, 'reply');
    await expectStatus(other.post(canonicalUrl, { reaction: 'been-there' }), 303, 'been there');
    const lessonId = (await (await other.get(canonicalUrl)).text()).match(/name="lesson" value="(\d+)"/)![1];
    await expectStatus(other.post(canonicalUrl, { reaction: 'helpful', lesson: lessonId }), 303, 'helpful');
    await expectStatus(other.post(canonicalUrl, { reaction: 'been-there' }, { accept: 'application/json' }), 200, 'been there json');
    await expectStatus(other.post(canonicalUrl, { intent: 'report', targetType: 'story', reason: 'Names a payment provider' }), 303, 'report story');
    await expectStatus(other.post(canonicalUrl, { intent: 'report', targetType: 'comment', targetId: commentId, reason: 'Testing a comment report' }), 303, 'report comment');

    // Accounts: register (adopting the poster's key), /me, change password, log out, fail, log in.
    await expectStatus(poster.post('/register', { username: 'privacy-poster', password: PASSWORD }), 303, 'register');
    await expectStatus(poster.get('/me'), 200, '/me');
    await expectStatus(poster.post('/me', { action: 'change-password', currentPassword: PASSWORD, newPassword: 'another long sentence here' }), 303, 'change password');
    await expectStatus(poster.post('/logout', {}), 303, 'logout');
    await expectStatus(poster.post('/login', { username: 'privacy-poster', password: 'wrong password entirely' }), 400, 'failed login');
    await expectStatus(poster.post('/login', { username: 'privacy-poster', password: 'another long sentence here' }), 303, 'login');

    // A moderator acts.
    const mod = probe();
    await expectStatus(mod.post('/register', { username: 'privacy-mod', password: PASSWORD }), 303, 'register mod');
    const rw = new Database(server.databasePath);
    rw.prepare("UPDATE users SET role = 'moderator' WHERE username = 'privacy-mod'").run();
    rw.close();
    await expectStatus(mod.get('/mod'), 200, '/mod');
    await expectStatus(mod.post('/mod', { targetType: 'comment', targetId: commentId, decision: 'hide', note: 'Checking the log' }), 303, 'hide comment');
    const storyId = canonicalUrl.match(/^\/stories\/(\d+)-/)![1];
    await expectStatus(mod.post('/mod', { intent: 'redact', targetType: 'story', targetId: storyId, body: '## What happened\n\nA config change took a service down for a while and we rolled it back.', note: 'Removed a name' }), 303, 'redact');
    await expectStatus(mod.post('/mod', { targetType: 'story', targetId: storyId, decision: 'dismiss' }), 303, 'dismiss');

    // Refusals: cross-site, too large, wrong content type, honeypot, validation.
    await expectStatus(reader.post('/new', storyFields('Cross site'), { origin: 'https://evil.example' }), 403, 'cross-site');
    await expectStatus(reader.post('/new', { ...storyFields('Too large'), body: 'x'.repeat(400_000) }), 413, 'too large');
    await expectStatus(reader.post('/login', { username: 'a', password: 'b' }, { 'content-type': 'application/json' }), 400, 'json body');
    await expectStatus(reader.post(canonicalUrl, { intent: 'comment', body: 'spam', website: 'http://spam.example' }), 400, 'honeypot');
    await expectStatus(reader.post('/register', { username: 'x', password: 'short' }), 400, 'bad register');

    // The address really was seen: registrations from it run out (5 per hour), another address is fine.
    let limited: Response | null = null;
    for (let i = 0; i < 6 && !limited; i++) {
      const response = await probe().post('/register', { username: `privacy-extra-${i}`, password: PASSWORD });
      if (response.status === 429) limited = response;
      else expect(response.status).toBe(303);
    }
    expect(limited?.status).toBe(429);
    expect(limited?.headers.get('retry-after')).toMatch(/^\d+$/);
    const elsewhere = new Browser(server.origin, { 'x-forwarded-for': '192.0.2.200', 'user-agent': USER_AGENT });
    await expectStatus(elsewhere.post('/register', { username: 'privacy-elsewhere', password: PASSWORD }), 303, 'other address');

    // Give the server a moment to flush anything it would write or print.
    await new Promise((r) => setTimeout(r, 200));

    const { tables, rowsSeen, hits } = scanDatabase(server.databasePath);
    expect(hits).toEqual([]);
    // The scan is not vacuous: it covers every kind of table, shadow tables included, with data in them.
    expect(tables).toEqual(
      expect.arrayContaining([
        'users', 'auth_sessions', 'authors', 'stories', 'lessons', 'comments', 'story_reactions', 'lesson_votes', 'reports', 'moderation_actions',
        'stories_fts', 'stories_fts_data', 'stories_fts_idx', 'stories_fts_content', 'stories_fts_docsize', 'stories_fts_config',
        'comments_fts', 'comments_fts_content', 'lessons_fts', 'lessons_fts_content',
      ]),
    );
    expect(rowsSeen).toBeGreaterThan(100);
    const counts = new Database(server.databasePath, { readonly: true });
    for (const table of ['users', 'auth_sessions', 'authors', 'comments', 'story_reactions', 'lesson_votes', 'reports', 'moderation_actions']) {
      expect((counts.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n, table).toBeGreaterThan(0);
    }
    counts.close();

    // Not in the raw bytes of any file beside the database either (main file, WAL, shared memory).
    for (const name of readdirSync(server.dataDir)) {
      const bytes = readFileSync(join(server.dataDir, name)).toString('latin1');
      for (const needle of PROBES) expect(bytes.includes(needle), `${name} contains ${needle}`).toBe(false);
    }

    // And not in anything the server printed.
    const output = server.output();
    for (const needle of PROBES) expect(output.includes(needle), `server output contains ${needle}`).toBe(false);
  }, 120_000);

  it('the scan itself finds an address planted in an FTS shadow table or a blob (so a pass means something)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rop-privacy-'));
    try {
      const path = join(dir, 'planted.db');
      const db = new Database(path);
      db.exec("CREATE VIRTUAL TABLE notes_fts USING fts5(body); CREATE TABLE blobs (data BLOB);");
      db.prepare('INSERT INTO notes_fts (body) VALUES (?)').run(`seen from ${IP}`);
      db.prepare('INSERT INTO blobs (data) VALUES (?)').run(Buffer.from(`ua=${USER_AGENT}`));
      db.close();
      const { hits } = scanDatabase(path);
      expect(hits).toEqual(expect.arrayContaining([`notes_fts.body: ${IP}`, `notes_fts_content.c0: ${IP}`, `blobs.data: ${USER_AGENT}`]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the database schema has no column meant for an address, a user agent or an e-mail', () => {
    const db = new Database(server.databasePath, { readonly: true });
    try {
      const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
      const columns = tables.flatMap((table) => (db.prepare(`PRAGMA table_xinfo("${table}")`).all() as { name: string }[]).map((c) => `${table}.${c.name}`));
      expect(columns.filter((c) => /(^|[._])(ip|ip_?addr(ess)?|address|user_?agent|ua|email|e_mail)$/i.test(c))).toEqual([]);
    } finally {
      db.close();
    }
  });
});
