/**
 * Optional accounts: a username and a password, nothing identifying. Registering or logging in
 * from a browser that already wrote anonymously adopts that author key.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { authors, comments, lessonVotes, lessons, stories, storyReactions, users, type User } from '../../db/schema';
import { forgetDeletedText, inTransaction, rowsChanged, write, type Db } from './transaction';
import { forgetReportsOnStories } from './deleted-text';
import { ServiceError, isUniqueViolation } from './errors';
import { hashPassword, verifyPassword, verifyAgainstDummy } from './auth/password';
import { invalidateUserSessions } from './auth/session';
import { checkPasswordStrength } from '../lib/password-policy';
import { LIMITS } from '../lib/limits';
import { randomToken } from './crypto';
import { removeComment } from './comments';

const USERNAME_PATTERN = /^[a-z0-9_-]+$/;

/** Normalises and checks a username; returns the message to show, or the clean name. */
export function checkUsername(raw: string): { ok: true; username: string } | { ok: false; message: string } {
  const username = raw.trim().toLowerCase();
  if (username.length < LIMITS.usernameMin || username.length > LIMITS.usernameMax) {
    return { ok: false, message: `Choose a username of ${LIMITS.usernameMin}–${LIMITS.usernameMax} characters.` };
  }
  if (!USERNAME_PATTERN.test(username)) {
    return { ok: false, message: 'Use only lowercase letters a–z, digits, “_” and “-”.' };
  }
  return { ok: true, username };
}

export async function getUserByUsername(db: Db, username: string): Promise<User | null> {
  return await db.select().from(users).where(eq(users.username, username.trim().toLowerCase())).get() ?? null;
}

export async function getUserById(db: Db, id: string): Promise<User | null> {
  return await db.select().from(users).where(eq(users.id, id)).get() ?? null;
}

/** Creates an account. A taken name or a weak password is a message beside its field. */
export async function registerUser(db: Db, rawUsername: string, password: string, now = Date.now()): Promise<User> {
  const checked = checkUsername(rawUsername);
  if (!checked.ok) throw new ServiceError('invalid', checked.message, 'username');
  const weakness = checkPasswordStrength(password, checked.username);
  if (weakness) throw new ServiceError('invalid', weakness, 'password');
  const existing = await getUserByUsername(db, checked.username);
  if (existing) {
    if (await isSameRegistration(existing, password, now)) return existing;
    throw new ServiceError('conflict', 'That username is taken. Try another — it does not need to be your real name.', 'username');
  }
  const passwordHash = await hashPassword(password);
  try {
    return (await write(db, (w) =>
      w
        .insert(users)
        .values({ id: randomToken().slice(0, 24), username: checked.username, passwordHash, createdAt: now })
        .returning()
        .get(),
    ))!;
  } catch (error) {
    // Two registrations racing for one name: the unique index decides.
    if (isUniqueViolation(error)) {
      const winner = await getUserByUsername(db, checked.username);
      if (winner && (await isSameRegistration(winner, password, now))) return winner;
      throw new ServiceError('conflict', 'That username is taken. Try another.', 'username');
    }
    throw error;
  }
}

/** How long after registering the same form, sent again, signs in instead of saying "taken". */
const REGISTRATION_RESEND_WINDOW_MS = 10 * 60 * 1000;

/**
 * The register form sent twice (a double click, Back then Register): the account made moments ago
 * with this very password is the one the person meant, so they are signed in to it.
 */
async function isSameRegistration(user: User, password: string, now: number): Promise<boolean> {
  return now - user.createdAt < REGISTRATION_RESEND_WINDOW_MS && (await verifyPassword(user.passwordHash, password));
}

/** The user when the password is right, else null (same time whether or not the name exists). */
export async function authenticate(db: Db, username: string, password: string): Promise<User | null> {
  const user = await getUserByUsername(db, username);
  if (!user) {
    await verifyAgainstDummy(password);
    return null;
  }
  return (await verifyPassword(user.passwordHash, password)) ? user : null;
}

/** Changes the password after checking the current one; every session of the user ends. */
export async function changePassword(db: Db, userId: string, current: string, next: string): Promise<void> {
  const user = await getUserById(db, userId);
  if (!user) throw new ServiceError('not_found', 'This account no longer exists.');
  if (!(await verifyPassword(user.passwordHash, current))) {
    throw new ServiceError('invalid', 'Your current password is not right.', 'currentPassword');
  }
  const weakness = checkPasswordStrength(next, user.username);
  if (weakness) throw new ServiceError('invalid', weakness, 'newPassword');
  const passwordHash = await hashPassword(next);
  await write(db, (w) => w.update(users).set({ passwordHash }).where(eq(users.id, userId)).run());
  await invalidateUserSessions(db, userId);
}

