/**
 * The home page's headline numbers ("N engineers… M kept their job"). Counting every story on each
 * visit costs milliseconds at 100,000 stories, so the figures are kept for a minute per database.
 * Requests arriving while they are being counted share that one count: when the minute ran out
 * under load, every request in flight used to count again (50 connections, 50 counts).
 */
import type { Db } from './transaction';
import { countVisibleStories } from './feed';
import { outcomeSummary, type OutcomeSummary } from './not-alone';

export const SITE_STATS_MAX_AGE_MS = 60_000;

export interface SiteStats {
  storyCount: number;
  outcomes: OutcomeSummary;
}

const cache = new WeakMap<Db, { at: number; stats: Promise<SiteStats> }>();

export function getSiteStats(db: Db, now = Date.now()): Promise<SiteStats> {
  const cached = cache.get(db);
  if (cached && now - cached.at < SITE_STATS_MAX_AGE_MS) return cached.stats;
  const stats = (async () => ({ storyCount: await countVisibleStories(db, now), outcomes: await outcomeSummary(db, now) }))();
  const entry = { at: now, stats };
  cache.set(db, entry);
  // A failed count is not kept: the next request counts again.
  stats.catch(() => {
    if (cache.get(db) === entry) cache.delete(db);
  });
  return stats;
}
