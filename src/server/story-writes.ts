/**
 * Stories, the write side: publishing, editing, deleting and disowning a story, its private manage
 * token, and finding a story sent twice. Reading stories (the feed, cards, a story page) lives in
 * feed.ts.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import {
  comments,
  failureTypes,
  lessons,
  stories,
  storyFailureTypes,
} from '../../db/schema';
import { forgetDeletedText, inTransaction, rowsChanged, write, type Db } from './transaction';
import { forgetReportsOnStories } from './deleted-text';
import { ServiceError } from './errors';
import { renderMarkdown, UnrenderableMarkdownError } from './markdown';
import { randomToken, sha256Hex, looksLikeToken, randomPublicId, hmacToken } from './crypto';
import { publicTime } from '../lib/dates';
import { getServerSecret } from './secret';
import { slugify, storyPath } from '../lib/slug';
import { LIMITS } from '../lib/limits';
import { contentNotesToMask } from '../lib/facts';
import type { CreateStoryInput } from '../lib/story-input';

/** The longest random delay a poster can choose, so posting time cannot be matched to an incident. */
export const PUBLICATION_DELAY_MAX_MS = 6 * 60 * 60 * 1000;

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

/** The columns a story's form sets, the same on publishing and on editing (the slug follows the title). */
function storyColumns(input: CreateStoryInput, bodyHtml: string) {
  return {
    slug: slugify(input.title),
    title: input.title,
    bodyMarkdown: input.body,
    bodyHtml,
    experience: input.experience ?? null,
    impact: input.impact ?? null,
    detection: input.detection ?? null,
    outcome: input.outcome ?? null,
    contentNotes: contentNotesToMask(input.contentNotes),
  };
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
        ...storyColumns(input, bodyHtml),
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
        ...storyColumns(input, bodyHtml),
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