/** Sets a user's role (used by `npm run user:role`). */
export async function setUserRole(db: Db, username: string, role: 'member' | 'moderator'): Promise<boolean> {
  const result = await write(db, (w) => w.update(users).set({ role }).where(eq(users.username, username.trim().toLowerCase())).run());
  return rowsChanged(result) > 0;
}

/**
 * Deletes an account. With keepContent the stories and comments stay, anonymous and unlinked
 * (their author link is cut before the authors are deleted); otherwise they are deleted for real.
 * Reactions are always removed, and the counts they fed are recounted.
 */
export async function deleteAccount(db: Db, userId: string, options: { keepContent: boolean }): Promise<void> {
  await invalidateUserSessions(db, userId);
  await inTransaction(db, async (tx) => {
    const authorIds = (await tx.select({ id: authors.id }).from(authors).where(eq(authors.userId, userId)).all()).map((a) => a.id);
    if (authorIds.length > 0) {
      const reactedStories = await tx.select({ id: storyReactions.storyId }).from(storyReactions).where(inArray(storyReactions.authorId, authorIds)).all();
      const votedLessons = await tx.select({ id: lessonVotes.lessonId }).from(lessonVotes).where(inArray(lessonVotes.authorId, authorIds)).all();
      if (options.keepContent) {
        await tx.update(stories).set({ authorId: null }).where(inArray(stories.authorId, authorIds)).run();
        await tx.update(comments).set({ authorId: null }).where(inArray(comments.authorId, authorIds)).run();
      } else {
        const ownComments = await tx.select({ id: comments.id }).from(comments).where(inArray(comments.authorId, authorIds)).all();
        for (const comment of ownComments) await removeComment(tx, comment.id);
        const ownStories = await tx.select({ id: stories.id }).from(stories).where(inArray(stories.authorId, authorIds)).all();
        await forgetReportsOnStories(tx, ownStories.map((story) => story.id));
        await tx.delete(stories).where(inArray(stories.authorId, authorIds)).run();
      }
      // Reactions cascade with their authors; counts are then recounted from the rows.
      await tx.delete(authors).where(inArray(authors.id, authorIds)).run();
      for (const { id } of reactedStories) {
        await tx.update(stories)
          .set({ beenThereCount: sql`(SELECT count(*) FROM story_reactions WHERE story_id = ${id})` })
          .where(eq(stories.id, id))
          .run();
      }
      for (const { id } of votedLessons) {
        await tx.update(lessons)
          .set({ helpfulCount: sql`(SELECT count(*) FROM lesson_votes WHERE lesson_id = ${id})` })
          .where(eq(lessons.id, id))
          .run();
      }
    }
    await tx.delete(users).where(eq(users.id, userId)).run();
  });
  forgetDeletedText(db);
}

export interface MyStory {
  id: number;
  slug: string;
  title: string;
  publishedAt: number;
  state: string;
  commentCount: number;
  beenThereCount: number;
}

export interface MyComment {
  id: number;
  storyId: number;
  storySlug: string;
  storyTitle: string;
  bodyMarkdown: string;
  createdAt: number;
}

/** The account's own stories and comments, for /me (never shown to anyone else). */
export async function listOwnContent(db: Db, userId: string): Promise<{ stories: MyStory[]; comments: MyComment[] }> {
  const mine = (await db.select({ id: authors.id }).from(authors).where(eq(authors.userId, userId)).all()).map((a) => a.id);
  if (mine.length === 0) return { stories: [], comments: [] };
  const ownStories = await db
    .select({
      id: stories.id,
      slug: stories.slug,
      title: stories.title,
      publishedAt: stories.publishedAt,
      state: stories.state,
      commentCount: stories.commentCount,
      beenThereCount: stories.beenThereCount,
    })
    .from(stories)
    .where(inArray(stories.authorId, mine))
    .orderBy(sql`${stories.publishedAt} DESC`)
    .all();
  const ownComments = await db
    .select({
      id: comments.id,
      storyId: stories.id,
      storySlug: stories.slug,
      storyTitle: stories.title,
      bodyMarkdown: comments.bodyMarkdown,
      createdAt: comments.createdAt,
    })
    .from(comments)
    .innerJoin(stories, eq(stories.id, comments.storyId))
    .where(and(inArray(comments.authorId, mine), eq(comments.state, 'visible')))
    .orderBy(sql`${comments.createdAt} DESC`)
    .limit(200)
    .all();
  return { stories: ownStories, comments: ownComments };
}
