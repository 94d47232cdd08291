/**
 * Accounts and sessions on a real (temporary) database: registration rules, password checks,
 * what a session stores, sliding and absolute expiry, invalidation, adoption, account deletion.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHash } from 'node:crypto';
import { createTestDb, type TestDb } from '../helpers/db';
import { makeStory, newAuthor } from '../helpers/factories';
import {
  authenticate,
  changePassword,
  checkUsername,
  deleteAccount,
  getUserByUsername,
  listOwnContent,
  registerUser,
  setUserRole,
} from '../../src/server/accounts';
import {
  createAuthSession,
  invalidateAuthSession,
  invalidateUserSessions,
  purgeExpiredSessions,
  sessionCookieName,
  SESSION_ABSOLUTE_LIFETIME_MS,
  validateSessionToken,
} from '../../src/server/auth/session';
import { adoptAuthor, getOrCreateAuthor, newAuthorKey, findAuthorByKey } from '../../src/server/authors';
import { addComment } from '../../src/server/comments';
import { toggleBeenThere } from '../../src/server/reactions';
import { ServiceError } from '../../src/server/errors';

const PASSWORD = 'the pager went off at three';
const DAY = 24 * 60 * 60 * 1000;
const START = new Date('2030-01-01T00:00:00Z').getTime();

let t: TestDb;
beforeEach(async () => {
  t = await createTestDb();
});
afterEach(async () => {
  vi.useRealTimers();
  t.cleanup();
});

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
/** Lucia reads Date.now() itself, so expiry tests move the clock rather than pass `now`. */
const setClock = (ms: number) => vi.setSystemTime(ms);

async function rejection(promise: Promise<unknown>): Promise<ServiceError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ServiceError);
    return error as ServiceError;
  }
  throw new Error('expected the promise to reject');
}

async function sessionCount(userId: string): Promise<number> {
  return Number((await t.row<{ n: number }>('SELECT count(*) AS n FROM auth_sessions WHERE user_id = ?', userId))!.n);
}

describe('usernames', () => {
  it('accept 3 to 24 of a–z, 0–9, "_" and "-", lowercased and trimmed', async () => {
    expect(checkUsername('abc')).toEqual({ ok: true, username: 'abc' });
    expect(checkUsername('  Night_Shift-42 ')).toEqual({ ok: true, username: 'night_shift-42' });
    expect(checkUsername('a'.repeat(24))).toEqual({ ok: true, username: 'a'.repeat(24) });
  });

  it('refuse too short, too long, and anything outside the allowed characters, saying why', async () => {
    expect(checkUsername('ab')).toEqual({ ok: false, message: 'Choose a username of 3–24 characters.' });
    expect(checkUsername('a'.repeat(25))).toEqual({ ok: false, message: 'Choose a username of 3–24 characters.' });
    for (const bad of ['has space', 'dot.name', 'émile', 'semi;colon', 'name@home', 'ünïcode']) {
      expect(checkUsername(bad)).toEqual({ ok: false, message: 'Use only lowercase letters a–z, digits, “_” and “-”.' });
    }
  });
});

