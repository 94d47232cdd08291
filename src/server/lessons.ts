/** Lessons browsed by failure type, most "helpful" first, each linked to its story. */
import { sql } from 'drizzle-orm';
import type { Db } from './transaction';
import { LIMITS } from '../lib/limits';
import { encodeCursor, type Cursor } from '../lib/cursor';
import { storyPath } from '../lib/slug';

export interface LessonItem {
  id: number;
  text: string;
  helpfulCount: number;
  story: { id: number; title: string; url: string };
}

interface LessonRow {
  id: number;
  text: string;
  helpfulCount: number;
  storyId: number;
  storySlug: string;
  storyTitle: string;
}

const toItem = (row: LessonRow): LessonItem => ({
  id: row.id,
  text: row.text,
  helpfulCount: row.helpfulCount,
  story: { id: row.storyId, title: row.storyTitle, url: storyPath({ id: row.storyId, slug: row.storySlug }) },
});

/**
 * The top `perType` lessons of every failure type: for each type, the first rows of its
 * "most helpful" index in lesson_ranking, so the cost does not grow with the number of lessons.
 */
export async function listTopLessonsByType(db: Db, perType = 3, now = Date.now()): Promise<Map<number, LessonItem[]>> {
  const rows = await db.all<LessonRow & { failureTypeId: number }>(sql`
    SELECT l.id, l.text, r.helpful_count AS helpfulCount, s.id AS storyId, s.slug AS storySlug, s.title AS storyTitle,
      r.failure_type_id AS failureTypeId
    FROM failure_types ft
    JOIN lesson_ranking r ON r.rowid IN (
      SELECT rowid FROM lesson_ranking
      WHERE failure_type_id = ft.id AND published_at <= ${now}
      ORDER BY helpful_count DESC, lesson_id DESC LIMIT ${perType})
    JOIN lessons l ON l.id = r.lesson_id
    JOIN stories s ON s.id = r.story_id
    ORDER BY ft.id, r.helpful_count DESC, r.lesson_id DESC`);
  const byType = new Map<number, LessonItem[]>();
  for (const row of rows) {
    const list = byType.get(row.failureTypeId) ?? [];
    list.push(toItem(row));
    byType.set(row.failureTypeId, list);
  }
  return byType;
}

/** One page of the lessons of a failure type, most helpful first, keyset-paginated along lesson_ranking's index. */
export async function listLessonsForType(
  db: Db,
  failureTypeId: number,
  options: { cursor?: Cursor | null; limit?: number; now?: number; hideContentNotesMask?: number } = {},
): Promise<{ lessons: LessonItem[]; nextCursor: string | null }> {
  const limit = options.limit ?? LIMITS.lessonsPageSize;
  const now = options.now ?? Date.now();
  const after = options.cursor ? sql`AND (r.helpful_count, r.lesson_id) < (${options.cursor.key}, ${options.cursor.id})` : sql``;
  const notes = options.hideContentNotesMask ? sql`AND (r.content_notes & ${options.hideContentNotesMask}) = 0` : sql``;
  const rows = await db.all<LessonRow>(sql`
    SELECT l.id, l.text, r.helpful_count AS helpfulCount, s.id AS storyId, s.slug AS storySlug, s.title AS storyTitle
    FROM lesson_ranking r
    JOIN lessons l ON l.id = r.lesson_id
    JOIN stories s ON s.id = r.story_id
    WHERE r.failure_type_id = ${failureTypeId} AND r.published_at <= ${now} ${after} ${notes}
    ORDER BY r.helpful_count DESC, r.lesson_id DESC
    LIMIT ${limit + 1}`);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    lessons: page.map(toItem),
    nextCursor: rows.length > limit && last ? encodeCursor({ key: last.helpfulCount, id: last.id }) : null,
  };
}
