/**
 * Stories, the read side: the feed and its cards (with tags and top lesson hydrated in one query
 * each), and one story as its page shows it. Writing stories lives in story-writes.ts, counting
 * them in story-counts.ts.
 */
import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import { lessons, stories, storyFailureTypes, type Story } from '../../db/schema';
import type { Db } from './transaction';
import { normalizeHeadingLevels } from './markdown';
import { storyPath } from '../lib/slug';
import { LIMITS } from '../lib/limits';
import { preparedAll } from './statements';
import { maskToContentNotes, type ContentNote } from '../lib/facts';
import { encodeCursor, type Cursor } from '../lib/cursor';

export interface TagRef {
  slug: string;
  name: string;
}

export interface StoryFacts {
  experience: string | null;
  impact: string | null;
  detection: string | null;
  outcome: string | null;
}

export interface StoryCard {
  id: number;
  slug: string;
  url: string;
  title: string;
  tags: TagRef[];
  topLesson: { id: number; text: string; helpfulCount: number } | null;
  experience: string | null;
  outcome: string | null;
  contentNotes: ContentNote[];
  beenThereCount: number;
  commentCount: number;
  publishedAt: number;
  /** When the author last added a follow-up, or null: cards and feeds say "updated". */
  followedUpAt: number | null;
}

export interface StoryView extends StoryCard {
  bodyHtml: string;
  bodyMarkdown: string;
  facts: StoryFacts;
  lessons: { id: number; text: string; helpfulCount: number }[];
  state: Story['state'];
  authorId: number | null;
  createdAt: number;
  editedAt: number | null;
  /** True while a delayed story waits for its publication time. */
  scheduled: boolean;
}

export interface ReadOptions {
  now?: number;
  /** Moderators see hidden stories; authors (through the manage link) see scheduled ones. */
  includeHidden?: boolean;
  includeScheduled?: boolean;
}

/** A story as its page shows it, or null when it does not exist or this reader may not see it. */
export async function getStoryById(db: Db, id: number, options: ReadOptions = {}): Promise<StoryView | null> {
  const now = options.now ?? Date.now();
  const row = await db.select().from(stories).where(eq(stories.id, id)).get();
  if (!row) return null;
  if (row.state === 'hidden' && !options.includeHidden) return null;
  if (row.publishedAt > now && !options.includeScheduled) return null;

  const tags = (await tagsForStories(db, [id])).get(id) ?? [];
  const lessonRows = await db
    .select({ id: lessons.id, text: lessons.text, helpfulCount: lessons.helpfulCount })
    .from(lessons)
    .where(eq(lessons.storyId, id))
    .orderBy(asc(lessons.position))
    .all();
  const topLesson = [...lessonRows].sort((a, b) => b.helpfulCount - a.helpfulCount)[0] ?? null;
  return {
    id: row.id,
    slug: row.slug,
    url: storyPath(row),
    title: row.title,
    tags,
    topLesson,
    experience: row.experience,
    outcome: row.outcome,
    contentNotes: maskToContentNotes(row.contentNotes),
    beenThereCount: row.beenThereCount,
    commentCount: row.commentCount,
    publishedAt: row.publishedAt,
    followedUpAt: row.followedUpAt,
    bodyHtml: normalizeHeadingLevels(row.bodyHtml),
    bodyMarkdown: row.bodyMarkdown,
    facts: {
      experience: row.experience,
      impact: row.impact,
      detection: row.detection,
      outcome: row.outcome,
    },
    lessons: lessonRows,
    state: row.state,
    authorId: row.authorId,
    createdAt: row.createdAt,
    editedAt: row.editedAt,
    scheduled: row.publishedAt > now,
  };
}

