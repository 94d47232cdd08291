/**
 * Comment threads. Threads nest to any depth in storage; a whole thread is read in one query and
 * ordered in memory, so a story with hundreds of comments costs one round trip.
 */
import { and, eq, sql } from 'drizzle-orm';
import { comments, stories, type Comment } from '../../db/schema';
import { forgetDeletedText, inTransaction, write, type Db } from './transaction';
import { forgetReportsOnComment } from './deleted-text';
import { ServiceError, isUniqueViolation } from './errors';
import { sha256Hex, looksLikeToken } from './crypto';
import { renderMarkdown, UnrenderableMarkdownError } from './markdown';
import { authorBelongsToUser, pseudonymFor } from './authors';
import { LIMITS } from '../lib/limits';
import { preparedAll } from './statements';

export interface ThreadComment {
  id: number;
  parentId: number | null;
  depth: number;
  pseudonym: string;
  isOp: boolean;
  html: string;
  /** The Markdown, for the author's edit form only (never rendered as is). */
  bodyMarkdown: string;
  /** 'deleted' and 'hidden' comments keep their place only when they have replies. */
  state: Comment['state'];
  createdAt: number;
  editedAt: number | null;
  replyCount: number;
  authorId: number | null;
  /** For a comment shown flat past the indent limit: who it answers. */
  parentPseudonym: string | null;
}

export interface Actor {
  authorId: number;
  userId: string | null;
}

/** Whether this actor wrote something whose author is `authorId` (same key, or same account). */
export async function isSameAuthor(db: Db, actor: Actor, authorId: number | null): Promise<boolean> {
  if (authorId === null) return false;
  if (authorId === actor.authorId) return true;
  return actor.userId !== null && await authorBelongsToUser(db, authorId, actor.userId);
}

function renderComment(body: string): string {
  try {
    return renderMarkdown(body, { maxLength: LIMITS.commentMax });
  } catch (error) {
    if (error instanceof UnrenderableMarkdownError) throw new ServiceError('invalid', error.message, 'body');
    throw error;
  }
}

/**
 * The key of a comment sent from one form: the form's one-time token and the text. The text is
 * part of it because a story page may be served from a shared cache, so two readers can hold the
 * same token; only the very same words from the same form count as the same comment.
 */
function commentSubmissionHash(submission: string, body: string): string {
  return sha256Hex(`comment-form:${submission}:${body}`);
}

/** The comment this form already added to this story with this text, or null (see addComment). */
export async function findCommentBySubmission(db: Db, storyId: number, submission: string, body: string): Promise<{ id: number } | null> {
  if (!looksLikeToken(submission)) return null;
  const row = await db
    .select({ id: comments.id })
    .from(comments)
    .where(and(eq(comments.submissionHash, commentSubmissionHash(submission, body)), eq(comments.storyId, storyId)))
    .get();
  return row ?? null;
}

/** How long an identical comment from the same author in the same place counts as sent again. */
export const COMMENT_RESUBMISSION_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * A comment these authors recently left in the same place (story and parent) with exactly this
 * text, or null: the comment form sent again from a page the browser rendered afresh.
 */
export async function findRecentSameComment(
  db: Db,
  authorIds: number[],
  input: { storyId: number; parentId: number | null; body: string },
  now = Date.now(),
): Promise<{ id: number } | null> {
  if (authorIds.length === 0) return null;
  const row = await db
    .select({ id: comments.id })
    .from(comments)
    .where(
      and(
        eq(comments.storyId, input.storyId),
        // Unary + keeps SQLite on the story's index: with the parent index, "parent_id IS NULL"
        // walked every top-level comment of the site (about 140 ms per post at 1,000,000 comments).
        input.parentId === null ? sql`+${comments.parentId} IS NULL` : sql`+${comments.parentId} = ${input.parentId}`,
        sql`+${comments.authorId} IN (${sql.join(authorIds.map((id) => sql`${id}`), sql`, `)})`,
        eq(comments.bodyMarkdown, input.body),
        eq(comments.state, 'visible'),
        sql`${comments.createdAt} >= ${now - COMMENT_RESUBMISSION_WINDOW_MS}`,
      ),
    )
    .get();
  return row ?? null;
}

/**
 * Adds a comment (or a reply when parentId is set) and bumps the story's comment count, in one
 * transaction. The parent must belong to the same story.
 */
