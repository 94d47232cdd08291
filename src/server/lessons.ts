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

/** The top `perType` lessons of every failure type, in one query (a window function). */
export async function listTopLessonsByType(db: Db, perType = 3, now = Date.now()): Promise<Map<number, LessonItem[]>> {
  const rows = await db.all<LessonRow & { failureTypeId: number }>(sql`
    SELECT * FROM (
      SELECT l.id, l.text, l.helpful_count AS helpfulCount, s.id AS storyId, s.slug AS storySlug, s.title AS storyTitle,
        sft.failure_type_id AS failureTypeId,
        row_number() OVER (PARTITION BY sft.failure_type_id ORDER BY l.helpful_count DESC, l.id DESC) AS rank
      FROM story_failure_types sft
      JOIN stories s ON s.id = sft.story_id
      JOIN lessons l ON l.story_id = s.id
      WHERE s.state = 'visible' AND s.published_at <= ${now}
    ) WHERE rank <= ${perType}
    ORDER BY failureTypeId, rank`);
  const byType = new Map<number, LessonItem[]>();
  for (const row of rows) {
    const list = byType.get(row.failureTypeId) ?? [];
    list.push(toItem(row));
    byType.set(row.failureTypeId, list);
  }
  return byType;
}

/** One page of the lessons of a failure type, most helpful first, keyset-paginated. */
export async function listLessonsForType(
  db: Db,
  failureTypeId: number,
  options: { cursor?: Cursor | null; limit?: number; now?: number; hideContentNotesMask?: number } = {},
): Promise<{ lessons: LessonItem[]; nextCursor: string | null }> {
  const limit = options.limit ?? LIMITS.lessonsPageSize;
  const now = options.now ?? Date.now();
  const after = options.cursor ? sql`AND (l.helpful_count, l.id) < (${options.cursor.key}, ${options.cursor.id})` : sql``;
  const notes = options.hideContentNotesMask ? sql`AND (s.content_notes & ${options.hideContentNotesMask}) = 0` : sql``;
  const rows = await db.all<LessonRow>(sql`
    SELECT l.id, l.text, l.helpful_count AS helpfulCount, s.id AS storyId, s.slug AS storySlug, s.title AS storyTitle
    FROM story_failure_types sft
    JOIN stories s ON s.id = sft.story_id
    JOIN lessons l ON l.story_id = s.id
    WHERE sft.failure_type_id = ${failureTypeId} AND s.state = 'visible' AND s.published_at <= ${now} ${after} ${notes}
    ORDER BY l.helpful_count DESC, l.id DESC
    LIMIT ${limit + 1}`);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    lessons: page.map(toItem),
    nextCursor: rows.length > limit && last ? encodeCursor({ key: last.helpfulCount, id: last.id }) : null,
  };
}
