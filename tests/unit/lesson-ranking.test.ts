import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, onLibsql, queryPlan, statementsDuring, type TestDb } from '../helpers/db';
import { makeStory, newAuthor, storyInput } from '../helpers/factories';
import { listLessonsForType, listTopLessonsByType } from '../../src/server/lessons';
import { deleteStory, updateStory } from '../../src/server/story-writes';
import { decide } from '../../src/server/moderation';
import { toggleHelpful } from '../../src/server/reactions';
import { getFailureTypeBySlug } from '../../src/server/failure-types';
import { decodeCursor } from '../../src/lib/cursor';

let t: TestDb;
beforeEach(async () => {
  t = await createTestDb();
});
afterEach(async () => t.cleanup());

/** The lessons of a type the slow way, straight from stories, types and lessons: ids in page order. */
async function lessonsFromStories(typeId: number, now: number, mask = 0): Promise<number[]> {
  const rows = await t.rows<{ id: number }>(
    `SELECT l.id FROM story_failure_types sft JOIN stories s ON s.id = sft.story_id JOIN lessons l ON l.story_id = s.id
     WHERE sft.failure_type_id = ? AND s.state = 'visible' AND s.published_at <= ? AND (s.content_notes & ?) = 0
     ORDER BY l.helpful_count DESC, l.id DESC`,
    typeId, now, mask,
  );
  return rows.map((row) => row.id);
}

/** Every page of a type's lessons as a reader walks them with "More lessons". */
async function walkPages(typeId: number, now: number, mask = 0): Promise<number[]> {
  const ids: number[] = [];
  let cursor: string | null = null;
  do {
    const page: Awaited<ReturnType<typeof listLessonsForType>> = await listLessonsForType(t.db, typeId, { cursor: cursor ? decodeCursor(cursor) : null, limit: 2, now, hideContentNotesMask: mask });
    ids.push(...page.lessons.map((lesson) => lesson.id));
    cursor = page.nextCursor;
  } while (cursor);
  return ids;
}

async function expectLessonPagesMatch(now = Date.now()) {
  for (const slug of ['database', 'cache']) {
    const type = (await getFailureTypeBySlug(t.db, slug))!;
    expect(await walkPages(type.id, now), slug).toEqual(await lessonsFromStories(type.id, now));
    expect(await walkPages(type.id, now, 1), `${slug} without data loss`).toEqual(await lessonsFromStories(type.id, now, 1));
    const top = (await listTopLessonsByType(t.db, 3, now)).get(type.id)?.map((lesson) => lesson.id) ?? [];
    expect(top, `${slug} on /lessons`).toEqual((await lessonsFromStories(type.id, now)).slice(0, 3));
  }
}

describe('lessons by failure type, most helpful first', () => {
  it('list exactly the lessons of visible stories through posts, votes, edits, hides, restores and deletions', async () => {
    const a = await makeStory(t.db, { tags: ['database', 'cache'], lessons: ['Label the production shell', 'Dry-run every cleanup'] });
    const b = await makeStory(t.db, { tags: ['database'], lessons: ['Restore a backup every month'], contentNotes: ['data-loss'] });
    const c = await makeStory(t.db, { tags: ['cache'], lessons: ['Warm the cache before the switch', 'Page the owner', 'Write it down'] });
    await expectLessonPagesMatch();

    const [lesson] = await t.rows<{ id: number }>('SELECT id FROM lessons WHERE story_id = ? ORDER BY position', c.id);
    for (let i = 0; i < 3; i++) await toggleHelpful(t.db, c.id, lesson.id, await newAuthor(t.db));
    const [bLesson] = await t.rows<{ id: number }>('SELECT id FROM lessons WHERE story_id = ?', b.id);
    await toggleHelpful(t.db, b.id, bLesson.id, await newAuthor(t.db));
    await expectLessonPagesMatch();

    await updateStory(t.db, c.id, storyInput({ tags: ['database'], lessons: ['Warm the cache before the switch', 'Ask for a second pair of eyes'], contentNotes: ['data-loss'] }));
    await expectLessonPagesMatch();
    await updateStory(t.db, a.id, storyInput({ tags: ['cache'], lessons: ['Label the production shell'] }));
    await expectLessonPagesMatch();

    await decide(t.db, { targetType: 'story', targetId: b.id, decision: 'hide' });
    await expectLessonPagesMatch();
    await decide(t.db, { targetType: 'story', targetId: b.id, decision: 'restore' });
    await expectLessonPagesMatch();

    await deleteStory(t.db, a.id);
    await decide(t.db, { targetType: 'story', targetId: c.id, decision: 'delete' });
    await expectLessonPagesMatch();
    expect(await t.rows('SELECT * FROM lesson_ranking WHERE story_id IN (?, ?)', a.id, c.id)).toEqual([]);
  });

  it('show the lessons of a delayed story only once its time has come', async () => {
    const now = Date.now();
    const later = await makeStory(t.db, { tags: ['database'], delayPublication: true, lessons: ['Schedule the risky part'] }, { now });
    const publishedAt = (await t.row<{ published_at: number }>('SELECT published_at FROM stories WHERE id = ?', later.id))!.published_at;
    await expectLessonPagesMatch(now);
    await expectLessonPagesMatch(publishedAt);
    const type = (await getFailureTypeBySlug(t.db, 'database'))!;
    expect(await walkPages(type.id, publishedAt)).toHaveLength(1);
  });

  it.skipIf(onLibsql)('are read along an index, never by sorting every lesson of a type', async () => {
    await makeStory(t.db, { tags: ['database'] });
    const type = (await getFailureTypeBySlug(t.db, 'database'))!;
    const statements = await statementsDuring(t.reader, async () => {
      await listLessonsForType(t.db, type.id, { hideContentNotesMask: 1 });
      await listTopLessonsByType(t.db, 3);
    });
    for (const statement of statements) {
      expect(queryPlan(t.reader, statement), statement).not.toMatch(/USE TEMP B-TREE FOR ORDER BY|SCAN (l|lessons|s|stories|r|lesson_ranking)\b/);
    }
  });
});