export async function addComment(
  db: Db,
  input: {
    storyId: number;
    parentId: number | null;
    body: string;
    actor: Actor;
    /** The form's one-time token: the same form sent twice adds the comment once. */
    submission?: string | null;
    now?: number;
  },
): Promise<{ id: number }> {
  const now = input.now ?? Date.now();
  const submission = input.submission && looksLikeToken(input.submission) ? input.submission : null;
  if (submission) {
    const earlier = await findCommentBySubmission(db, input.storyId, submission, input.body);
    if (earlier) return earlier;
  }
  const story = await db
    .select({ id: stories.id, authorId: stories.authorId, state: stories.state, publishedAt: stories.publishedAt })
    .from(stories)
    .where(eq(stories.id, input.storyId))
    .get();
  if (!story || story.state !== 'visible' || story.publishedAt > now) {
    throw new ServiceError('not_found', 'This story is not available for comments.');
  }
  if (input.parentId !== null) {
    const parent = await db
      .select({ storyId: comments.storyId, state: comments.state })
      .from(comments)
      .where(eq(comments.id, input.parentId))
      .get();
    if (!parent || parent.storyId !== input.storyId) {
      throw new ServiceError('invalid', 'The comment you replied to is not part of this story.', 'parent');
    }
    if (parent.state !== 'visible') {
      throw new ServiceError('invalid', 'The comment you replied to has been removed.', 'parent');
    }
  }
  const html = renderComment(input.body);
  const isOp = await isSameAuthor(db, input.actor, story.authorId);

  const insert = () => inTransaction(db, async (tx) => {
    const row = (await tx
      .insert(comments)
      .values({
        storyId: input.storyId,
        parentId: input.parentId,
        authorId: input.actor.authorId,
        pseudonym: pseudonymFor(input.actor.authorId, input.storyId),
        isOp,
        bodyMarkdown: input.body,
        bodyHtml: html,
        createdAt: now,
        submissionHash: submission ? commentSubmissionHash(submission, input.body) : null,
      })
      .returning({ id: comments.id })
      .get())!;
    await tx.update(stories)
      .set({ commentCount: sql`${stories.commentCount} + 1` })
      .where(eq(stories.id, input.storyId))
      .run();
    return row;
  });
  try {
    return await insert();
  } catch (error) {
    // The same form at the same moment in another process: its comment is the one.
    const winner = submission && isUniqueViolation(error) ? await findCommentBySubmission(db, input.storyId, submission, input.body) : null;
    if (winner) return winner;
    throw error;
  }
}

export async function getCommentById(db: Db, id: number): Promise<Comment | null> {
  return (await db.select().from(comments).where(eq(comments.id, id)).get()) ?? null;
}

/**
 * Removes a comment's text for real. A comment with replies keeps its place as "[deleted]" so the
 * thread still reads; one without replies disappears.
 */
export async function removeComment(db: Db, commentId: number): Promise<void> {
  await inTransaction(db, async (tx) => {
    const comment = await tx.select().from(comments).where(eq(comments.id, commentId)).get();
    if (!comment || comment.state === 'deleted') return;
    const reply = await tx.select({ id: comments.id }).from(comments).where(eq(comments.parentId, commentId)).limit(1).get();
    if (reply) {
      await tx.update(comments)
        .set({ state: 'deleted', bodyMarkdown: '', bodyHtml: '', authorId: null, submissionHash: null })
        .where(eq(comments.id, commentId))
        .run();
    } else {
      await tx.delete(comments).where(eq(comments.id, commentId)).run();
    }
    if (comment.state === 'visible') {
      await tx.update(stories)
        .set({ commentCount: sql`max(${stories.commentCount} - 1, 0)` })
        .where(eq(stories.id, comment.storyId))
        .run();
    }
    await forgetReportsOnComment(tx, commentId);
  });
  forgetDeletedText(db);
}

/** Deletes the actor's own comment; someone else's is refused. */
export async function deleteOwnComment(db: Db, commentId: number, actor: Actor): Promise<{ storyId: number }> {
  const comment = await getCommentById(db, commentId);
  if (!comment || comment.state === 'deleted') throw new ServiceError('not_found', 'That comment no longer exists.');
  if (!(await isSameAuthor(db, actor, comment.authorId))) {
    throw new ServiceError('forbidden', 'You can only delete your own comments.');
  }
  await removeComment(db, commentId);
  return { storyId: comment.storyId };
}

/** Whether a comment written at `createdAt` may still be edited by its author. */
export function withinEditWindow(createdAt: number, now = Date.now()): boolean {
  return now - createdAt <= LIMITS.commentEditWindowMs;
}

/**
 * Replaces the text of the actor's own comment within the edit window (15 minutes); it then shows
 * as edited. Someone else's comment, or a late edit, is refused with a message.
 */
