/** Failure types (tags): the taxonomy readers browse by. */
import { eq, sql } from 'drizzle-orm';
import { failureTypes } from '../../db/schema';
import type { Db } from './transaction';
import { preparedAll } from './statements';

export interface FailureTypeSummary {
  id: number;
  slug: string;
  name: string;
  description: string;
  storyCount: number;
}

/**
 * Every failure type with the number of stories readers can see, in taxonomy order: the kept
 * counts (story-counts.ts) less the stories whose publication time is still ahead.
 */
export async function listFailureTypes(db: Db, now = Date.now()): Promise<FailureTypeSummary[]> {
  return await db.all<FailureTypeSummary>(sql`
    SELECT ft.id, ft.slug, ft.name, ft.description,
      coalesce((SELECT sum(c.stories) FROM story_outcome_counts c WHERE c.failure_type_id = ft.id AND c.experience = ''), 0)
      - (SELECT count(*) FROM stories s INDEXED BY stories_feed_idx JOIN story_failure_types sft ON sft.story_id = s.id
          WHERE s.published_at > ${now} AND s.state = 'visible' AND sft.failure_type_id = ft.id) AS storyCount
    FROM failure_types ft
    ORDER BY ft.id`);
}

/** Slugs and names only, for forms and filters. */
export async function listFailureTypeChoices(db: Db): Promise<{ slug: string; name: string; description: string }[]> {
  // The home page's filter asks on every render: a kept statement.
  return await preparedAll(db, 'SELECT slug, name, description FROM failure_types ORDER BY id');
}

export async function getFailureTypeBySlug(db: Db, slug: string) {
  return (await db.select().from(failureTypes).where(eq(failureTypes.slug, slug)).get()) ?? null;
}
