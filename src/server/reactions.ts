/**
 * "Been there" on stories and "helpful" on lessons: one per person, undoable. The primary key
 * (target, author) makes a double click or two concurrent requests count once.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { lessonVotes, lessons, stories, storyReactions } from '../../db/schema';
import { inTransaction, rowsChanged, type Db } from './transaction';
import { preparedAll } from './statements';
import { ServiceError } from './errors';

export interface ToggleResult {
  /** True when the reaction now exists. */
  active: boolean;
  count: number;
}

/**
 * One press of a reaction button. `want` is the state the button asked for, so the same form sent
 * twice (a retry, a double click) lands once instead of taking itself back; without it a press
 * toggles. Returns whether the reaction now exists.
 */
async function press(add: () => Promise<number>, remove: () => Promise<unknown>, want: boolean | undefined): Promise<boolean> {
  if (want === false) {
    await remove();
    return false;
  }
  if ((await add()) === 1 || want === true) return true;
  await remove();
  return false;
}

/** Adds "been there" from this author, or takes it back if it was already there. */
export async function toggleBeenThere(db: Db, storyId: number, authorId: number, now = Date.now(), want?: boolean): Promise<ToggleResult> {
  return inTransaction(db, async (tx) => {
    const story = await tx
      .select({ state: stories.state, publishedAt: stories.publishedAt })
      .from(stories)
      .where(eq(stories.id, storyId))
      .get();
    if (!story || story.state !== 'visible' || story.publishedAt > now) {
      throw new ServiceError('not_found', 'This story is not available.');
    }
    const active = await press(
      async () => rowsChanged(await tx.insert(storyReactions).values({ storyId, authorId, createdAt: now }).onConflictDoNothing().run()),
      () => tx.delete(storyReactions).where(and(eq(storyReactions.storyId, storyId), eq(storyReactions.authorId, authorId))).run(),
      want,
    );
    // Recount instead of +1/-1 so the stored count can never drift from the rows.
    const count = Number((await tx
      .select({ n: sql<number>`count(*)` })
      .from(storyReactions)
      .where(eq(storyReactions.storyId, storyId))
      .get())!.n);
    await tx.update(stories).set({ beenThereCount: count }).where(eq(stories.id, storyId)).run();
    return { active, count };
  });
}

/** Adds "helpful" from this author to a lesson of the given story, or takes it back. */
export async function toggleHelpful(db: Db, storyId: number, lessonId: number, authorId: number, now = Date.now(), want?: boolean): Promise<ToggleResult> {
  return inTransaction(db, async (tx) => {
    const lesson = await tx
      .select({ storyId: lessons.storyId, state: stories.state, publishedAt: stories.publishedAt })
      .from(lessons)
      .innerJoin(stories, eq(stories.id, lessons.storyId))
      .where(eq(lessons.id, lessonId))
      .get();
    if (!lesson || lesson.storyId !== storyId || lesson.state !== 'visible' || lesson.publishedAt > now) {
      throw new ServiceError('not_found', 'That lesson is not part of this story.');
    }
    const active = await press(
      async () => rowsChanged(await tx.insert(lessonVotes).values({ lessonId, authorId, createdAt: now }).onConflictDoNothing().run()),
      () => tx.delete(lessonVotes).where(and(eq(lessonVotes.lessonId, lessonId), eq(lessonVotes.authorId, authorId))).run(),
      want,
    );
    const count = Number((await tx
      .select({ n: sql<number>`count(*)` })
      .from(lessonVotes)
      .where(eq(lessonVotes.lessonId, lessonId))
      .get())!.n);
    await tx.update(lessons).set({ helpfulCount: count }).where(eq(lessons.id, lessonId)).run();
    return { active, count };
  });
}

/** What this author has already reacted to on one story, so buttons show their pressed state. */
export async function reactionsOf(db: Db, storyId: number, authorId: number | null): Promise<{ beenThere: boolean; helpfulLessonIds: Set<number> }> {
  if (authorId === null) return { beenThere: false, helpfulLessonIds: new Set() };
  const beenThere = !!(await db
    .select({ storyId: storyReactions.storyId })
    .from(storyReactions)
    .where(and(eq(storyReactions.storyId, storyId), eq(storyReactions.authorId, authorId)))
    .get());
  const votes = await db
    .select({ lessonId: lessonVotes.lessonId })
    .from(lessonVotes)
    .innerJoin(lessons, eq(lessons.id, lessonVotes.lessonId))
    .where(and(eq(lessons.storyId, storyId), eq(lessonVotes.authorId, authorId)))
    .all();
  return { beenThere, helpfulLessonIds: new Set(votes.map((vote) => vote.lessonId)) };
}

/** Which of these stories this author said "been there" to (for feed cards), in one query. */
export async function beenThereAmong(db: Db, storyIds: number[], authorId: number | null): Promise<Set<number>> {
  if (authorId === null || storyIds.length === 0) return new Set();
  const rows = await preparedAll<{ storyId: number }>(
    db,
    'SELECT story_id AS storyId FROM story_reactions WHERE author_id = ? AND story_id IN (SELECT value FROM json_each(?))',
    authorId,
    JSON.stringify(storyIds),
  );
  return new Set(rows.map((row) => row.storyId));
}
