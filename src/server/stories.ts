/**
 * Stories: writing, editing, deleting and reading them, including the feed.
 * Rules live here; pages and actions only call these functions.
 */
import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import {
  comments,
  failureTypes,
  lessons,
  stories,
  storyFailureTypes,
  type Story,
} from '../../db/schema';
import { forgetDeletedText, inTransaction, rowsChanged, write, type Db } from './transaction';
import { forgetReportsOnStories } from './deleted-text';
import { ServiceError } from './errors';
import { normalizeHeadingLevels, renderMarkdown, UnrenderableMarkdownError } from './markdown';
import { randomToken, sha256Hex, looksLikeToken, randomPublicId, hmacToken } from './crypto';
import { publicTime } from '../lib/dates';
import { getServerSecret } from './secret';
import { slugify, storyPath } from '../lib/slug';
import { LIMITS } from '../lib/limits';
import { preparedAll } from './statements';
import { contentNotesToMask, maskToContentNotes, type ContentNote } from '../lib/facts';
import type { CreateStoryInput } from '../lib/story-input';
import { encodeCursor, type Cursor } from '../lib/cursor';

/** The longest random delay a poster can choose, so posting time cannot be matched to an incident. */
export const PUBLICATION_DELAY_MAX_MS = 6 * 60 * 60 * 1000;

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

/** Renders story Markdown, turning an unrenderable body into a message beside the field. */
function renderBody(markdown: string): string {
  try {
    return renderMarkdown(markdown, { maxLength: LIMITS.bodyMax });
  } catch (error) {
    if (error instanceof UnrenderableMarkdownError) throw new ServiceError('invalid', error.message, 'body');
    throw error;
  }
}

/** Looks up failure type ids for slugs; an unknown slug is a message beside the field, not a 500. */
async function resolveFailureTypeIds(db: Db, slugs: string[]): Promise<number[]> {
  const rows = await db
    .select({ id: failureTypes.id, slug: failureTypes.slug })
    .from(failureTypes)
    .where(inArray(failureTypes.slug, slugs))
    .all();
  if (rows.length !== slugs.length) {
    throw new ServiceError('invalid', 'Choose failure types from the list.', 'tags');
  }
  const bySlug = new Map(rows.map((row) => [row.slug, row.id]));
  return slugs.map((slug) => bySlug.get(slug)!);
}

/**
 * A random id not yet taken in `table`. Stories and lessons get random ids, never the next number:
 * a story with a delayed publication would otherwise sit between the stories written just before
 * and after it, showing when it was really written.
 */
async function unusedRandomId(db: Db, table: typeof stories | typeof lessons): Promise<number> {
  for (;;) {
    const id = randomPublicId();
    if (!(await db.select({ id: table.id }).from(table).where(eq(table.id, id)).get())) return id;
  }
}

export interface CreateStoryOptions {
  authorId: number | null;
  /** The one-time token of the form that sent it (see findStoryBySubmission). */
  submission?: string | null;
  now?: number;
  /** Injected for tests; defaults to Math.random. */
  random?: () => number;
}

/**
 * Creates a story with its lessons and failure types in one transaction and returns the private
 * manage token. Only the token's hash is stored, so the token can be shown exactly once.
 */
