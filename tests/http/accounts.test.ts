/**
 * Optional accounts through the built server: register, log in, log out, the session cookie and
 * what is kept of it at rest, expiry, adoption of an anonymous author key, and /me.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { startServer, Browser, testDriver, type TestServer, readDb as readServerDb, writeDb as writeServerDb } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ TRUST_PROXY: '1' }); // the https test speaks through a "proxy" (X-Forwarded-Proto)
});
afterAll(async () => {
  await server?.stop();
});

const PASSWORD = 'the pager went off at three';
const DAY_MS = 24 * 60 * 60 * 1000;
let counter = 0;
const uniqueName = (prefix = 'user') => `${prefix}-${process.pid % 1000}-${++counter}`;

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

const readDb = <T>(fn: (db: Database.Database) => T): T => readServerDb(server, fn);

const writeDb = <T>(fn: (db: Database.Database) => T): T => writeServerDb(server, fn);

async function register(browser: Browser, username = uniqueName(), password = PASSWORD, options: { linkBrowserPosts?: boolean } = {}) {
  const fields: Record<string, string> = options.linkBrowserPosts ? { username, password, adoptBrowserPosts: 'yes' } : { username, password };
  const response = await browser.post('/register', fields);
  expect(response.status).toBe(303);
  expect(response.headers.get('location')).toMatch(/^\/me\?welcome=1(&linked=1)?$/);
  return username;
}

const storyFields = (overrides: Record<string, string | string[]> = {}) => ({
  title: 'I restarted the primary instead of the replica',
  body: '## What happened\n\nDuring a quiet afternoon I ran the restart against the wrong host and the checkout page went down for twenty minutes.\n\n## What I learned\n\nCheck twice.',
  tags: ['database'],
  lessons: 'Put the role in the shell prompt',
  experience: '1-2',
  outcome: 'talk',
  intent: 'publish',
  ...overrides,
});

async function postStory(browser: Browser, title: string): Promise<{ url: string; id: number }> {
  const response = await browser.post('/new', storyFields({ title }));
  expect(response.status).toBe(303);
  const url = response.headers.get('location')!;
  return { url, id: Number(url.match(/^\/stories\/(\d+)-/)![1]) };
}

async function postComment(browser: Browser, storyUrl: string, body: string): Promise<number> {
  const response = await browser.post(storyUrl, { intent: 'comment', body });
  expect(response.status).toBe(303);
  return Number(response.headers.get('location')!.match(/#c(\d+)$/)![1]);
}

function sessionSetCookie(response: Response, name = 'session'): string | undefined {
  return response.headers.getSetCookie().find((line) => line.startsWith(`${name}=`));
}

function userRow(username: string) {
  return readDb((db) => db.prepare('SELECT * FROM users WHERE username = ?').get(username) as { id: string; password_hash: string; role: string } | undefined);
}

function sessionRows(userId: string) {
  return readDb((db) => db.prepare('SELECT * FROM auth_sessions WHERE user_id = ?').all(userId) as { id: string; expires_at: number; created_at: number }[]);
}

describe('registering', () => {
  it('creates the account, logs the person in and greets them on /me', async () => {
    const browser = new Browser(server.origin);
    const username = await register(browser);
    expect(browser.cookies.get('session')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const me = await browser.get('/me?welcome=1');
    expect(me.status).toBe(200);
    const html = await me.text();
    expect(html).toContain(`Hello, ${username}`);
    expect(html).toMatch(/Your account is ready/);
    expect(me.headers.get('cache-control')).toBe('no-store');
  });

  it('stores the password only as an argon2id hash', async () => {
    const username = await register(new Browser(server.origin));
    const row = userRow(username)!;
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row.password_hash).not.toContain(PASSWORD);
    expect(row.role).toBe('member');
  });

  it('stores the username in lowercase and lets the person log in with any case', async () => {
    const name = uniqueName('MixedCase');
    await register(new Browser(server.origin), name);
    expect(userRow(name.toLowerCase())).toBeDefined();
    const login = await new Browser(server.origin).post('/login', { username: name.toUpperCase(), password: PASSWORD });
    expect(login.status).toBe(303);
  });

  it.each([
    ['ab', PASSWORD, /Choose a username of 3–24 characters\./],
    ['a'.repeat(25), PASSWORD, /Choose a username of 3–24 characters\./],
    ['has space', PASSWORD, /Use only lowercase letters a–z, digits, “_” and “-”\./],
    ['dots.not.allowed', PASSWORD, /Use only lowercase letters a–z, digits, “_” and “-”\./],
    ['emoji😀name', PASSWORD, /Use only lowercase letters/],
  ])('refuses the username %j with a 400 beside the field and keeps what was typed', async (username, password, message) => {
    const response = await new Browser(server.origin).post('/register', { username, password });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toMatch(new RegExp(`id="username-error"[^>]*>${message.source}`));
    expect(html).toContain(`value="${username}"`);
    expect(html).not.toContain(password);
    expect(userRow(username.toLowerCase())).toBeUndefined();
  });

  it('accepts a username of exactly 3 and of exactly 24 allowed characters', async () => {
    const three = `${String.fromCharCode(97 + (process.pid % 26))}_${counter % 10}`;
    const twentyFour = `${uniqueName('x')}`.padEnd(24, '-');
    for (const name of [three, twentyFour]) {
      const response = await new Browser(server.origin).post('/register', { username: name, password: PASSWORD });
      expect(response.status).toBe(303);
    }
  });

  it.each([
    ['tr0ub4dor', /Use at least 10 characters\./],
    ['password123', /That password is on a list of commonly used passwords/],
    ['QWERTYUIOP', /That password is on a list of commonly used passwords/],
  ])('refuses the password %j with a 400 beside the field, without echoing it', async (password, message) => {
    const username = uniqueName();
    const response = await new Browser(server.origin).post('/register', { username, password });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toMatch(new RegExp(`id="password-error"[^>]*>${message.source}`));
    expect(html).toContain(`value="${username}"`);
    expect(html).not.toContain(`value="${password}"`);
    expect(userRow(username)).toBeUndefined();
    expect(response.headers.getSetCookie().some((line) => line.startsWith('session='))).toBe(false);
  });

  it('refuses a taken username with 409, whatever its case', async () => {
    const username = await register(new Browser(server.origin));
    const response = await new Browser(server.origin).post('/register', { username: username.toUpperCase(), password: 'someone else entirely 42' });
    expect(response.status).toBe(409);
    expect(await response.text()).toMatch(/That username is taken/);
  });

  it('signs in to the account just made when the same form is sent again with its password', async () => {
    const username = await register(new Browser(server.origin));
    const again = await new Browser(server.origin).post('/register', { username, password: PASSWORD });
    expect(again.status).toBe(303);
    expect(again.headers.getSetCookie().some((line) => line.startsWith('session='))).toBe(true);
  });

  it('refuses a form whose honeypot field was filled and creates no account', async () => {
    const username = uniqueName();
    const response = await new Browser(server.origin).post('/register', { username, password: PASSWORD, website: 'http://spam.example' });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain(`value="${username}"`);
    expect(userRow(username)).toBeUndefined();
  });

  it('sends a logged-in person who opens /register or /login to /me', async () => {
    const browser = new Browser(server.origin);
    await register(browser);
    for (const path of ['/register', '/login']) {
      const response = await browser.get(path);
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('/me');
    }
  });
});

describe('the session cookie', () => {
  it('over http is called "session" and is HttpOnly, SameSite=Lax, Path=/, not Secure, for 30 days', async () => {
    const response = await new Browser(server.origin).post('/register', { username: uniqueName(), password: PASSWORD });
    const line = sessionSetCookie(response)!;
    expect(line).toBeDefined();
    const attributes = line.split(';').slice(1).map((a) => a.trim().toLowerCase());
    expect(attributes).toContain('httponly');
    expect(attributes).toContain('samesite=lax');
    expect(attributes).toContain('path=/');
    expect(attributes).toContain('max-age=2592000');
    expect(attributes).not.toContain('secure');
    expect(attributes.some((a) => a.startsWith('domain='))).toBe(false);
    expect(response.headers.getSetCookie().some((l) => l.startsWith('__Host-session='))).toBe(false);
  });

  it('over https is called "__Host-session" and is Secure, HttpOnly, SameSite=Lax, Path=/ without a Domain', async () => {
    const httpsOrigin = server.origin.replace('http:', 'https:');
    const browser = new Browser(server.origin, { 'x-forwarded-proto': 'https', origin: httpsOrigin });
    const response = await browser.post('/register', { username: uniqueName(), password: PASSWORD });
    expect(response.status).toBe(303);
    const line = sessionSetCookie(response, '__Host-session')!;
    expect(line).toBeDefined();
    const attributes = line.split(';').slice(1).map((a) => a.trim().toLowerCase());
    expect(attributes).toContain('secure');
    expect(attributes).toContain('httponly');
    expect(attributes).toContain('samesite=lax');
    expect(attributes).toContain('path=/');
    expect(attributes.some((a) => a.startsWith('domain='))).toBe(false);
    expect(sessionSetCookie(response, 'session')).toBeUndefined();
    // The https cookie identifies the person on https requests.
    expect(await (await browser.get('/me')).text()).toMatch(/Hello, /);
  });

  it('is kept at rest only as its SHA-256: the session id is the hash and the token is nowhere in the database', async () => {
    const browser = new Browser(server.origin);
    const username = await register(browser);
    const token = browser.cookies.get('session')!;
    const user = userRow(username)!;
    const sessions = sessionRows(user.id);
    expect(sessions).toHaveLength(1);
    expect(sessions[0].id).toBe(sha256(token));
    const found = readDb((db) => {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
      return tables.filter(({ name }) => {
        const rows = db.prepare(`SELECT * FROM "${name}"`).raw().all() as unknown[][];
        return rows.some((row) => row.some((value) => typeof value === 'string' && value.includes(token)));
      });
    });
    expect(found).toEqual([]);
  });

  it('a made-up or copied-from-the-database value does not log anyone in', async () => {
    const browser = new Browser(server.origin);
    const username = await register(browser);
    const storedId = sessionRows(userRow(username)!.id)[0].id;
    for (const value of [storedId, 'A'.repeat(43)]) {
      const intruder = new Browser(server.origin);
      intruder.cookies.set('session', value);
      const response = await intruder.get('/me');
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('/login?next=/me');
    }
  });
});

describe('session expiry', () => {
  // Default mode only: the test ages the session by writing to the database file.
  it.skipIf(testDriver === 'libsql')('a session past its sliding expiry logs nobody in, and the cookie is cleared', async () => {
    const browser = new Browser(server.origin);
    const username = await register(browser);
    const userId = userRow(username)!.id;
    writeDb((db) => db.prepare('UPDATE auth_sessions SET expires_at = ? WHERE user_id = ?').run(Math.floor(Date.now() / 1000) - 1, userId));
    const response = await browser.get('/me');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/login?next=/me');
    expect(response.headers.getSetCookie().some((line) => line.startsWith('session=') && /max-age=0|expires=thu, 01 jan 1970/i.test(line))).toBe(true);
    expect(browser.cookies.has('session')).toBe(false);
    expect(sessionRows(userId)).toHaveLength(0);
  });

  // Default mode only: the test ages the session by writing to the database file.
  it.skipIf(testDriver === 'libsql')('a session used in the second half of its 30 days slides to 30 days from now, with a refreshed cookie', async () => {
    const browser = new Browser(server.origin);
    const username = await register(browser);
    const userId = userRow(username)!.id;
    const nowSeconds = Math.floor(Date.now() / 1000);
    writeDb((db) => db.prepare('UPDATE auth_sessions SET expires_at = ? WHERE user_id = ?').run(nowSeconds + 10 * 24 * 3600, userId));
    const response = await browser.get('/');
    expect(response.status).toBe(200);
    const line = sessionSetCookie(response)!;
    expect(line).toMatch(/Max-Age=2592000/i);
    const [row] = sessionRows(userId);
    expect(row.expires_at).toBeGreaterThanOrEqual(nowSeconds + 30 * 24 * 3600 - 5);
    expect(row.expires_at).toBeLessThanOrEqual(nowSeconds + 30 * 24 * 3600 + 5);
  });

  // Default mode only: the test ages the session by writing to the database file.
  it.skipIf(testDriver === 'libsql')('a session older than its 90-day absolute lifetime ends even if it was used yesterday', async () => {
    const browser = new Browser(server.origin);
    const username = await register(browser);
    const userId = userRow(username)!.id;
    writeDb((db) =>
      db.prepare('UPDATE auth_sessions SET created_at = ?, expires_at = ? WHERE user_id = ?').run(Date.now() - 91 * DAY_MS, Math.floor(Date.now() / 1000) + 29 * 24 * 3600, userId),
    );
    const response = await browser.get('/me');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/login?next=/me');
    expect(sessionRows(userId)).toHaveLength(0);
  });

  it('a session 89 days old that is still within its sliding window keeps working', async () => {
    const browser = new Browser(server.origin);
    const username = await register(browser);
    const userId = userRow(username)!.id;
    writeDb((db) => db.prepare('UPDATE auth_sessions SET created_at = ? WHERE user_id = ?').run(Date.now() - 89 * DAY_MS, userId));
    const response = await browser.get('/me');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain(`Hello, ${username}`);
  });
});

describe('logging in', () => {
  it('with the right password starts a session and goes to /me', async () => {
    const username = await register(new Browser(server.origin));
    const browser = new Browser(server.origin);
    const response = await browser.post('/login', { username, password: PASSWORD });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/me');
    expect(sessionSetCookie(response)).toMatch(/HttpOnly/i);
    expect(await (await browser.get('/me')).text()).toContain(`Hello, ${username}`);
    expect(sessionRows(userRow(username)!.id)).toHaveLength(2);
  });

  it('with a wrong password or an unknown name answers 400 with the same message and keeps the username', async () => {
    const username = await register(new Browser(server.origin));
    const wrong = await new Browser(server.origin).post('/login', { username, password: 'not the right password' });
    const unknown = await new Browser(server.origin).post('/login', { username: 'nobody-has-this', password: PASSWORD });
    for (const [response, typed] of [[wrong, username], [unknown, 'nobody-has-this']] as const) {
      expect(response.status).toBe(400);
      expect(sessionSetCookie(response)).toBeUndefined();
      const html = await response.text();
      expect(html).toContain('That username and password do not match. Check both and try again.');
      expect(html).toContain(`value="${typed}"`);
    }
  });

  it('returns to a local "next" address but never to another site', async () => {
    const username = await register(new Browser(server.origin));
    const cases: [string, string][] = [
      ['/tags', '/tags'],
      ['https://evil.example/', '/me'],
      ['//evil.example/x', '/me'],
    ];
    for (const [next, expected] of cases) {
      const response = await new Browser(server.origin).post('/login', { username, password: PASSWORD, next });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe(expected);
    }
  });

  it('switching accounts in one browser ends the session it replaces on the server', async () => {
    const browser = new Browser(server.origin);
    const first = await register(browser);
    const firstToken = browser.cookies.get('session')!;
    const second = await register(browser);
    expect(sessionRows(userRow(first)!.id)).toHaveLength(0);
    const third = await register(new Browser(server.origin));
    expect((await browser.post('/login', { username: third, password: PASSWORD })).status).toBe(303);
    expect(sessionRows(userRow(second)!.id)).toHaveLength(0);
    expect(await (await browser.get('/me')).text()).toContain(`Hello, ${third}`);
    const replay = new Browser(server.origin);
    replay.cookies.set('session', firstToken);
    expect((await replay.get('/me')).status).toBe(302);
  });

  it('refuses a form whose honeypot field was filled', async () => {
    const username = await register(new Browser(server.origin));
    const response = await new Browser(server.origin).post('/login', { username, password: PASSWORD, website: 'x' });
    expect(response.status).toBe(400);
    expect(sessionSetCookie(response)).toBeUndefined();
  });

  it('an empty login form is a 400 with a message, not a 500', async () => {
    const response = await new Browser(server.origin).post('/login', {});
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/do not match/);
  });
});

describe('logging out', () => {
  it('ends the session on the server: the old cookie no longer works even if replayed', async () => {
    const browser = new Browser(server.origin);
    const username = await register(browser);
    const token = browser.cookies.get('session')!;
    const userId = userRow(username)!.id;
    expect(sessionRows(userId)).toHaveLength(1);

    const response = await browser.post('/logout', {});
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/logout?done=1');
    expect(response.headers.getSetCookie().some((line) => line.startsWith('session=') && /max-age=0|expires=thu, 01 jan 1970/i.test(line))).toBe(true);
    expect(browser.cookies.has('session')).toBe(false);
    expect(sessionRows(userId)).toHaveLength(0);

    const replay = new Browser(server.origin);
    replay.cookies.set('session', token);
    const me = await replay.get('/me');
    expect(me.status).toBe(302);
    expect(me.headers.get('location')).toBe('/login?next=/me');
  });

  it('ends only this session: the same account logged in elsewhere stays logged in', async () => {
    const here = new Browser(server.origin);
    const username = await register(here);
    const elsewhere = new Browser(server.origin);
    expect((await elsewhere.post('/login', { username, password: PASSWORD })).status).toBe(303);
    await here.post('/logout', {});
    expect((await elsewhere.get('/me')).status).toBe(200);
  });

  it('refuses a cross-site logout and keeps the session', async () => {
    const browser = new Browser(server.origin);
    await register(browser);
    const response = await browser.post('/logout', {}, { origin: 'https://evil.example' });
    expect(response.status).toBe(403);
    expect((await browser.get('/me')).status).toBe(200);
  });

  it('offers a logout button on GET and changes nothing', async () => {
    const browser = new Browser(server.origin);
    const username = await register(browser);
    const page = await browser.get('/logout');
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(new RegExp(`<form method="post" action="/logout"><button[^>]*>Log out of ${username}`));
    expect((await browser.get('/me')).status).toBe(200);
  });
});

describe('changing the password', () => {
  it('ends every other session, keeps this browser logged in, and only the new password works afterwards', async () => {
    const here = new Browser(server.origin);
    const username = await register(here);
    const elsewhere = new Browser(server.origin);
    await elsewhere.post('/login', { username, password: PASSWORD });
    const userId = userRow(username)!.id;
    expect(sessionRows(userId)).toHaveLength(2);
    const oldToken = here.cookies.get('session');

    const newPassword = 'a different sentence entirely';
    const response = await here.post('/me', { action: 'change-password', currentPassword: PASSWORD, newPassword });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/me?password=changed');
    expect(here.cookies.get('session')).not.toBe(oldToken);

    const sessions = sessionRows(userId);
    expect(sessions).toHaveLength(1);
    expect(sessions[0].id).toBe(sha256(here.cookies.get('session')!));
    expect((await here.get('/me?password=changed')).status).toBe(200);
    const other = await elsewhere.get('/me');
    expect(other.status).toBe(302);
    expect(other.headers.get('location')).toBe('/login?next=/me');

    expect((await new Browser(server.origin).post('/login', { username, password: PASSWORD })).status).toBe(400);
    expect((await new Browser(server.origin).post('/login', { username, password: newPassword })).status).toBe(303);
  });

  it('refuses a wrong current password with a 400 beside the field and ends no session', async () => {
    const here = new Browser(server.origin);
    const username = await register(here);
    const response = await here.post('/me', { action: 'change-password', currentPassword: 'wrong wrong wrong', newPassword: 'a different sentence entirely' });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/id="currentPassword-error"[^>]*>Your current password is not right\./);
    expect(sessionRows(userRow(username)!.id)).toHaveLength(1);
    expect((await new Browser(server.origin).post('/login', { username, password: PASSWORD })).status).toBe(303);
  });

  it('refuses a common new password with a 400 beside the field', async () => {
    const here = new Browser(server.origin);
    await register(here);
    const response = await here.post('/me', { action: 'change-password', currentPassword: PASSWORD, newPassword: 'password123' });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/id="newPassword-error"[^>]*>That password is on a list of commonly used passwords/);
  });
});

describe('linking a browser’s anonymous posts to an account (only when asked)', () => {
  it('registering with the box ticked links the browser’s story and comment, shown on /me', async () => {
    const browser = new Browser(server.origin);
    const story = await postStory(browser, `Adopted on register ${uniqueName()}`);
    expect(browser.cookies.get('rop_author')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await postComment(browser, story.url, 'A comment that should follow me into my account');
    const form = await (await browser.get('/register')).text();
    expect(form).toMatch(/<input type="checkbox" name="adoptBrowserPosts" value="yes"(?![^>]*checked)[^>]*>\s*Link the 1 story and 1 comment this browser wrote without an account to my account/);

    await register(browser, uniqueName(), PASSWORD, { linkBrowserPosts: true });
    const me = await (await browser.get('/me')).text();
    expect(me).toContain(story.url);
    expect(me).toMatch(/Adopted on register/);
    expect(me).toContain('A comment that should follow me into my account');
  });

  it('registering without ticking the box links nothing; /me offers it, saying how much, and links on request', async () => {
    const browser = new Browser(server.origin);
    const title = `Not adopted silently ${uniqueName()}`;
    const story = await postStory(browser, title);
    await postComment(browser, story.url, 'A comment left unlinked until asked');
    await register(browser);
    const before = await (await browser.get('/me')).text();
    expect(before).not.toContain(story.url);
    expect(before).toContain('This browser wrote 1 story and 1 comment without an account.');

    const linked = await browser.post('/me', { action: 'link-browser-posts' });
    expect(linked.status).toBe(303);
    expect(linked.headers.get('location')).toBe('/me?linked=1');
    const after = await (await browser.get('/me?linked=1')).text();
    expect(after).toContain(story.url);
    expect(after).toContain('A comment left unlinked until asked');
    expect(after).not.toContain('This browser wrote');
  });

  it('logging in on a shared browser does not hand the account someone else’s anonymous story or comment', async () => {
    const owner = new Browser(server.origin);
    const username = await register(owner);
    const shared = new Browser(server.origin);
    const title = `Written by the first person at a shared desk ${uniqueName()}`;
    const story = await postStory(shared, title);
    const commentId = await postComment(shared, story.url, 'Anonymous comment from the shared desk');

    expect((await shared.post('/login', { username, password: PASSWORD })).status).toBe(303);
    const me = await (await shared.get('/me')).text();
    expect(me).not.toContain(title);
    // Neither edit nor delete of the first person's story is open to the account.
    for (const action of ['edit-story', 'delete-story']) {
      const refused = await shared.post('/me', { action, story: String(story.id) });
      expect(refused.status, action).toBe(404);
      expect(await refused.text()).toContain('That story is not yours or no longer exists.');
    }
    expect((await fetch(`${server.origin}${story.url}`)).status).toBe(200);
    expect(me).not.toContain('Anonymous comment from the shared desk');
    // The logged-in person is not treated as the comment's writer on the story page either.
    const deleteForm = new RegExp(`name="intent" value="delete-comment"[^>]*>\\s*<input type="hidden" name="comment" value="${commentId}"`);
    expect(await (await shared.get(story.url)).text()).not.toMatch(deleteForm);
    expect((await shared.post(story.url, { intent: 'delete-comment', comment: String(commentId) })).status).toBe(403);
    expect(await (await fetch(`${server.origin}${story.url}`)).text()).toContain('Anonymous comment from the shared desk');
    // Nor when writing: a comment while logged in belongs to the account, not to the browser's key.
    await postComment(shared, story.url, 'Comment by the logged-in person');
    expect(readDb((db) => db.prepare('SELECT count(*) AS n FROM authors WHERE user_id IS NOT NULL AND id = (SELECT author_id FROM stories WHERE id = ?)').get(story.id))).toEqual({ n: 0 });
  });

  it('logging in with the box ticked links the browser’s anonymous comment', async () => {
    const owner = new Browser(server.origin);
    const username = await register(owner);
    const story = await postStory(owner, `A story someone else comments on ${uniqueName()}`);

    const laptop = new Browser(server.origin);
    await postComment(laptop, story.url, 'Written on the laptop before logging in');
    expect(await (await laptop.get('/login')).text()).toContain('Link the 1 comment this browser wrote without an account to my account');
    const login = await laptop.post('/login', { username, password: PASSWORD, adoptBrowserPosts: 'yes' });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/me?linked=1');
    const me = await (await laptop.get('/me')).text();
    expect(me).toContain('Written on the laptop before logging in');
    expect(me).toMatch(/A story someone else comments on/);
  });

  it('after linking, the account may delete that comment from another browser', async () => {
    const phone = new Browser(server.origin);
    const story = await postStory(phone, `Comment deleted from another device ${uniqueName()}`);
    const commentId = await postComment(phone, story.url, 'Typed on my phone, deleted from my laptop');
    const username = await register(phone, uniqueName(), PASSWORD, { linkBrowserPosts: true });

    const laptop = new Browser(server.origin);
    const stranger = new Browser(server.origin);
    await register(stranger);
    const deleteForm = new RegExp(`name="intent" value="delete-comment"[^>]*>\\s*<input type="hidden" name="comment" value="${commentId}"`);
    expect(await (await stranger.get(story.url)).text()).not.toMatch(deleteForm);
    const refused = await stranger.post(story.url, { intent: 'delete-comment', comment: String(commentId) });
    expect(refused.status).toBe(403);

    expect((await laptop.post('/login', { username, password: PASSWORD })).status).toBe(303);
    expect(await (await laptop.get(story.url)).text()).toMatch(deleteForm);
    const deleted = await laptop.post(story.url, { intent: 'delete-comment', comment: String(commentId) });
    expect(deleted.status).toBe(303);
    expect(await (await fetch(`${server.origin}${story.url}`)).text()).not.toContain('Typed on my phone');
  });

  it('keeps the linked content private: another account and the public story page show no owner', async () => {
    const browser = new Browser(server.origin);
    const title = `Private ownership ${uniqueName()}`;
    const story = await postStory(browser, title);
    const username = await register(browser, uniqueName(), PASSWORD, { linkBrowserPosts: true });

    const stranger = new Browser(server.origin);
    await register(stranger);
    expect(await (await stranger.get('/me')).text()).not.toContain(title);
    const publicPage = await (await fetch(`${server.origin}${story.url}`)).text();
    expect(publicPage).toContain(title);
    expect(publicPage).not.toContain(username);
    const json = await (await fetch(`${server.origin}/stories/${story.id}.json`)).text();
    expect(json).not.toContain(username);
  });

  it('logging out forgets the browser’s anonymous key and says so; the next anonymous story is not the account’s', async () => {
    const browser = new Browser(server.origin);
    await postStory(browser, `Before the account ${uniqueName()}`);
    const username = await register(browser, uniqueName(), PASSWORD, { linkBrowserPosts: true });
    const keyBefore = browser.cookies.get('rop_author');
    expect(keyBefore).toBeDefined();

    const logout = await browser.post('/logout', {});
    expect(logout.status).toBe(303);
    expect(logout.headers.getSetCookie().some((line) => line.startsWith('rop_author=') && /max-age=0|expires=thu, 01 jan 1970/i.test(line))).toBe(true);
    expect(browser.cookies.has('rop_author')).toBe(false);
    const page = await (await browser.get(logout.headers.get('location')!)).text();
    expect(page).toContain('You are logged out');
    expect(page).toContain('This browser has also forgotten the anonymous key');

    const title = `After logging out ${uniqueName()}`;
    await postStory(browser, title);
    expect(browser.cookies.get('rop_author')).not.toBe(keyBefore);
    const owner = new Browser(server.origin);
    expect((await owner.post('/login', { username, password: PASSWORD })).status).toBe(303);
    expect(await (await owner.get('/me')).text()).not.toContain(title);
  });

  it('does not take a key another account already linked', async () => {
    const browser = new Browser(server.origin);
    const title = `Owned by the first account ${uniqueName()}`;
    await postStory(browser, title);
    const key = browser.cookies.get('rop_author')!;
    await register(browser, uniqueName(), PASSWORD, { linkBrowserPosts: true });
    await browser.post('/logout', {});
    // Same key replayed (as if the cookie had survived), a second account asking to link it.
    browser.cookies.set('rop_author', key);
    const second = await register(browser, uniqueName(), PASSWORD, { linkBrowserPosts: true });
    const me = await (await browser.get('/me')).text();
    expect(me).toContain(`Hello, ${second}`);
    expect(me).not.toContain(title);
  });
});

describe('/me', () => {
  it('sends a visitor who is not logged in to the login page', async () => {
    const response = await new Browser(server.origin).get('/me');
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/login?next=/me');
  });

  it('opens the editor of one of my stories through a fresh private link', async () => {
    const browser = new Browser(server.origin);
    await register(browser);
    const story = await postStory(browser, `Story to edit from me ${uniqueName()}`);
    const response = await browser.post('/me', { action: 'edit-story', story: String(story.id) });
    expect(response.status).toBe(303);
    const location = response.headers.get('location')!;
    expect(location).toMatch(/^\/manage\/[A-Za-z0-9_-]{43}$/);
    const page = await browser.get(location);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/Story to edit from me/);
  });

  it('deletes one of my stories for real, and refuses to touch someone else’s', async () => {
    const owner = new Browser(server.origin);
    await register(owner);
    const mine = await postStory(owner, `Story to delete from me ${uniqueName()}`);

    const other = new Browser(server.origin);
    await register(other);
    for (const action of ['delete-story', 'edit-story']) {
      const refused = await other.post('/me', { action, story: String(mine.id) });
      expect(refused.status).toBe(404);
      expect(await refused.text()).toContain('That story is not yours or no longer exists.');
    }
    expect((await fetch(`${server.origin}${mine.url}`)).status).toBe(200);

    const deleted = await owner.post('/me', { action: 'delete-story', story: String(mine.id) });
    expect(deleted.status).toBe(303);
    expect(deleted.headers.get('location')).toBe('/me?story=deleted');
    expect((await fetch(`${server.origin}${mine.url}`)).status).toBe(404);
    expect(readDb((db) => db.prepare('SELECT count(*) AS n FROM stories WHERE id = ?').get(mine.id) as { n: number }).n).toBe(0);
  });
});

describe('deleting the account', () => {
  it('asks for the username as confirmation and changes nothing without it', async () => {
    const browser = new Browser(server.origin);
    const username = await register(browser);
    const response = await browser.post('/me', { action: 'delete-account', content: 'delete', confirm: 'not-my-name' });
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/id="confirm-error"[^>]*>Type your username to confirm\./);
    expect(userRow(username)).toBeDefined();
  });

  it('with "delete" removes the stories, comments, sessions and the account for real', async () => {
    const browser = new Browser(server.origin);
    const story = await postStory(browser, `Deleted with the account ${uniqueName()}`);
    const other = await postStory(new Browser(server.origin), `Someone else's story ${uniqueName()}`);
    const commentId = await postComment(browser, other.url, 'My comment leaves with my account');
    const username = await register(browser, uniqueName(), PASSWORD, { linkBrowserPosts: true });
    const userId = userRow(username)!.id;

    const response = await browser.post('/me', { action: 'delete-account', content: 'delete', confirm: username });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/?account=deleted');
    expect(browser.cookies.has('session')).toBe(false);
    expect(browser.cookies.has('rop_author')).toBe(false);

    expect((await fetch(`${server.origin}${story.url}`)).status).toBe(404);
    expect(await (await fetch(`${server.origin}${other.url}`)).text()).not.toContain('My comment leaves with my account');
    readDb((db) => {
      expect(db.prepare('SELECT count(*) AS n FROM users WHERE id = ?').get(userId)).toEqual({ n: 0 });
      expect(db.prepare('SELECT count(*) AS n FROM auth_sessions WHERE user_id = ?').get(userId)).toEqual({ n: 0 });
      expect(db.prepare('SELECT count(*) AS n FROM authors WHERE user_id = ?').get(userId)).toEqual({ n: 0 });
      expect(db.prepare('SELECT count(*) AS n FROM stories WHERE id = ?').get(story.id)).toEqual({ n: 0 });
      expect(db.prepare("SELECT count(*) AS n FROM comments WHERE body_markdown LIKE '%leaves with my account%'").get()).toEqual({ n: 0 });
      expect(db.prepare('SELECT count(*) AS n FROM comments WHERE id = ?').get(commentId)).toEqual({ n: 0 });
    });
    expect((await new Browser(server.origin).post('/login', { username, password: PASSWORD })).status).toBe(400);
  });

  it('with "keep" leaves the stories and comments up, anonymous and linked to nobody', async () => {
    const browser = new Browser(server.origin);
    const title = `Kept after the account goes ${uniqueName()}`;
    const story = await postStory(browser, title);
    const commentId = await postComment(browser, story.url, 'My comment stays behind, unlinked');
    const username = await register(browser, uniqueName(), PASSWORD, { linkBrowserPosts: true });
    const userId = userRow(username)!.id;

    const response = await browser.post('/me', { action: 'delete-account', content: 'keep', confirm: username });
    expect(response.status).toBe(303);

    const page = await fetch(`${server.origin}${story.url}`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(title);
    expect(html).toContain('My comment stays behind, unlinked');
    readDb((db) => {
      expect(db.prepare('SELECT author_id FROM stories WHERE id = ?').get(story.id)).toEqual({ author_id: null });
      expect(db.prepare('SELECT author_id FROM comments WHERE id = ?').get(commentId)).toEqual({ author_id: null });
      expect(db.prepare('SELECT count(*) AS n FROM users WHERE id = ?').get(userId)).toEqual({ n: 0 });
      expect(db.prepare('SELECT count(*) AS n FROM authors WHERE user_id = ?').get(userId)).toEqual({ n: 0 });
    });
  });
});
