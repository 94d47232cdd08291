/**
 * Reference data (failure types) for every database, and original demo stories for an empty one.
 * Demo content goes through the same services as real posts, so it is rendered and sanitized alike.
 */
import { count, eq, sql } from 'drizzle-orm';
import { failureTypes, stories } from '../../db/schema';
import { inTransaction, write, type Db } from './transaction';
import { INITIAL_FAILURE_TYPES } from '../lib/taxonomy';
import { DEMO_STORIES } from '../../db/seed/demo-stories';
import { createStory } from './story-writes';
import { getOrCreateAuthor, newAuthorKey } from './authors';
import { addComment } from './comments';
import { toggleBeenThere, toggleHelpful } from './reactions';
import { lessons } from '../../db/schema';

/** Inserts the initial failure types that are missing (idempotent). */
export async function ensureFailureTypes(db: Db): Promise<void> {
  await write(db, (w) => w.insert(failureTypes)
    .values(INITIAL_FAILURE_TYPES.map((type) => ({ ...type })))
    .onConflictDoNothing()
    .run());
}

/** Fills an empty database with the demo stories; does nothing when any story exists. */
export async function seedDemoContent(db: Db, now = Date.now()): Promise<number> {
  const existing = (await db.select({ n: count() }).from(stories).get())?.n ?? 0;
  if (existing > 0) return 0;
  const DAY = 24 * 60 * 60 * 1000;
  // A small crowd of anonymous readers who react, so counts look like a living site.
  await inTransaction(db, async (tx) => {
    const crowd: number[] = [];
    for (let i = 0; i < 60; i++) crowd.push((await getOrCreateAuthor(tx, newAuthorKey(), now - 500 * DAY)).id);
    for (const demo of DEMO_STORIES) {
      const postedAt = Math.round(now - demo.daysAgo * DAY);
      const participants = new Map<number, number>();
      const authorOf = async (participant: number) => {
        if (!participants.has(participant)) participants.set(participant, (await getOrCreateAuthor(tx, newAuthorKey(), postedAt)).id);
        return participants.get(participant)!;
      };
      const created = await createStory(
        tx,
        {
          title: demo.title,
          body: demo.body,
          tags: demo.tags,
          lessons: demo.lessons,
          experience: demo.experience,
          impact: demo.impact,
          detection: demo.detection,
          outcome: demo.outcome,
          contentNotes: demo.contentNotes ?? [],
          delayPublication: false,
        },
        { authorId: await authorOf(0), now: postedAt },
      );
      // Demo stories have no manage link: nobody holds their token.
      await tx.update(stories).set({ manageTokenHash: null }).where(eq(stories.id, created.id)).run();

      const commentIds: number[] = [];
      for (const [index, comment] of demo.comments.entries()) {
        const at = postedAt + (index + 1) * 47 * 60 * 1000;
        const { id } = await addComment(tx, {
          storyId: created.id,
          parentId: comment.replyTo !== undefined ? commentIds[comment.replyTo] : null,
          body: comment.body,
          actor: { authorId: await authorOf(comment.by), userId: null },
          now: Math.min(at, now),
        });
        commentIds.push(id);
      }

      const storyLessons = await tx.select({ id: lessons.id }).from(lessons).where(eq(lessons.storyId, created.id)).all();
      for (let i = 0; i < Math.min(demo.beenThere, crowd.length); i++) {
        await toggleBeenThere(tx, created.id, crowd[i], now);
        // Readers also mark lessons helpful: the first lesson most often, the others in turn.
        const lesson = storyLessons[i % 2 === 0 ? 0 : (i % storyLessons.length)];
        if (lesson && i % 3 !== 2) await toggleHelpful(tx, created.id, lesson.id, crowd[i], now);
      }
    }
  });
  // Fresh statistics for the planner; a libSQL server may refuse the pragma, which costs nothing.
  await write(db, (w) => w.run(sql`PRAGMA optimize`)).catch(() => undefined);
  return DEMO_STORIES.length;
}