export async function createStory(
  db: Db,
  input: CreateStoryInput,
  options: CreateStoryOptions,
): Promise<{ id: number; slug: string; url: string; manageToken: string; publishedAt: number }> {
  const now = options.now ?? Date.now();
  const bodyHtml = renderBody(input.body);
  const typeIds = await resolveFailureTypeIds(db, input.tags);
  const submission = options.submission && looksLikeToken(options.submission) ? options.submission : null;
  const manageToken = submission ? manageTokenForSubmission(submission) : randomToken();
  const random = options.random ?? Math.random;
  // Cut to the public precision when stored, so no page, feed or cursor can show more.
  const publishedAt = publicTime(input.delayPublication ? now + Math.floor(random() * PUBLICATION_DELAY_MAX_MS) : now);
  const slug = slugify(input.title);

  const id = await inTransaction(db, async (tx) => {
    const row = (await tx
      .insert(stories)
      .values({
        id: await unusedRandomId(tx, stories),
        slug,
        title: input.title,
        bodyMarkdown: input.body,
        bodyHtml,
        experience: input.experience ?? null,
        impact: input.impact ?? null,
        detection: input.detection ?? null,
        outcome: input.outcome ?? null,
        contentNotes: contentNotesToMask(input.contentNotes),
        authorId: options.authorId,
        manageTokenHash: sha256Hex(manageToken),
        submissionHash: submission ? storySubmissionHash(submission) : null,
        createdAt: now,
        publishedAt,
      })
      .returning({ id: stories.id })
      .get())!;
    await tx.insert(storyFailureTypes)
      .values(typeIds.map((failureTypeId) => ({ storyId: row.id, failureTypeId, publishedAt })))
      .run();
    const lessonRows = [];
    for (const [position, text] of input.lessons.entries()) lessonRows.push({ id: await unusedRandomId(tx, lessons), storyId: row.id, position, text });
    await tx.insert(lessons).values(lessonRows).run();
    return row.id;
  });
  return { id, slug, url: storyPath({ id, slug }), manageToken, publishedAt };
}

function storySubmissionHash(submission: string): string {
  return sha256Hex(`story-form:${submission}`);
}

/**
 * The manage token of a story published from this form token. Derived (keyed with the server
 * secret) rather than random, so when the first answer was lost (a double click, a retry) the
 * second submission can show the same private link again; only its hash is stored, as before.
 */
export function manageTokenForSubmission(submission: string): string {
  return hmacToken(getServerSecret(), `manage-token:${submission}`);
}

/**
 * The story already published from this one-time form token, or null. Lets the same form sent
 * twice lead to the first story instead of making a copy.
 */
export async function findStoryBySubmission(db: Db, submission: string): Promise<EarlierStory | null> {
  if (!looksLikeToken(submission)) return null;
  const row = await db
    .select({ id: stories.id, slug: stories.slug, createdAt: stories.createdAt, publishedAt: stories.publishedAt })
    .from(stories)
    .where(eq(stories.submissionHash, storySubmissionHash(submission)))
    .get();
  return row ? { ...row, url: storyPath(row) } : null;
}

/** A story found for a form sent again: where it is, and when it was made and appears. */
export interface EarlierStory {
  id: number;
  url: string;
  createdAt: number;
  publishedAt: number;
}

/** How long an identical story from the same author counts as the same form sent again. */
export const RESUBMISSION_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * A story these authors published recently with exactly this title and text, or null. Catches
 * the form sent again when the browser rendered it afresh (Back reloads a page after its form was
 * posted, issuing a new one-time token) but kept what was typed in it.
 */
export async function findRecentSameStory(db: Db, authorIds: number[], input: { title: string; body: string }, now = Date.now()): Promise<EarlierStory | null> {
  if (authorIds.length === 0) return null;
  const row = await db
    .select({ id: stories.id, slug: stories.slug, createdAt: stories.createdAt, publishedAt: stories.publishedAt })
    .from(stories)
    .where(
      and(
        inArray(stories.authorId, authorIds),
        eq(stories.title, input.title),
        eq(stories.bodyMarkdown, input.body),
        sql`${stories.createdAt} >= ${now - RESUBMISSION_WINDOW_MS}`,
      ),
    )
    .get();
  return row ? { ...row, url: storyPath(row) } : null;
}

/**
 * Replaces a story's text, facts, failure types and lessons. Lessons whose text is unchanged keep
 * their "helpful" votes. The publication time never changes.
 */