export async function editOwnComment(db: Db, commentId: number, actor: Actor, body: string, now = Date.now()): Promise<{ storyId: number }> {
  const comment = await getCommentById(db, commentId);
  if (!comment || comment.state !== 'visible') throw new ServiceError('not_found', 'That comment no longer exists.');
  if (!(await isSameAuthor(db, actor, comment.authorId))) throw new ServiceError('forbidden', 'You can only edit your own comments.');
  if (!withinEditWindow(comment.createdAt, now)) {
    throw new ServiceError('forbidden', `Comments can be edited for ${LIMITS.commentEditWindowMs / 60_000} minutes after posting. You can still delete it.`);
  }
  const html = renderComment(body);
  await write(db, (w) => w.update(comments).set({ bodyMarkdown: body, bodyHtml: html, editedAt: now }).where(eq(comments.id, commentId)).run());
  // The words edited away must not linger in the write-ahead log either.
  forgetDeletedText(db);
  return { storyId: comment.storyId };
}

/** Renders a comment for its preview, exactly as it would be saved; nothing is stored. */
export function previewComment(body: string): string {
  return renderComment(body);
}

/** The columns of a comment a thread shows (is_op as SQLite stores it, 0 or 1). */
type ThreadRow = Pick<Comment, 'id' | 'parentId' | 'authorId' | 'pseudonym' | 'bodyMarkdown' | 'bodyHtml' | 'state' | 'createdAt' | 'editedAt'> & { isOp: number | boolean };

// Through the story's index (comments_story_idx: story_id, id), already in id order.
const THREAD_SQL = `SELECT id, parent_id AS parentId, author_id AS authorId, pseudonym, is_op AS isOp,
  body_markdown AS bodyMarkdown, body_html AS bodyHtml, state, created_at AS createdAt, edited_at AS editedAt
  FROM comments WHERE story_id = ? ORDER BY id`;

/**
 * The whole thread of a story in reading order (each comment followed by its replies, oldest
 * first), with depth. Removed comments without visible descendants are left out; hidden ones are
 * shown to moderators only.
 */
export async function listThread(db: Db, storyId: number, options: { includeHidden?: boolean } = {}): Promise<ThreadComment[]> {
  // A kept statement naming only the columns shown, not the query builder's select of every column
  // (submission hashes included) mapped row by row: a hot read on a 500-comment story.
  const rows = await preparedAll<ThreadRow>(db, THREAD_SQL, storyId);

  const children = new Map<number | null, ThreadRow[]>();
  for (const row of rows) {
    const key = row.parentId;
    const list = children.get(key) ?? [];
    list.push(row);
    children.set(key, list);
  }
  const showsText = (c: ThreadRow) => c.state === 'visible' || (c.state === 'hidden' && options.includeHidden);

  // Does this comment, or anything below it, have something to show? Iterative post-order.
  const keep = new Map<number, boolean>();
  const stack: { comment: ThreadRow; visited: boolean }[] = (children.get(null) ?? []).map((comment) => ({ comment, visited: false }));
  while (stack.length > 0) {
    const top = stack.pop()!;
    const kids = children.get(top.comment.id) ?? [];
    if (!top.visited) {
      stack.push({ comment: top.comment, visited: true });
      for (const kid of kids) stack.push({ comment: kid, visited: false });
    } else {
      keep.set(top.comment.id, showsText(top.comment) || kids.some((kid) => keep.get(kid.id)));
    }
  }

  const byId = new Map(rows.map((row) => [row.id, row]));
  const ordered: ThreadComment[] = [];
  const walk: { comment: ThreadRow; depth: number }[] = [...(children.get(null) ?? [])]
    .reverse()
    .map((comment) => ({ comment, depth: 0 }));
  while (walk.length > 0) {
    const { comment, depth } = walk.pop()!;
    if (!keep.get(comment.id)) continue;
    const kids = (children.get(comment.id) ?? []).filter((kid) => keep.get(kid.id));
    const visibleText = showsText(comment);
    const parent = comment.parentId !== null ? byId.get(comment.parentId) : undefined;
    ordered.push({
      id: comment.id,
      parentId: comment.parentId,
      depth,
      pseudonym: comment.pseudonym,
      isOp: Boolean(comment.isOp),
      html: visibleText ? comment.bodyHtml : '',
      bodyMarkdown: visibleText ? comment.bodyMarkdown : '',
      state: comment.state,
      createdAt: comment.createdAt,
      editedAt: comment.editedAt,
      replyCount: kids.length,
      authorId: comment.authorId,
      parentPseudonym: parent ? parent.pseudonym : null,
    });
    for (let i = kids.length - 1; i >= 0; i--) walk.push({ comment: kids[i], depth: depth + 1 });
  }
  return ordered;
}