describe('registering', () => {
  it('stores the lowercased name and an argon2id hash, never the password, as a member', async () => {
    const user = await registerUser(t.db, 'Night_Owl', PASSWORD, START);
    expect(user.username).toBe('night_owl');
    expect(user.role).toBe('member');
    expect(user.createdAt).toBe(START);
    expect(user.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(JSON.stringify(await t.rows('SELECT * FROM users'))).not.toContain(PASSWORD);
  });

  it('refuses a weak password beside the password field and a taken name beside the username field', async () => {
    const short = await rejection(registerUser(t.db, 'shorty', 'tr0ub4dor'));
    expect([short.code, short.field, short.message]).toEqual(['invalid', 'password', 'Use at least 10 characters.']);
    const common = await rejection(registerUser(t.db, 'common', 'password123'));
    expect(common.field).toBe('password');
    expect(common.message).toMatch(/commonly used passwords/);
    await registerUser(t.db, 'taken', PASSWORD);
    const taken = await rejection(registerUser(t.db, 'TAKEN', 'another long passphrase'));
    expect([taken.code, taken.field]).toEqual(['conflict', 'username']);
    expect(await t.row('SELECT count(*) AS n FROM users')).toEqual({ n: 1 });
  });

  it('treats the register form sent again with the same password as the same registration, for ten minutes', async () => {
    const now = Date.now();
    const first = await registerUser(t.db, 'twice', PASSWORD, now);
    expect((await registerUser(t.db, 'twice', PASSWORD, now + 1000)).id).toBe(first.id);
    const [together] = await Promise.all([registerUser(t.db, 'racing', PASSWORD, now), registerUser(t.db, 'racing', PASSWORD, now)]);
    expect(await t.row("SELECT count(*) AS n FROM users WHERE username = 'racing'")).toEqual({ n: 1 });
    expect(together.username).toBe('racing');
    const later = await rejection(registerUser(t.db, 'twice', PASSWORD, now + 11 * 60 * 1000));
    expect([later.code, later.field]).toEqual(['conflict', 'username']);
  });
});

describe('authenticating', () => {
  it('returns the user for the right password in any case of the name, and null otherwise', async () => {
    const user = await registerUser(t.db, 'casey', PASSWORD);
    expect((await authenticate(t.db, 'CASEY', PASSWORD))?.id).toBe(user.id);
    expect(await authenticate(t.db, 'casey', 'the pager went off at four')).toBeNull();
    expect(await authenticate(t.db, 'nobody', PASSWORD)).toBeNull();
  });
});

describe('sessions', () => {
  it('store only the SHA-256 of the token as the id, with the creation time', async () => {
    const user = await registerUser(t.db, 'hasher', PASSWORD);
    const { token } = await createAuthSession(t.db, user.id);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows = await t.rows<{ id: string; created_at: number }>('SELECT * FROM auth_sessions');
    expect(rows).toHaveLength(1);
    expect(rows[0].id).toBe(sha256(token));
    expect(JSON.stringify(rows)).not.toContain(token);
    // The stored id itself is not a token that validates.
    expect(await validateSessionToken(t.db, rows[0].id)).toBeNull();
  });

  it('validate to the user and role, and refuse a malformed or unknown token', async () => {
    const user = await registerUser(t.db, 'valid', PASSWORD);
    const { token } = await createAuthSession(t.db, user.id);
    const result = await validateSessionToken(t.db, token);
    expect(result?.user).toEqual({ id: user.id, username: 'valid', role: 'member' });
    await setUserRole(t.db, 'valid', 'moderator');
    expect((await validateSessionToken(t.db, token))?.user.role).toBe('moderator');
    expect(await validateSessionToken(t.db, 'not a token')).toBeNull();
    expect(await validateSessionToken(t.db, 'A'.repeat(43))).toBeNull();
  });

  it('expire 30 days after the last use (sliding), and the row is removed', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    setClock(START);
    const user = await registerUser(t.db, 'sleepy', PASSWORD);
    const { token, expiresAt } = await createAuthSession(t.db, user.id);
    expect(expiresAt.getTime()).toBe(START + 30 * DAY);

    setClock(START + 30 * DAY - 60_000);
    expect(await validateSessionToken(t.db, token)).not.toBeNull();
    // That use slid the expiry to 30 days from then; a quiet month later it is gone.
    setClock(START + 60 * DAY);
    expect(await validateSessionToken(t.db, token)).toBeNull();
    expect(await sessionCount(user.id)).toBe(0);
  });

  it('slide only when used in the second half of the window, and say so (fresh) so the cookie is renewed', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    setClock(START);
    const user = await registerUser(t.db, 'slider', PASSWORD);
    const { token } = await createAuthSession(t.db, user.id);

    setClock(START + 10 * DAY);
    const early = await validateSessionToken(t.db, token);
    expect(early?.session.fresh).toBe(false);
    expect(early?.session.expiresAt.getTime()).toBe(START + 30 * DAY);

    setClock(START + 20 * DAY);
    const late = await validateSessionToken(t.db, token);
    expect(late?.session.fresh).toBe(true);
    expect(late?.session.expiresAt.getTime()).toBe(START + 50 * DAY);
  });

  it('end after 90 days however often they are used (absolute lifetime), and the row is removed', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    setClock(START);
    const user = await registerUser(t.db, 'busy', PASSWORD);
    const { token } = await createAuthSession(t.db, user.id);
    expect(SESSION_ABSOLUTE_LIFETIME_MS).toBe(90 * DAY);
    for (let day = 15; day <= 90; day += 15) {
      setClock(START + day * DAY);
      expect(await validateSessionToken(t.db, token), `day ${day}`).not.toBeNull();
    }
    setClock(START + 90 * DAY + 60_000);
    expect(await validateSessionToken(t.db, token)).toBeNull();
    expect(await sessionCount(user.id)).toBe(0);
  });

  it('can be ended one at a time, or all at once for a user', async () => {
    const user = await registerUser(t.db, 'ender', PASSWORD);
    const other = await registerUser(t.db, 'bystander', PASSWORD);
    const a = await createAuthSession(t.db, user.id);
    const b = await createAuthSession(t.db, user.id);
    const c = await createAuthSession(t.db, other.id);

    await invalidateAuthSession(t.db, sha256(a.token));
    expect(await validateSessionToken(t.db, a.token)).toBeNull();
    expect(await validateSessionToken(t.db, b.token)).not.toBeNull();

    await invalidateUserSessions(t.db, user.id);
    expect(await validateSessionToken(t.db, b.token)).toBeNull();
    expect(await validateSessionToken(t.db, c.token)).not.toBeNull();
  });

  it('that nobody presents again are swept once past either expiry', async () => {
    const user = await registerUser(t.db, 'sweeper', PASSWORD);
    setClock(START);
    await createAuthSession(t.db, user.id, START);
    setClock(START + 10 * DAY);
    const recent = await createAuthSession(t.db, user.id, START + 10 * DAY);
    expect(await purgeExpiredSessions(t.db, START + 31 * DAY)).toBe(1);
    expect(await sessionCount(user.id)).toBe(1);
    expect(await purgeExpiredSessions(t.db, START + 41 * DAY)).toBe(1);
    expect(await validateSessionToken(t.db, recent.token)).toBeNull();
  });

  it('use the __Host- cookie name over https only', async () => {
    expect(sessionCookieName(new URL('https://stories.example/me'))).toBe('__Host-session');
    expect(sessionCookieName(new URL('http://localhost:4321/me'))).toBe('session');
  });
});