export async function updateStory(db: Db, id: number, input: CreateStoryInput, now = Date.now()): Promise<{ url: string }> {
  const existing = await db.select().from(stories).where(eq(stories.id, id)).get();
  if (!existing) throw new ServiceError('not_found', 'This story no longer exists.');
  const bodyHtml = renderBody(input.body);
  const typeIds = await resolveFailureTypeIds(db, input.tags);

  await inTransaction(db, async (tx) => {
    await tx.update(stories)
      .set({
        slug: slugify(input.title),
        title: input.title,
        bodyMarkdown: input.body,
        bodyHtml,
        experience: input.experience ?? null,
        impact: input.impact ?? null,
        detection: input.detection ?? null,
        outcome: input.outcome ?? null,
        contentNotes: contentNotesToMask(input.contentNotes),
        editedAt: now,
      })
      .where(eq(stories.id, id))
      .run();
    await tx.delete(storyFailureTypes).where(eq(storyFailureTypes.storyId, id)).run();
    await tx.insert(storyFailureTypes)
      .values(typeIds.map((failureTypeId) => ({ storyId: id, failureTypeId, publishedAt: existing.publishedAt })))
      .run();

    const current = await tx.select().from(lessons).where(eq(lessons.storyId, id)).all();
    const unused = new Map(current.map((lesson) => [lesson.id, lesson]));
    for (const [position, text] of input.lessons.entries()) {
      const kept = [...unused.values()].find((lesson) => lesson.text === text);
      if (kept) {
        unused.delete(kept.id);
        await tx.update(lessons).set({ position }).where(eq(lessons.id, kept.id)).run();
      } else {
        await tx.insert(lessons).values({ id: await unusedRandomId(tx, lessons), storyId: id, position, text }).run();
      }
    }
    if (unused.size > 0) await tx.delete(lessons).where(inArray(lessons.id, [...unused.keys()])).run();
  });
  // The words an edit removed are deleted text too.
  forgetDeletedText(db);
  return { url: storyPath({ id, slug: slugify(input.title) }) };
}

/**
 * Deletes a story for real: its text, lessons, comments and reactions go with it, reports about it
 * are closed with their quotes cleared, and the write-ahead log is emptied of the old pages.
 */
export async function deleteStory(db: Db, id: number): Promise<boolean> {
  const deleted = await inTransaction(db, async (tx) => {
    await forgetReportsOnStories(tx, [id]);
    return rowsChanged(await tx.delete(stories).where(eq(stories.id, id)).run()) > 0;
  });
  forgetDeletedText(db);
  return deleted;
}

/**
 * Detaches a story from its author for good: afterwards nothing in the database links it to a
 * key or an account. The private manage link keeps working for whoever holds it.
 */
export async function disownStory(db: Db, id: number): Promise<void> {
  await inTransaction(db, async (tx) => {
    await tx.update(stories).set({ authorId: null }).where(eq(stories.id, id)).run();
    // The author's comments on their own story would otherwise link back through the OP marker.
    await tx.update(comments).set({ authorId: null }).where(and(eq(comments.storyId, id), eq(comments.isOp, true))).run();
  });
}

/** The story a private manage token belongs to, or null. The token is compared by its hash. */
export async function getStoryIdByManageToken(db: Db, token: string): Promise<number | null> {
  if (!looksLikeToken(token)) return null;
  const row = await db
    .select({ id: stories.id })
    .from(stories)
    .where(eq(stories.manageTokenHash, sha256Hex(token)))
    .get();
  return row?.id ?? null;
}

/**
 * Issues a fresh manage token for a story (for its account owner on /me). The previous private
 * link stops working, since only one hash is kept.
 */
export async function rotateManageToken(db: Db, id: number): Promise<string> {
  const token = randomToken();
  await write(db, (w) => w.update(stories).set({ manageTokenHash: sha256Hex(token) }).where(eq(stories.id, id)).run());
  return token;
}

/** True when the token is the manage token of this story (used to show the link once). */
export async function isManageTokenFor(db: Db, storyId: number, token: string): Promise<boolean> {
  return await getStoryIdByManageToken(db, token) === storyId;
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

/** Number of stories readers can see; for the home page and health checks. */
export async function countVisibleStories(db: Db, now = Date.now()): Promise<number> {
  const row = await db
    .select({ count: sql<number>`count(*)` })
    .from(stories)
    .where(and(eq(stories.state, 'visible'), sql`${stories.publishedAt} <= ${now}`))
    .get();
  return row?.count ?? 0;
}
