/**
 * The home page's headline numbers ("N engineers… M kept their job"), from the counts the
 * database keeps (story-counts.ts): exact on every visit, in any process, at any size.
 */
import type { Db } from './transaction';
import { countStories } from './story-counts';
import { outcomeSummary, type OutcomeSummary } from './not-alone';

export interface SiteStats {
  storyCount: number;
  outcomes: OutcomeSummary;
}

export async function getSiteStats(db: Db, now = Date.now()): Promise<SiteStats> {
  return { storyCount: await countStories(db, {}, now), outcomes: await outcomeSummary(db, now) };
}
