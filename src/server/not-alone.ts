/** The "you're not alone" evidence: similar stories and how stories like yours ended. */
import { sql } from 'drizzle-orm';
import type { Db } from './transaction';
import { hydrateCards, type StoryCard } from './feed';
import { EXPERIENCE, KEPT_JOB_OUTCOMES, OUTCOME, type Experience, type Outcome } from '../lib/facts';
import { evidenceSentence, groupPhrase, type EvidenceCounts } from '../lib/evidence';
import { countStories, countStoriesByOutcome, type OutcomeRow } from './story-counts';

/**
 * How many other visible stories share the story's first failure type (`type`, which the story
 * page has already looked up): the kept count, less the story itself when readers can see it.
 */
export async function countOthersOfType(db: Db, story: { state: string; publishedAt: number }, type: { id: number }, now = Date.now()): Promise<number> {
  const all = await countStories(db, { failureTypeId: type.id }, now);
  return all - (story.state === 'visible' && story.publishedAt <= now ? 1 : 0);
}

export interface OutcomeCount {
  outcome: Outcome;
  label: string;
  count: number;
}

export interface OutcomeSummary {
  /** Stories that said how it ended ("prefer not to say" excluded from kept/lost). */
  told: number;
  keptJob: number;
  lostJob: number;
  counts: OutcomeCount[];
}

function summarise(rows: { outcome: string; n: number }[]): OutcomeSummary {
  const counts = (Object.keys(OUTCOME) as Outcome[]).map((outcome) => ({
    outcome,
    label: OUTCOME[outcome],
    count: rows.find((row) => row.outcome === outcome)?.n ?? 0,
  }));
  const keptJob = counts.filter((c) => KEPT_JOB_OUTCOMES.includes(c.outcome)).reduce((sum, c) => sum + c.count, 0);
  const lostJob = counts.find((c) => c.outcome === 'fired')?.count ?? 0;
  return { told: keptJob + lostJob, keptJob, lostJob, counts };
}

/** How visible stories ended, site-wide. */
export async function outcomeSummary(db: Db, now = Date.now()): Promise<OutcomeSummary> {
  return outcomeSummaryOf(await countStoriesByOutcome(db, {}, now));
}

/** The summary of rows already read from countStoriesByOutcome (null outcomes left out). */
export function outcomeSummaryOf(rows: OutcomeRow[]): OutcomeSummary {
  return summarise(told(rows));
}

const told = (rows: OutcomeRow[]) => rows.filter((row): row is { outcome: string; n: number } => row.outcome !== null);

/** How other visible stories sharing any failure type with this one ended. */
export async function outcomeSummaryForStory(db: Db, storyId: number, now = Date.now()): Promise<OutcomeSummary & { others: number }> {
  const rows = await db.all<{ outcome: string | null; n: number }>(sql`
    SELECT s.outcome AS outcome, count(*) AS n FROM stories s
    WHERE s.id IN (
      SELECT theirs.story_id FROM story_failure_types mine
      JOIN story_failure_types theirs ON theirs.failure_type_id = mine.failure_type_id
      WHERE mine.story_id = ${storyId} AND theirs.story_id <> ${storyId})
    AND s.state = 'visible' AND s.published_at <= ${now}
    GROUP BY s.outcome`);
  const others = rows.reduce((sum, row) => sum + row.n, 0);
  return { ...summarise(told(rows)), others };
}

export interface EvidenceFilter {
  failureTypeId?: number;
  experience?: string;
}

/**
 * How visible stories matching the feed's failure-type and experience filters ended (from the
 * kept counts), so the numbers on / follow the filters.
 */
export async function evidenceFor(db: Db, filter: EvidenceFilter, now = Date.now()): Promise<EvidenceCounts> {
  const rows = await countStoriesByOutcome(db, filter, now);
  const summary = outcomeSummaryOf(rows);
  return { stories: rows.reduce((sum, row) => sum + row.n, 0), told: summary.told, keptJob: summary.keptJob };
}

/** The newest visible stories of one failure type other than this one ("N more stories about X"). */
export async function listStoriesOfType(db: Db, failureTypeId: number, exceptStoryId: number, limit = 3, now = Date.now()): Promise<StoryCard[]> {
  const rows = await db.all<{ id: number; slug: string; title: string; experience: string | null; outcome: string | null; contentNotes: number; beenThereCount: number; commentCount: number; publishedAt: number; followedUpAt: number | null }>(sql`
    SELECT s.id, s.slug, s.title, s.experience, s.outcome, s.content_notes AS contentNotes,
      s.been_there_count AS beenThereCount, s.comment_count AS commentCount, s.published_at AS publishedAt,
      s.followed_up_at AS followedUpAt
    FROM story_failure_types sft JOIN stories s ON s.id = sft.story_id
    WHERE sft.failure_type_id = ${failureTypeId} AND sft.published_at <= ${now} AND sft.story_id <> ${exceptStoryId} AND s.state = 'visible'
    ORDER BY sft.published_at DESC, sft.story_id DESC LIMIT ${limit}`);
  return await hydrateCards(db, rows);
}

export interface PeopleLikeAuthor {
  counts: EvidenceCounts;
  /** Enough stories say how it ended to state a proportion. */
  enough: boolean;
  /** "people with less than a year of experience who had a Database failure" */
  group: string;
  /** Exactly the filtered feed these numbers describe. */
  href: string;
}

/**
 * For a story's readers: how stories by people like its author (its first failure type `type`,
 * same experience) ended, counting this one, with the address of exactly that filtered feed.
 */
export async function peopleLikeAuthor(
  db: Db,
  story: { experience: string | null },
  type: { id: number; slug: string; name: string },
  now = Date.now(),
): Promise<PeopleLikeAuthor> {
  const experience = story.experience && Object.hasOwn(EXPERIENCE, story.experience) ? (story.experience as Experience) : undefined;
  const counts = await evidenceFor(db, { failureTypeId: type.id, experience }, now);
  const group = { experience, typeName: type.name };
  const query = new URLSearchParams({ tag: type.slug });
  if (experience) query.set('experience', experience);
  return { counts, enough: evidenceSentence(counts, group).enough, group: groupPhrase(group), href: `/?${query}` };
}
