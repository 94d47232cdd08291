/**
 * The home page's headline numbers ("N engineers… M kept their job"), from the counts the
 * database keeps (story-counts.ts): exact on every visit, in any process, at any size.
 */
import type { Db } from './transaction';
import { countStoriesByOutcome } from './story-counts';
import { outcomeSummaryOf, type OutcomeSummary } from './not-alone';

export interface SiteStats {
  storyCount: number;
  outcomes: OutcomeSummary;
}

/** The total and the outcomes from one read of the kept counts (`/` asks on every visit). */
export async function getSiteStats(db: Db, now = Date.now()): Promise<SiteStats> {
  const rows = await countStoriesByOutcome(db, {}, now);
  return { storyCount: rows.reduce((sum, row) => sum + row.n, 0), outcomes: outcomeSummaryOf(rows) };
}
