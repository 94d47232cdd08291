/**
 * Who is writing: the anonymous author key from the cookie and, later, the logged-in account.
 * A key is issued only on a person's first write, never to someone who only reads.
 */
import type { AstroCookies } from 'astro';
import type { Db } from './transaction';
import {
  AUTHOR_COOKIE,
  findAuthorByKey,
  findPrimaryAuthorOfUser,
  getOrCreateAuthor,
  newAuthorKey,
  adoptAuthor,
  listAuthorsOfUser,
  countAuthorWork,
  hashAuthorKey,
} from './authors';
import { looksLikeToken } from './crypto';
import { preparedAll } from './statements';
import type { Actor } from './comments';

const YEAR_SECONDS = 365 * 24 * 60 * 60;

export interface VisitorContext {
  cookies: AstroCookies;
  url: URL;
  locals: App.Locals;
}

/** Cookie options shared by every cookie we set: never readable by scripts, never cross-site. */
export function cookieOptions(url: URL, maxAgeSeconds: number, path = '/') {
  return {
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: url.protocol === 'https:',
    path,
    maxAge: maxAgeSeconds,
  };
}

/** The author id of the current visitor if they have written before, without creating one. */
export async function currentAuthorId(db: Db, context: VisitorContext): Promise<number | null> {
  // Every personal feed page asks this (for its "been there" marks): kept statements, ids only.
  const user = context.locals.user;
  if (user) {
    const [primary] = await preparedAll<{ id: number }>(db, 'SELECT id FROM authors WHERE user_id = ? ORDER BY id LIMIT 1', user.id);
    return primary?.id ?? null;
  }
  const key = context.cookies.get(AUTHOR_COOKIE)?.value;
  if (!key || !looksLikeToken(key)) return null;
  const [author] = await preparedAll<{ id: number }>(db, 'SELECT id FROM authors WHERE key_hash = ?', hashAuthorKey(key));
  return author?.id ?? null;
}

/**
 * The actor for a write. Logged-in people act as their account's first author (so they keep one
 * pseudonym per story on every device); others get their cookie key, issued now if missing.
 * A logged-in person never takes over the browser's anonymous key without asking (see
 * adoptBrowserAuthor): on a shared computer it may be someone else's.
 */
export async function ensureActor(db: Db, context: VisitorContext): Promise<Actor> {
  const user = context.locals.user;
  const key = context.cookies.get(AUTHOR_COOKIE)?.value;
  if (user) {
    const primary = await findPrimaryAuthorOfUser(db, user.id);
    if (primary) return { authorId: primary.id, userId: user.id };
    const created = await getOrCreateAuthor(db, newAuthorKey());
    await adoptAuthor(db, created.id, user.id);
    return { authorId: created.id, userId: user.id };
  }
  const known = await findAuthorByKey(db, key);
  if (known) return { authorId: known.id, userId: known.userId };
  const freshKey = newAuthorKey();
  const author = await getOrCreateAuthor(db, freshKey);
  context.cookies.set(AUTHOR_COOKIE, freshKey, cookieOptions(context.url, YEAR_SECONDS));
  return { authorId: author.id, userId: null };
}

/**
 * Every author id that is this visitor: a logged-in person's account keys only (the browser's
 * anonymous key stays someone else's until they choose to link it), or the cookie's key.
 * Oldest first, so the first is currentAuthorId()'s answer: a page that needs both asks once.
 */
export async function currentAuthorIds(db: Db, context: VisitorContext): Promise<number[]> {
  const user = context.locals.user;
  if (user) return (await listAuthorsOfUser(db, user.id)).map((author) => author.id);
  const fromCookie = await findAuthorByKey(db, context.cookies.get(AUTHOR_COOKIE)?.value);
  return fromCookie ? [fromCookie.id] : [];
}

/** The checkbox on /login and /register (off by default) that links this browser's anonymous posts. */
export const ADOPT_FIELD = 'adoptBrowserPosts';

/** What this browser wrote without an account and no account has linked yet; null when nothing. */
export async function unlinkedBrowserWork(db: Db, context: VisitorContext): Promise<{ stories: number; comments: number } | null> {
  const author = await findAuthorByKey(db, context.cookies.get(AUTHOR_COOKIE)?.value);
  if (!author || author.userId !== null) return null;
  const work = await countAuthorWork(db, author.id);
  return work.stories + work.comments > 0 ? work : null;
}

/** Links the browser's anonymous key to an account, only when the person asked for it. */
export async function adoptBrowserAuthor(db: Db, context: VisitorContext, userId: string): Promise<boolean> {
  const author = await findAuthorByKey(db, context.cookies.get(AUTHOR_COOKIE)?.value);
  if (!author || author.userId !== null) return false;
  await adoptAuthor(db, author.id, userId);
  return true;
}

/** Forgets the browser's anonymous key (on logout), so the next person here cannot act as its writer. */
export function forgetAuthorKey(context: VisitorContext): void {
  if (context.cookies.has(AUTHOR_COOKIE)) context.cookies.delete(AUTHOR_COOKIE, { path: '/' });
}