/** Failure types of several stories in one query. */
export async function tagsForStories(db: Db, storyIds: number[]): Promise<Map<number, TagRef[]>> {
  const byStory = new Map<number, TagRef[]>();
  if (storyIds.length === 0) return byStory;
  // One prepared statement for any number of ids: the list travels as JSON.
  const rows = await preparedAll<{ storyId: number; slug: string; name: string }>(
    db,
    `SELECT sft.story_id AS storyId, f.slug AS slug, f.name AS name
     FROM story_failure_types sft JOIN failure_types f ON f.id = sft.failure_type_id
     WHERE sft.story_id IN (SELECT value FROM json_each(?)) ORDER BY f.id`,
    JSON.stringify(storyIds),
  );
  for (const row of rows) {
    const list = byStory.get(row.storyId) ?? [];
    list.push({ slug: row.slug, name: row.name });
    byStory.set(row.storyId, list);
  }
  return byStory;
}

/** The most helpful lesson of each story, in one query. */
async function topLessonsForStories(db: Db, storyIds: number[]): Promise<Map<number, StoryCard['topLesson']>> {
  const byStory = new Map<number, StoryCard['topLesson']>();
  if (storyIds.length === 0) return byStory;
  const rows = await preparedAll<{ storyId: number; id: number; text: string; helpfulCount: number }>(
    db,
    `SELECT story_id AS storyId, id, text, helpful_count AS helpfulCount FROM lessons
     WHERE story_id IN (SELECT value FROM json_each(?)) ORDER BY story_id, helpful_count DESC, position`,
    JSON.stringify(storyIds),
  );
  for (const row of rows) {
    if (!byStory.has(row.storyId)) byStory.set(row.storyId, { id: row.id, text: row.text, helpfulCount: row.helpfulCount });
  }
  return byStory;
}

type CardRow = Pick<
  Story,
  'id' | 'slug' | 'title' | 'experience' | 'outcome' | 'contentNotes' | 'beenThereCount' | 'commentCount' | 'publishedAt'
> & { followedUpAt?: number | null };

const cardColumns = {
  id: stories.id,
  slug: stories.slug,
  title: stories.title,
  experience: stories.experience,
  outcome: stories.outcome,
  contentNotes: stories.contentNotes,
  beenThereCount: stories.beenThereCount,
  commentCount: stories.commentCount,
  publishedAt: stories.publishedAt,
  followedUpAt: stories.followedUpAt,
};

/** Turns story rows into cards with their tags and top lesson: two queries for the whole page. */
export async function hydrateCards(db: Db, rows: CardRow[]): Promise<StoryCard[]> {
  const ids = rows.map((row) => row.id);
  const tags = await tagsForStories(db, ids);
  const top = await topLessonsForStories(db, ids);
  return rows.map((row) => ({
    ...row,
    followedUpAt: row.followedUpAt ?? null,
    url: storyPath(row),
    tags: tags.get(row.id) ?? [],
    topLesson: top.get(row.id) ?? null,
    contentNotes: maskToContentNotes(row.contentNotes),
  }));
}

/**
 * The upper bound of a newest-first page: published by now, and older than the cursor. Written as
 * ONE row-value bound (the cursor clamped to now) because SQLite seeks on only one upper bound;
 * with two, it picked `published_at <= now` and walked every newer row to reach a deep page.
 */
function newerThanBound(publishedAt: SQLiteColumn, id: SQLiteColumn, cursor: Cursor | null, now: number): SQL {
  if (!cursor) return sql`${publishedAt} <= ${now}`;
  const bound = cursor.key > now ? { key: now, id: Number.MAX_SAFE_INTEGER } : cursor;
  return sql`(${publishedAt}, ${id}) < (${bound.key}, ${bound.id})`;
}

export type FeedOrder = 'new' | 'been-there';

export interface FeedQuery {
  order?: FeedOrder;
  failureTypeId?: number;
  experience?: string;
  /** Only stories that ended in one of these outcomes (the `?outcome=` filter). */
  outcomes?: string[];
  /** Stories carrying any of these content notes are left out (a reader's choice). */
  hideContentNotesMask?: number;
  cursor?: Cursor | null;
  limit?: number;
  now?: number;
}

