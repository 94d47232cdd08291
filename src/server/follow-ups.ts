/**
 * Follow-ups: the author's later updates to a story ("one year later"). Same renderer and limits
 * as comments; they go with the story when it is deleted (foreign key cascade).
 */
import { asc, eq, sql } from 'drizzle-orm';
import { stories, storyFollowUps } from '../../db/schema';
import { firstRow, inTransaction, type Db } from './transaction';
import { ServiceError } from './errors';
import { renderMarkdown, UnrenderableMarkdownError } from './markdown';
import { LIMITS } from '../lib/limits';
import { cleanText } from '../lib/story-input';

export interface FollowUpView {
  id: number;
  html: string;
  createdAt: number;
}

/** Validates a follow-up the way the form explains it (the comment limits). */
export function followUpBody(raw: string): string {
  const body = cleanText(raw);
  if (body.length < LIMITS.commentMin) throw new ServiceError('invalid', 'Write your update before posting it.', 'followUp');
  if (body.length > LIMITS.commentMax) {
    throw new ServiceError('invalid', `Keep an update under ${LIMITS.commentMax.toLocaleString('en')} characters.`, 'followUp');
  }
  return body;
}

/** Adds a follow-up to a story and marks the story as updated, in one transaction. */
export async function addFollowUp(db: Db, storyId: number, raw: string, now = Date.now()): Promise<{ id: number }> {
  const body = followUpBody(raw);
  let html: string;
  try {
    html = renderMarkdown(body, { maxLength: LIMITS.commentMax });
  } catch (error) {
    if (error instanceof UnrenderableMarkdownError) throw new ServiceError('invalid', error.message, 'followUp');
    throw error;
  }
  const existing = await firstRow<{ n: number }>(db, sql`SELECT count(*) AS n FROM story_follow_ups WHERE story_id = ${storyId}`);
  if ((existing?.n ?? 0) >= LIMITS.followUpsPerStoryMax) {
    throw new ServiceError('invalid', `A story can have at most ${LIMITS.followUpsPerStoryMax} updates. Edit the story instead.`, 'followUp');
  }
  return await inTransaction(db, async (tx) => {
    const row = await tx.insert(storyFollowUps).values({ storyId, bodyMarkdown: body, bodyHtml: html, createdAt: now }).returning({ id: storyFollowUps.id }).get();
    await tx.update(stories).set({ followedUpAt: now }).where(eq(stories.id, storyId)).run();
    return row;
  });
}

/** A story's follow-ups, oldest first (they read as a continuation). */
export async function listFollowUps(db: Db, storyId: number): Promise<FollowUpView[]> {
  return await db
    .select({ id: storyFollowUps.id, html: storyFollowUps.bodyHtml, createdAt: storyFollowUps.createdAt })
    .from(storyFollowUps)
    .where(eq(storyFollowUps.storyId, storyId))
    .orderBy(asc(storyFollowUps.id))
    .all();
}