describe('changing the password', () => {
  it('checks the current password, then ends every session of the user (only theirs)', async () => {
    const user = await registerUser(t.db, 'changer', PASSWORD);
    const other = await registerUser(t.db, 'unrelated', PASSWORD);
    const s1 = await createAuthSession(t.db, user.id);
    const s2 = await createAuthSession(t.db, user.id);
    const s3 = await createAuthSession(t.db, other.id);

    const wrong = await rejection(changePassword(t.db, user.id, 'not my password at all', 'a brand new sentence'));
    expect([wrong.field, wrong.message]).toEqual(['currentPassword', 'Your current password is not right.']);
    expect(await sessionCount(user.id)).toBe(2);

    const weak = await rejection(changePassword(t.db, user.id, PASSWORD, 'password123'));
    expect(weak.field).toBe('newPassword');
    expect(await sessionCount(user.id)).toBe(2);

    await changePassword(t.db, user.id, PASSWORD, 'a brand new sentence');
    expect(await validateSessionToken(t.db, s1.token)).toBeNull();
    expect(await validateSessionToken(t.db, s2.token)).toBeNull();
    expect(await validateSessionToken(t.db, s3.token)).not.toBeNull();
    expect(await authenticate(t.db, 'changer', PASSWORD)).toBeNull();
    expect(await authenticate(t.db, 'changer', 'a brand new sentence')).not.toBeNull();
  });
});

describe('roles', () => {
  it('are set by username (any case) and report an unknown name', async () => {
    await registerUser(t.db, 'promoted', PASSWORD);
    expect(await setUserRole(t.db, 'PROMOTED', 'moderator')).toBe(true);
    expect((await getUserByUsername(t.db, 'promoted'))?.role).toBe('moderator');
    expect(await setUserRole(t.db, 'promoted', 'member')).toBe(true);
    expect((await getUserByUsername(t.db, 'promoted'))?.role).toBe('member');
    expect(await setUserRole(t.db, 'ghost', 'moderator')).toBe(false);
  });
});

