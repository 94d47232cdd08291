/**
 * Anonymous authors. A person who writes without an account gets a random key in a cookie; the
 * database keeps only a keyed hash of it, so it knows "same person" without knowing who.
 */
import { and, eq, isNull, asc, count } from 'drizzle-orm';
import { authors, comments, stories, type Author } from '../../db/schema';
import type { Db } from './db';
import { hmacHex, looksLikeToken, randomToken } from './crypto';
import { getServerSecret } from './secret';
import { pseudonymFromDigest } from '../lib/pseudonym';

export const AUTHOR_COOKIE = 'rop_author';

/** The stored form of an author key: a keyed hash, useless without the server secret. */
export function hashAuthorKey(key: string): string {
  return hmacHex(getServerSecret(), `author-key:${key}`);
}

/** A new random author key for the cookie. */
export function newAuthorKey(): string {
  return randomToken();
}

/** The author row for a key, or null when the key is malformed or unknown. */
export function findAuthorByKey(db: Db, key: string | undefined | null): Author | null {
  if (!key || !looksLikeToken(key)) return null;
  return db.select().from(authors).where(eq(authors.keyHash, hashAuthorKey(key))).get() ?? null;
}

/** The author row for a key, created on first write. */
export function getOrCreateAuthor(db: Db, key: string, now = Date.now()): Author {
  const keyHash = hashAuthorKey(key);
  db.insert(authors).values({ keyHash, createdAt: now }).onConflictDoNothing().run();
  return db.select().from(authors).where(eq(authors.keyHash, keyHash)).get()!;
}

/** The first author an account owns (used when a logged-in person writes from a new browser). */
export function findPrimaryAuthorOfUser(db: Db, userId: string): Author | null {
  return db.select().from(authors).where(eq(authors.userId, userId)).orderBy(asc(authors.id)).get() ?? null;
}

/** Every author an account owns. */
export function listAuthorsOfUser(db: Db, userId: string): Author[] {
  return db.select().from(authors).where(eq(authors.userId, userId)).orderBy(asc(authors.id)).all();
}

/** Whether an author row belongs to an account (false for a null author: a disowned story). */
export function authorBelongsToUser(db: Db, authorId: number | null, userId: string): boolean {
  if (authorId === null) return false;
  const row = db.select({ userId: authors.userId }).from(authors).where(eq(authors.id, authorId)).get();
  return row?.userId === userId;
}

/** Links an anonymous author to an account, so its stories and comments become the account's. */
export function adoptAuthor(db: Db, authorId: number, userId: string): void {
  db.update(authors)
    .set({ userId })
    .where(and(eq(authors.id, authorId), isNull(authors.userId)))
    .run();
}

/** How much an author wrote: stories, and comments still shown (for the offer to link them to an account). */
export function countAuthorWork(db: Db, authorId: number): { stories: number; comments: number } {
  const storyCount = db.select({ n: count() }).from(stories).where(eq(stories.authorId, authorId)).get()?.n ?? 0;
  const commentCount =
    db.select({ n: count() }).from(comments).where(and(eq(comments.authorId, authorId), eq(comments.state, 'visible'))).get()?.n ?? 0;
  return { stories: storyCount, comments: commentCount };
}

/**
 * The pseudonym of an author inside one story: a keyed HMAC of both, so it is stable within the
 * story and unlinkable across stories by anyone without the server secret.
 */
export function pseudonymFor(authorId: number, storyId: number): string {
  return pseudonymFromDigest(hmacHex(getServerSecret(), `pseudonym:${authorId}:${storyId}`));
}
