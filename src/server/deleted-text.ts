/**
 * Deleted text really gone, beyond the row itself: reports whose reasons quote it are closed and
 * emptied. (The write-ahead log that still holds old pages is transaction.ts's forgetDeletedText().)
 */
import { and, eq, inArray, or, sql } from 'drizzle-orm';
import { comments, reports } from '../../db/schema';
import { firstRow, readPrimary, write, type Db } from './transaction';

/** Printed at start when a libSQL primary keeps deleted rows' bytes in its files. */
export const PRIMARY_KEEPS_DELETED_TEXT =
  'Warning: the libSQL primary runs without secure_delete, so deleted text stays readable in its files. Start sqld as `npm run db:server` does (README, "Deleted text in libSQL mode").';

/** libSQL mode: whether the primary zeroes deleted rows (sqld with our secure-delete extension). */
export async function primaryZeroesDeletedRows(db: Db): Promise<boolean> {
  const row = await firstRow<{ secure_delete: number }>(readPrimary(db), sql`PRAGMA secure_delete`);
  return Number(row?.secure_delete) > 0;
}

/** Closes every report about these stories or their comments and clears its reason. */
export async function forgetReportsOnStories(db: Db, storyIds: number[]): Promise<void> {
  if (storyIds.length === 0) return;
  const storyComments = db.select({ id: comments.id }).from(comments).where(inArray(comments.storyId, storyIds));
  await write(db, (w) =>
    w
      .update(reports)
      .set({ state: 'closed', reason: '' })
      .where(
        or(
          and(eq(reports.targetType, 'story'), inArray(reports.targetId, storyIds)),
          and(eq(reports.targetType, 'comment'), inArray(reports.targetId, storyComments)),
        ),
      )
      .run(),
  );
}

/** Closes every report about a removed comment and clears its reason. */
export async function forgetReportsOnComment(db: Db, commentId: number): Promise<void> {
  await write(db, (w) =>
    w.update(reports).set({ state: 'closed', reason: '' }).where(and(eq(reports.targetType, 'comment'), eq(reports.targetId, commentId))).run(),
  );
}
