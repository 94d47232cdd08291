/**
 * Moderation: reports from readers, decisions by moderators, and the public log. The log records
 * what kind of thing and its id, the action, the reason and the time — never who acted and never
 * the hidden text (which would republish it).
 */
import { and, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import { slugify } from '../lib/slug';
import { comments, moderationActions, reports, stories } from '../../db/schema';
import { forgetDeletedText, inTransaction, write, type Db } from './transaction';
import { ServiceError } from './errors';
import { deleteStory } from './story-writes';
import { removeComment } from './comments';
import { renderMarkdown, UnrenderableMarkdownError } from './markdown';
import { LIMITS } from '../lib/limits';
import { cleanText } from '../lib/story-input';
import { hasVisibleText, invisibleTextMessage } from '../lib/visible-text';
import { redactAllFindings } from '../lib/deidentify';

export type TargetType = 'story' | 'comment';
export type Decision = 'dismiss' | 'hide' | 'restore' | 'delete';
export const DECISIONS: Decision[] = ['dismiss', 'hide', 'restore', 'delete'];

/** Files a reader's report. The reporter is not recorded, only the reason. */
export async function fileReport(
  db: Db,
  input: { storyId: number; targetType: TargetType; targetId: number; reason: string },
  now = Date.now(),
): Promise<{ id: number }> {
  const reason = cleanText(input.reason).replace(/\s+/g, ' ');
  if (reason.length > 0 && !hasVisibleText(reason)) throw new ServiceError('invalid', invisibleTextMessage('The reason'), 'reason');
  if (reason.length < 3) throw new ServiceError('invalid', 'Say briefly what is wrong, so a moderator can act on it.', 'reason');
  if (reason.length > LIMITS.reportReasonMax) {
    throw new ServiceError('invalid', `Keep the reason under ${LIMITS.reportReasonMax} characters.`, 'reason');
  }
  if (input.targetType === 'comment') {
    const comment = await db.select({ storyId: comments.storyId, state: comments.state }).from(comments).where(eq(comments.id, input.targetId)).get();
    if (!comment || comment.storyId !== input.storyId || comment.state === 'deleted') {
      throw new ServiceError('not_found', 'That comment no longer exists.');
    }
  }
  // A form sent twice (a double click, a reload) files one report: the same reason about the same
  // thing, still open, is the report already filed.
  const row = await write(db, async (w) => {
    const filed = await w
      .select({ id: reports.id })
      .from(reports)
      .where(and(eq(reports.targetType, input.targetType), eq(reports.targetId, input.targetId), eq(reports.reason, reason), eq(reports.state, 'open')))
      .get();
    return filed ?? w.insert(reports).values({ targetType: input.targetType, targetId: input.targetId, reason, createdAt: now }).returning({ id: reports.id }).get();
  });
  return row!;
}

export interface OpenReport {
  id: number;
  targetType: TargetType;
  targetId: number;
  reason: string;
  createdAt: number;
  /** What the moderator needs to judge: title and full text (moderators see hidden text), and where it lives. */
  target: { exists: boolean; state: string; title: string; excerpt: string; storyUrl: string | null } ;
}

/** Open reports, oldest first, each with its target (moderators see hidden text). */
export async function listOpenReports(db: Db, limit = 100): Promise<OpenReport[]> {
  const rows = await db.select().from(reports).where(eq(reports.state, 'open')).orderBy(reports.createdAt).limit(limit).all();
  const storyIds = rows.filter((r) => r.targetType === 'story').map((r) => r.targetId);
  const commentIds = rows.filter((r) => r.targetType === 'comment').map((r) => r.targetId);
  const storyRows = storyIds.length
    ? await db.select({ id: stories.id, slug: stories.slug, title: stories.title, body: stories.bodyMarkdown, state: stories.state }).from(stories).where(inArray(stories.id, storyIds)).all()
    : [];
  const commentRows = commentIds.length
    ? await db
        .select({ id: comments.id, body: comments.bodyMarkdown, state: comments.state, storyId: stories.id, slug: stories.slug, title: stories.title })
        .from(comments)
        .innerJoin(stories, eq(stories.id, comments.storyId))
        .where(inArray(comments.id, commentIds))
        .all()
    : [];
  const storyById = new Map(storyRows.map((s) => [s.id, s]));
  const commentById = new Map(commentRows.map((c) => [c.id, c]));
  return rows.map((row) => {
    if (row.targetType === 'story') {
      const story = storyById.get(row.targetId);
      return {
        ...row,
        target: story
          ? { exists: true, state: story.state, title: story.title, excerpt: story.body, storyUrl: `/stories/${story.id}-${story.slug}` }
          : { exists: false, state: 'gone', title: 'Deleted story', excerpt: '', storyUrl: null },
      };
    }
    const comment = commentById.get(row.targetId);
    return {
      ...row,
      target: comment
        ? { exists: true, state: comment.state, title: `Comment on “${comment.title}”`, excerpt: comment.body, storyUrl: `/stories/${comment.storyId}-${comment.slug}#c${comment.id}` }
        : { exists: false, state: 'gone', title: 'Deleted comment', excerpt: '', storyUrl: null },
    };
  });
}

async function logAction(db: Db, targetType: TargetType, targetId: number, action: Decision | 'redact', reason: string, now: number) {
  await db.insert(moderationActions).values({ targetType, targetId, action, reason, createdAt: now }).run();
}

async function closeReports(db: Db, targetType: TargetType, targetId: number) {
  await db.update(reports)
    .set({ state: 'closed' })
    .where(and(eq(reports.targetType, targetType), eq(reports.targetId, targetId), eq(reports.state, 'open')))
    .run();
}

async function targetExists(db: Db, targetType: TargetType, targetId: number): Promise<boolean> {
  if (targetType === 'story') return !!(await db.select({ id: stories.id }).from(stories).where(eq(stories.id, targetId)).get());
  const comment = await db.select({ state: comments.state }).from(comments).where(eq(comments.id, targetId)).get();
  return !!comment && comment.state !== 'deleted';
}

/**
 * Applies a moderator's decision to a story or comment, closes its open reports and writes the
 * public log entry. The reason is the moderator's note, else the most recent report's reason.
 */
export async function decide(
  db: Db,
  input: { targetType: TargetType; targetId: number; decision: Decision; note?: string },
  now = Date.now(),
): Promise<void> {
  if (!DECISIONS.includes(input.decision)) throw new ServiceError('invalid', 'Choose dismiss, hide, restore or delete.', 'decision');
  const note = cleanText(input.note ?? '').replace(/\s+/g, ' ').slice(0, LIMITS.modNoteMax);
  const { targetType, targetId, decision } = input;
  if (decision !== 'dismiss' && !await targetExists(db, targetType, targetId)) {
    throw new ServiceError('not_found', 'That content no longer exists.');
  }
  const lastReport = await db
    .select({ reason: reports.reason })
    .from(reports)
    .where(and(eq(reports.targetType, targetType), eq(reports.targetId, targetId)))
    .orderBy(desc(reports.createdAt))
    .get();
  // A reason often quotes what was wrong ("names Jane Doe at Acme Corp"): the public log must not
  // republish it, so identifying details are replaced by placeholders first.
  const reason = redactAllFindings(note || lastReport?.reason || 'No reason given');

  await inTransaction(db, async (tx) => {
    if (decision === 'hide' || decision === 'restore') {
      const state = decision === 'hide' ? 'hidden' : 'visible';
      if (targetType === 'story') await tx.update(stories).set({ state }).where(eq(stories.id, targetId)).run();
      else {
        // The story's comment count is of visible comments (removeComment relies on it), so it
        // follows a comment in and out of view.
        const comment = await tx.select({ state: comments.state, storyId: comments.storyId }).from(comments).where(eq(comments.id, targetId)).get();
        if (comment && comment.state !== 'deleted' && comment.state !== state) {
          await tx.update(comments).set({ state }).where(eq(comments.id, targetId)).run();
          const delta = state === 'visible' ? 1 : -1;
          await tx.update(stories)
            .set({ commentCount: sql`max(${stories.commentCount} + ${delta}, 0)` })
            .where(eq(stories.id, comment.storyId))
            .run();
        }
      }
    } else if (decision === 'delete') {
      if (targetType === 'story') await deleteStory(tx, targetId);
      else await removeComment(tx, targetId);
    }
    await closeReports(tx, targetType, targetId);
    await logAction(tx, targetType, targetId, decision, reason, now);
  });
  if (decision === 'delete') forgetDeletedText(db);
}

/**
 * Replaces identifying details in a story or comment. The new text replaces the old for real; the
 * original is not kept anywhere.
 */
export async function redactContent(
  db: Db,
  input: { targetType: TargetType; targetId: number; title?: string; body: string; note?: string },
  now = Date.now(),
): Promise<void> {
  const body = cleanText(input.body);
  const max = input.targetType === 'story' ? LIMITS.bodyMax : LIMITS.commentMax;
  if (body.length < 1 || body.length > max) throw new ServiceError('invalid', `The text must be 1–${max} characters.`, 'body');
  let html: string;
  try {
    html = renderMarkdown(body, { maxLength: max });
  } catch (error) {
    if (error instanceof UnrenderableMarkdownError) throw new ServiceError('invalid', error.message, 'body');
    throw error;
  }
  if (!await targetExists(db, input.targetType, input.targetId)) throw new ServiceError('not_found', 'That content no longer exists.');
  const reason = redactAllFindings(cleanText(input.note ?? '').replace(/\s+/g, ' ').slice(0, LIMITS.modNoteMax)) || 'Removed identifying details';
  await inTransaction(db, async (tx) => {
    if (input.targetType === 'story') {
      const title = cleanText(input.title ?? '').replace(/\s+/g, ' ');
      // The resubmission key hashed the old text and the slug spells the old title: both go with them.
      const set: Partial<typeof stories.$inferInsert> = { bodyMarkdown: body, bodyHtml: html, submissionHash: null };
      if (title.length >= LIMITS.titleMin && title.length <= LIMITS.titleMax) Object.assign(set, { title, slug: slugify(title) });
      await tx.update(stories).set(set).where(eq(stories.id, input.targetId)).run();
    } else {
      // The form key hashed the old text: drop it with the text.
      await tx.update(comments).set({ bodyMarkdown: body, bodyHtml: html, submissionHash: null }).where(eq(comments.id, input.targetId)).run();
    }
    await logAction(tx, input.targetType, input.targetId, 'redact', reason, now);
  });
  // The original wording is deleted text: it must not stay readable in the write-ahead log.
  forgetDeletedText(db);
}

export interface LogEntry {
  id: number;
  targetType: TargetType;
  targetId: number;
  action: string;
  reason: string;
  createdAt: number;
}

/** The public moderation log, newest first, keyset-paginated by id. */
export async function listModerationLog(db: Db, options: { beforeId?: number | null; limit?: number } = {}): Promise<{ entries: LogEntry[]; nextBeforeId: number | null }> {
  const limit = options.limit ?? 50;
  const rows = await db
    .select()
    .from(moderationActions)
    .where(options.beforeId ? lt(moderationActions.id, options.beforeId) : undefined)
    .orderBy(desc(moderationActions.id))
    .limit(limit + 1)
    .all();
  const entries = rows.slice(0, limit);
  return { entries, nextBeforeId: rows.length > limit ? entries.at(-1)!.id : null };
}
