/**
 * Replies reaching the anonymous poster (issue 12): the manage page's list with new ones marked,
 * the quiet header notice for the browser (or account) that posted, and the private replies feed.
 * "New" is kept as the highest comment id seen, so no per-comment rows and no times are stored.
 */
import rss from '@astrojs/rss';
import { sql } from 'drizzle-orm';
import { firstRow, write, type Db } from './transaction';
import { hashAuthorKey } from './authors';
import { looksLikeToken } from './crypto';
import { markdownExcerpt } from './markdown';
import { storyPath } from '../lib/slug';
import { preparedAll } from './statements';

/** How many replies the manage page and the feed show (newest first). */
export const REPLIES_LIST_MAX = 100;

export interface ReplyItem {
  id: number;
  pseudonym: string;
  isOp: boolean;
  html: string;
  bodyMarkdown: string;
  createdAt: number;
  editedAt: number | null;
  /** Arrived since the poster's last visit to the manage page (their own comments never are). */
  isNew: boolean;
}

/** The story's visible comments, newest first, marking those newer than the last manage visit. */
export async function listRepliesForManage(db: Db, storyId: number, limit = REPLIES_LIST_MAX): Promise<ReplyItem[]> {
  const rows = await db.all<{ id: number; pseudonym: string; isOp: number; html: string; bodyMarkdown: string; createdAt: number; editedAt: number | null; seen: number }>(sql`
    SELECT c.id, c.pseudonym, c.is_op AS isOp, c.body_html AS html, c.body_markdown AS bodyMarkdown,
      c.created_at AS createdAt, c.edited_at AS editedAt, s.replies_seen_id AS seen
    FROM comments c JOIN stories s ON s.id = c.story_id
    WHERE c.story_id = ${storyId} AND c.state = 'visible'
    ORDER BY c.id DESC LIMIT ${limit}`);
  return rows.map((row) => ({
    id: row.id,
    pseudonym: row.pseudonym,
    isOp: row.isOp === 1,
    html: row.html,
    bodyMarkdown: row.bodyMarkdown,
    createdAt: row.createdAt,
    editedAt: row.editedAt,
    isNew: row.isOp !== 1 && row.id > row.seen,
  }));
}

/** Records a visit to the manage page: everything up to now is seen there, and by the notice. */
export async function markRepliesSeenOnManage(db: Db, storyId: number): Promise<void> {
  await write(db, (w) => w.run(sql`
    UPDATE stories SET
      replies_seen_id = (SELECT coalesce(max(id), 0) FROM comments WHERE story_id = ${storyId}),
      replies_notified_id = max(replies_notified_id, (SELECT coalesce(max(id), 0) FROM comments WHERE story_id = ${storyId}))
    WHERE id = ${storyId}`));
}

/**
 * The author opened their story: the header notice for it has done its job. Writes only when
 * there is something unseen, so an author re-reading their story costs no write.
 */
export async function markRepliesNotified(db: Db, storyId: number): Promise<void> {
  const unseen = await firstRow(db, sql`
    SELECT 1 AS unseen FROM stories
    WHERE id = ${storyId} AND replies_notified_id < (SELECT coalesce(max(id), 0) FROM comments WHERE story_id = ${storyId})`);
  if (!unseen) return;
  await write(db, (w) => w.run(sql`
    UPDATE stories SET replies_notified_id = (SELECT max(id) FROM comments WHERE story_id = ${storyId})
    WHERE id = ${storyId}
      AND replies_notified_id < (SELECT coalesce(max(id), 0) FROM comments WHERE story_id = ${storyId})`));
}

export interface UnseenReplies {
  count: number;
  stories: { id: number; slug: string; count: number }[];
}

/**
 * New replies (by others) on the stories of this visitor, for the header notice: ONE query over
 * indexes (authors by key hash or user, stories by author, comments by (story, id)). Called only
 * for visitors carrying an author key or a session, so plain readers pay nothing.
 */
export async function unseenRepliesFor(db: Db, who: { authorKey?: string | null; userId?: string | null }): Promise<UnseenReplies | null> {
  // Runs on every page a member or a writer reads (the header): kept statements, one per kind of visitor.
  let authorFilter: string, param: string;
  if (who.userId) [authorFilter, param] = ['s.author_id IN (SELECT id FROM authors WHERE user_id = ?)', who.userId];
  else if (who.authorKey && looksLikeToken(who.authorKey)) {
    [authorFilter, param] = ['s.author_id = (SELECT id FROM authors WHERE key_hash = ?)', hashAuthorKey(who.authorKey)];
  } else return null;
  const rows = await preparedAll<{ id: number; slug: string; count: number }>(
    db,
    `SELECT s.id, s.slug, count(c.id) AS count
     FROM stories s JOIN comments c ON c.story_id = s.id AND c.id > s.replies_notified_id
     WHERE ${authorFilter} AND c.state = 'visible' AND c.is_op = 0
     GROUP BY s.id ORDER BY max(c.id) DESC`,
    param,
  );
  if (rows.length === 0) return null;
  return { count: rows.reduce((sum, row) => sum + row.count, 0), stories: rows };
}

/** Unseen replies per story for an account's /me list (same rule as the header notice). */
export async function unseenRepliesByStory(db: Db, userId: string): Promise<Map<number, number>> {
  const unseen = await unseenRepliesFor(db, { userId });
  return new Map((unseen?.stories ?? []).map((story) => [story.id, story.count]));
}

/**
 * The private replies feed (RSS 2.0) of one story: one item per visible comment, newest first,
 * with its text. The address carries the manage token, so it is as private as the manage link.
 */
export async function repliesFeedResponse(
  db: Db,
  story: { id: number; slug: string; title: string },
  origin: string,
): Promise<Response> {
  const replies = await listRepliesForManage(db, story.id);
  const url = new URL(storyPath(story), origin).href;
  const response = await rss({
    title: `Replies to “${story.title}”`,
    description: 'Private feed of the replies to your story on Rite of Passage. Keep its address to yourself.',
    site: origin,
    items: replies.map((reply) => ({
      title: `${reply.isOp ? 'You (OP)' : reply.pseudonym}: ${markdownExcerpt(reply.bodyMarkdown, 80)}`,
      link: `${url}#c${reply.id}`,
      pubDate: new Date(reply.createdAt),
      description: markdownExcerpt(reply.bodyMarkdown, 400),
      content: reply.html,
    })),
    customData: '<language>en</language>',
  });
  const headers = new Headers(response.headers);
  headers.set('content-type', 'application/rss+xml; charset=utf-8');
  headers.set('cache-control', 'no-store');
  headers.set('x-robots-tag', 'noindex, nofollow');
  return new Response(response.body, { status: 200, headers });
}
