/**
 * Reference data (failure types) for every database, and original demo stories for an empty one.
 * Demo content goes through the same services as real posts, so it is rendered and sanitized alike.
 */
import { count, eq, sql } from 'drizzle-orm';
import { failureTypes, stories } from '../../db/schema';
import type { Db } from './db';
import { INITIAL_FAILURE_TYPES } from '../lib/taxonomy';
import { DEMO_STORIES } from '../../db/seed/demo-stories';
import { createStory } from './stories';
import { getOrCreateAuthor, newAuthorKey } from './authors';
import { addComment } from './comments';
import { toggleBeenThere, toggleHelpful } from './reactions';
import { lessons } from '../../db/schema';

/** Inserts the initial failure types that are missing (idempotent). */
export function ensureFailureTypes(db: Db): void {
  db.insert(failureTypes)
    .values(INITIAL_FAILURE_TYPES.map((type) => ({ ...type })))
    .onConflictDoNothing()
    .run();
}

/** Fills an empty database with the demo stories; does nothing when any story exists. */
export function seedDemoContent(db: Db, now = Date.now()): number {
  const existing = db.select({ n: count() }).from(stories).get()?.n ?? 0;
  if (existing > 0) return 0;
  const DAY = 24 * 60 * 60 * 1000;
  // A small crowd of anonymous readers who react, so counts look like a living site.
  const crowd = Array.from({ length: 60 }, () => getOrCreateAuthor(db, newAuthorKey(), now - 500 * DAY).id);

  db.transaction(() => {
    for (const demo of DEMO_STORIES) {
      const postedAt = Math.round(now - demo.daysAgo * DAY);
      const participants = new Map<number, number>();
      const authorOf = (participant: number) => {
        if (!participants.has(participant)) participants.set(participant, getOrCreateAuthor(db, newAuthorKey(), postedAt).id);
        return participants.get(participant)!;
      };
      const created = createStory(
        db,
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
        { authorId: authorOf(0), now: postedAt },
      );
      // Demo stories have no manage link: nobody holds their token.
      db.update(stories).set({ manageTokenHash: null }).where(eq(stories.id, created.id)).run();

      const commentIds: number[] = [];
      demo.comments.forEach((comment, index) => {
        const at = postedAt + (index + 1) * 47 * 60 * 1000;
        const { id } = addComment(db, {
          storyId: created.id,
          parentId: comment.replyTo !== undefined ? commentIds[comment.replyTo] : null,
          body: comment.body,
          actor: { authorId: authorOf(comment.by), userId: null },
          now: Math.min(at, now),
        });
        commentIds.push(id);
      });

      const storyLessons = db.select({ id: lessons.id }).from(lessons).where(eq(lessons.storyId, created.id)).all();
      for (let i = 0; i < Math.min(demo.beenThere, crowd.length); i++) {
        toggleBeenThere(db, created.id, crowd[i], now);
        // Readers also mark lessons helpful: the first lesson most often, the others in turn.
        const lesson = storyLessons[i % 2 === 0 ? 0 : (i % storyLessons.length)];
        if (lesson && i % 3 !== 2) toggleHelpful(db, created.id, lesson.id, crowd[i], now);
      }
    }
  });
  db.run(sql`PRAGMA optimize`);
  return DEMO_STORIES.length;
}
