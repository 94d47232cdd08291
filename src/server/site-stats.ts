/**
 * The home page's headline numbers ("N engineers… M kept their job"). Counting every story on each
 * visit costs ~10 ms at 50,000 stories, so the figures are kept for a minute per database.
 */
import type { Db } from './transaction';
import { countVisibleStories } from './feed';
import { outcomeSummary, type OutcomeSummary } from './not-alone';

export const SITE_STATS_MAX_AGE_MS = 60_000;

export interface SiteStats {
  storyCount: number;
  outcomes: OutcomeSummary;
}

const cache = new WeakMap<Db, { at: number; stats: SiteStats }>();

export async function getSiteStats(db: Db, now = Date.now()): Promise<SiteStats> {
  const cached = cache.get(db);
  if (cached && now - cached.at < SITE_STATS_MAX_AGE_MS) return cached.stats;
  const stats = { storyCount: await countVisibleStories(db, now), outcomes: await outcomeSummary(db, now) };
  cache.set(db, { at: now, stats });
  return stats;
}