export interface FeedPage {
  stories: StoryCard[];
  /** Cursor of the next (older or less been-there) page, or null on the last page. */
  nextCursor: string | null;
}

/**
 * One page of the feed, newest first or most "been there" first, optionally for one failure type.
 * Keyset pagination: each page seeks to its cursor through an index.
 */
export async function listFeed(db: Db, query: FeedQuery = {}): Promise<FeedPage> {
  const now = query.now ?? Date.now();
  const limit = query.limit ?? LIMITS.feedPageSize;
  const order = query.order ?? 'new';
  const cursor = query.cursor ?? null;

  const conditions: SQL[] = [eq(stories.state, 'visible')];
  if (query.experience) conditions.push(eq(stories.experience, query.experience));
  if (query.outcomes?.length) conditions.push(inArray(stories.outcome, query.outcomes));
  if (query.hideContentNotesMask) conditions.push(sql`(${stories.contentNotes} & ${query.hideContentNotesMask}) = 0`);

  let rows: CardRow[];
  if (order === 'new' && query.failureTypeId !== undefined) {
    // Seek on the link table's (failure_type_id, published_at, story_id) index.
    conditions.push(eq(storyFailureTypes.failureTypeId, query.failureTypeId));
    conditions.push(newerThanBound(storyFailureTypes.publishedAt, storyFailureTypes.storyId, cursor, now));
    rows = await db
      .select(cardColumns)
      .from(storyFailureTypes)
      .innerJoin(stories, eq(stories.id, storyFailureTypes.storyId))
      .where(and(...conditions))
      .orderBy(desc(storyFailureTypes.publishedAt), desc(storyFailureTypes.storyId))
      .limit(limit + 1)
      .all();
  } else {
    if (query.failureTypeId !== undefined) {
      conditions.push(
        sql`${stories.id} IN (SELECT story_id FROM story_failure_types WHERE failure_type_id = ${query.failureTypeId})`,
      );
    }
    if (order === 'new' && query.failureTypeId === undefined && !query.experience && !query.outcomes?.length) {
      // The front page and its older pages: the hottest query, prepared once.
      const bound = !cursor || cursor.key > now ? { key: now, id: Number.MAX_SAFE_INTEGER } : cursor;
      rows = await preparedAll<CardRow>(
        db,
        `SELECT id, slug, title, experience, outcome, content_notes AS contentNotes, been_there_count AS beenThereCount,
           comment_count AS commentCount, published_at AS publishedAt, followed_up_at AS followedUpAt
         FROM stories WHERE state = 'visible' AND (content_notes & ?) = 0 AND (published_at, id) < (?, ?)
         ORDER BY published_at DESC, id DESC LIMIT ?`,
        query.hideContentNotesMask ?? 0,
        bound.key,
        bound.id,
        limit + 1,
      );
    } else if (order === 'new') {
      conditions.push(newerThanBound(stories.publishedAt, stories.id, cursor, now));
      rows = await db
        .select(cardColumns)
        .from(stories)
        .where(and(...conditions))
        .orderBy(desc(stories.publishedAt), desc(stories.id))
        .limit(limit + 1)
        .all();
    } else {
      conditions.push(sql`${stories.publishedAt} <= ${now}`);
      if (cursor) conditions.push(sql`(${stories.beenThereCount}, ${stories.id}) < (${cursor.key}, ${cursor.id})`);
      rows = await db
        .select(cardColumns)
        .from(stories)
        .where(and(...conditions))
        .orderBy(desc(stories.beenThereCount), desc(stories.id))
        .limit(limit + 1)
        .all();
    }
  }

  const hasMore = rows.length > limit;
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor =
    hasMore && last
      ? encodeCursor({ key: order === 'new' ? last.publishedAt : last.beenThereCount, id: last.id })
      : null;
  return { stories: await hydrateCards(db, page), nextCursor };
}
