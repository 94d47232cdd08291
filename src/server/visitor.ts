/**
 * Who is writing: the anonymous author key from the cookie and, later, the logged-in account.
 * A key is issued only on a person's first write, never to someone who only reads.
 */
import type { AstroCookies } from 'astro';
import type { Db } from './db';
import {
  AUTHOR_COOKIE,
  findAuthorByKey,
  findPrimaryAuthorOfUser,
  getOrCreateAuthor,
  newAuthorKey,
  adoptAuthor,
  listAuthorsOfUser,
} from './authors';
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
export function currentAuthorId(db: Db, context: VisitorContext): number | null {
  const user = context.locals.user;
  if (user) return findPrimaryAuthorOfUser(db, user.id)?.id ?? null;
  return findAuthorByKey(db, context.cookies.get(AUTHOR_COOKIE)?.value)?.id ?? null;
}

/**
 * The actor for a write. Logged-in people act as their account's first author (so they keep one
 * pseudonym per story on every device); others get their cookie key, issued now if missing.
 */
export function ensureActor(db: Db, context: VisitorContext): Actor {
  const user = context.locals.user;
  const key = context.cookies.get(AUTHOR_COOKIE)?.value;
  if (user) {
    const primary = findPrimaryAuthorOfUser(db, user.id);
    if (primary) return { authorId: primary.id, userId: user.id };
    const fromCookie = findAuthorByKey(db, key);
    if (fromCookie && fromCookie.userId === null) {
      adoptAuthor(db, fromCookie.id, user.id);
      return { authorId: fromCookie.id, userId: user.id };
    }
    const created = getOrCreateAuthor(db, newAuthorKey());
    adoptAuthor(db, created.id, user.id);
    return { authorId: created.id, userId: user.id };
  }
  const known = findAuthorByKey(db, key);
  if (known) return { authorId: known.id, userId: known.userId };
  const freshKey = newAuthorKey();
  const author = getOrCreateAuthor(db, freshKey);
  context.cookies.set(AUTHOR_COOKIE, freshKey, cookieOptions(context.url, YEAR_SECONDS));
  return { authorId: author.id, userId: null };
}

/** Every author id that is this visitor (all of an account's keys, or the cookie's key). */
export function currentAuthorIds(db: Db, context: VisitorContext): number[] {
  const user = context.locals.user;
  const ids = new Set<number>();
  if (user) for (const author of listAuthorsOfUser(db, user.id)) ids.add(author.id);
  const fromCookie = findAuthorByKey(db, context.cookies.get(AUTHOR_COOKIE)?.value);
  if (fromCookie && (!user || fromCookie.userId === user.id || fromCookie.userId === null)) ids.add(fromCookie.id);
  return [...ids];
}
