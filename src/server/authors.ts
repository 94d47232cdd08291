/**
 * Anonymous authors. A person who writes without an account gets a random key in a cookie; the
 * database keeps only a keyed hash of it, so it knows "same person" without knowing who.
 */
import { and, eq, isNull, asc, count } from 'drizzle-orm';
import { authors, comments, stories, type Author } from '../../db/schema';
import { write, type Db } from './transaction';
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
export async function findAuthorByKey(db: Db, key: string | undefined | null): Promise<Author | null> {
  if (!key || !looksLikeToken(key)) return null;
  return (await db.select().from(authors).where(eq(authors.keyHash, hashAuthorKey(key))).get()) ?? null;
}

/** The author row for a key, created on first write. */
export async function getOrCreateAuthor(db: Db, key: string, now = Date.now()): Promise<Author> {
  const keyHash = hashAuthorKey(key);
  return write(db, async (w) => {
    await w.insert(authors).values({ keyHash, createdAt: now }).onConflictDoNothing().run();
    return (await w.select().from(authors).where(eq(authors.keyHash, keyHash)).get())!;
  });
}

/** The first author an account owns (used when a logged-in person writes from a new browser). */
export async function findPrimaryAuthorOfUser(db: Db, userId: string): Promise<Author | null> {
  return (await db.select().from(authors).where(eq(authors.userId, userId)).orderBy(asc(authors.id)).get()) ?? null;
}

/** Every author an account owns. */
export async function listAuthorsOfUser(db: Db, userId: string): Promise<Author[]> {
  return await db.select().from(authors).where(eq(authors.userId, userId)).orderBy(asc(authors.id)).all();
}

/** Whether an author row belongs to an account (false for a null author: a disowned story). */
export async function authorBelongsToUser(db: Db, authorId: number | null, userId: string): Promise<boolean> {
  if (authorId === null) return false;
  const row = await db.select({ userId: authors.userId }).from(authors).where(eq(authors.id, authorId)).get();
  return row?.userId === userId;
}

/** Links an anonymous author to an account, so its stories and comments become the account's. */
export async function adoptAuthor(db: Db, authorId: number, userId: string): Promise<void> {
  await write(db, (w) =>
    w.update(authors)
      .set({ userId })
      .where(and(eq(authors.id, authorId), isNull(authors.userId)))
      .run(),
  );
}

/** How much an author wrote: stories, and comments still shown (for the offer to link them to an account). */
export async function countAuthorWork(db: Db, authorId: number): Promise<{ stories: number; comments: number }> {
  const storyCount = (await db.select({ n: count() }).from(stories).where(eq(stories.authorId, authorId)).get())?.n ?? 0;
  const commentCount =
    (await db.select({ n: count() }).from(comments).where(and(eq(comments.authorId, authorId), eq(comments.state, 'visible'))).get())?.n ?? 0;
  return { stories: storyCount, comments: commentCount };
}

/**
 * The pseudonym of an author inside one story: a keyed HMAC of both, so it is stable within the
 * story and unlinkable across stories by anyone without the server secret.
 */
export function pseudonymFor(authorId: number, storyId: number): string {
  return pseudonymFromDigest(hmacHex(getServerSecret(), `pseudonym:${authorId}:${storyId}`));
}