describe('own content', () => {
  it('lists the stories and comments of every author key the account adopted, and nobody else’s', async () => {
    const user = await registerUser(t.db, 'owner', PASSWORD);
    const key = newAuthorKey();
    const author = await getOrCreateAuthor(t.db, key);
    const mine = await makeStory(t.db, { title: 'My own story about the cache' }, { authorId: author.id });
    const theirs = await makeStory(t.db, { title: 'Somebody else wrote this one' });
    await addComment(t.db, { storyId: theirs.id, parentId: null, body: 'My comment on their story', actor: { authorId: author.id, userId: null } });
    await addComment(t.db, { storyId: theirs.id, parentId: null, body: 'A stranger comment', actor: { authorId: await newAuthor(t.db), userId: null } });

    expect(await listOwnContent(t.db, user.id)).toEqual({ stories: [], comments: [] });
    await adoptAuthor(t.db, author.id, user.id);
    const own = await listOwnContent(t.db, user.id);
    expect(own.stories.map((s) => s.title)).toEqual(['My own story about the cache']);
    expect(own.stories[0].id).toBe(mine.id);
    expect(own.comments.map((c) => c.bodyMarkdown)).toEqual(['My comment on their story']);
    expect((await findAuthorByKey(t.db, key))?.userId).toBe(user.id);
  });

  it('adopting never takes a key that another account already owns', async () => {
    const first = await registerUser(t.db, 'first', PASSWORD);
    const second = await registerUser(t.db, 'second', PASSWORD);
    const author = await getOrCreateAuthor(t.db, newAuthorKey());
    await adoptAuthor(t.db, author.id, first.id);
    await adoptAuthor(t.db, author.id, second.id);
    expect((await t.row<{ user_id: string }>('SELECT user_id FROM authors WHERE id = ?', author.id))!.user_id).toBe(first.id);
  });
});

describe('deleting an account', () => {
  async function accountWithContent() {
    const user = await registerUser(t.db, 'leaver', PASSWORD);
    const author = await getOrCreateAuthor(t.db, newAuthorKey());
    await adoptAuthor(t.db, author.id, user.id);
    const story = await makeStory(t.db, { title: 'The leaver wrote this story' }, { authorId: author.id });
    const elsewhere = await makeStory(t.db, { title: 'Another person’s story' });
    const comment = await addComment(t.db, { storyId: elsewhere.id, parentId: null, body: 'The leaver commented here', actor: { authorId: author.id, userId: user.id } });
    await toggleBeenThere(t.db, elsewhere.id, author.id);
    const session = await createAuthSession(t.db, user.id);
    return { user, author, story, elsewhere, comment, session };
  }

  const row = (sql: string, ...params: unknown[]) => t.row(sql, ...params);

  it('with content deleted removes the stories, comments, reactions, author keys, sessions and the user for real', async () => {
    const { user, story, elsewhere, comment, session } = await accountWithContent();
    expect(await row('SELECT been_there_count AS n FROM stories WHERE id = ?', elsewhere.id)).toEqual({ n: 1 });
    await deleteAccount(t.db, user.id, { keepContent: false });
    expect(await row('SELECT count(*) AS n FROM users')).toEqual({ n: 0 });
    expect(await row('SELECT count(*) AS n FROM auth_sessions')).toEqual({ n: 0 });
    expect(await row('SELECT count(*) AS n FROM stories WHERE id = ?', story.id)).toEqual({ n: 0 });
    expect(await row('SELECT count(*) AS n FROM comments WHERE id = ?', comment.id)).toEqual({ n: 0 });
    expect(await row("SELECT count(*) AS n FROM comments WHERE body_markdown LIKE '%leaver commented%'")).toEqual({ n: 0 });
    expect(await row('SELECT count(*) AS n FROM authors WHERE user_id IS NOT NULL')).toEqual({ n: 0 });
    expect(await row('SELECT been_there_count AS n, comment_count AS c FROM stories WHERE id = ?', elsewhere.id)).toEqual({ n: 0, c: 0 });
    expect(await row("SELECT count(*) AS n FROM stories_fts WHERE stories_fts MATCH 'leaver'")).toEqual({ n: 0 });
    expect(await validateSessionToken(t.db, session.token)).toBeNull();
  });

  it('with content kept leaves the stories and comments up with no author, and removes the rest', async () => {
    const { user, author, story, comment, session } = await accountWithContent();
    await deleteAccount(t.db, user.id, { keepContent: true });
    expect(await row('SELECT author_id, title FROM stories WHERE id = ?', story.id)).toEqual({ author_id: null, title: 'The leaver wrote this story' });
    expect(await row('SELECT author_id, state FROM comments WHERE id = ?', comment.id)).toEqual({ author_id: null, state: 'visible' });
    expect(await row('SELECT count(*) AS n FROM authors WHERE id = ?', author.id)).toEqual({ n: 0 });
    expect(await row('SELECT count(*) AS n FROM users')).toEqual({ n: 0 });
    expect(await row('SELECT count(*) AS n FROM story_reactions')).toEqual({ n: 0 });
    expect(await validateSessionToken(t.db, session.token)).toBeNull();
  });
});
