import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, onLibsql, queryPlan, statementsDuring, type TestDb } from '../helpers/db';
import { makeStory, storyInput } from '../helpers/factories';
import { countStories, countStoriesByOutcome, type StoryCountFilter } from '../../src/server/story-counts';
import { deleteStory, updateStory } from '../../src/server/story-writes';
import { decide } from '../../src/server/moderation';
import { getSiteStats } from '../../src/server/site-stats';
import { countOthersOfType } from '../../src/server/not-alone';
import { getStoryById } from '../../src/server/feed';
import { getFailureTypeBySlug, listFailureTypes } from '../../src/server/failure-types';

let t: TestDb;
beforeEach(async () => {
  t = await createTestDb();
});
afterEach(async () => t.cleanup());

/** The same numbers counted the slow way, straight from the stories. */
async function countedFromStories(filter: StoryCountFilter, now: number): Promise<Record<string, number>> {
  const rows = await t.rows<{ outcome: string | null; n: number }>(
    `SELECT outcome, count(*) AS n FROM stories s
     WHERE s.state = 'visible' AND s.published_at <= ?
       AND (? IS NULL OR s.experience = ?)
       AND (? IS NULL OR EXISTS (SELECT 1 FROM story_failure_types WHERE story_id = s.id AND failure_type_id = ?))
     GROUP BY outcome`,
    now, filter.experience ?? null, filter.experience ?? null, filter.failureTypeId ?? null, filter.failureTypeId ?? null,
  );
  return Object.fromEntries(rows.map((row) => [row.outcome ?? 'not said', row.n]));
}

async function keptCounts(filter: StoryCountFilter, now: number): Promise<Record<string, number>> {
  return Object.fromEntries((await countStoriesByOutcome(t.db, filter, now)).map((row) => [row.outcome ?? 'not said', row.n]));
}

async function expectCountsMatch(now = Date.now()) {
  const database = (await getFailureTypeBySlug(t.db, 'database'))!.id;
  const cache = (await getFailureTypeBySlug(t.db, 'cache'))!.id;
  const filters: StoryCountFilter[] = [{}, { failureTypeId: database }, { failureTypeId: cache }, { experience: '1-2' }, { experience: 'lt1' }, { failureTypeId: database, experience: '1-2' }, { failureTypeId: cache, experience: 'lt1' }];
  for (const filter of filters) expect(await keptCounts(filter, now), JSON.stringify(filter)).toEqual(await countedFromStories(filter, now));
  // The /tags and /lessons pages' number per type.
  for (const type of await listFailureTypes(t.db, now)) {
    const counted = Object.values(await countedFromStories({ failureTypeId: type.id }, now)).reduce((sum, n) => sum + n, 0);
    expect(type.storyCount, type.slug).toBe(counted);
  }
}

describe('story counts by failure type, experience and outcome', () => {
  it('stay equal to counting the stories through posts, edits, hides, restores and deletions', async () => {
    const a = await makeStory(t.db, { tags: ['database', 'cache'], experience: '1-2', outcome: 'talk' });
    const b = await makeStory(t.db, { tags: ['database'], experience: 'lt1', outcome: 'fired' });
    const c = await makeStory(t.db, { tags: ['cache'], experience: undefined, outcome: undefined });
    await makeStory(t.db, { tags: ['database'], experience: '1-2', outcome: 'postmortem' });
    await expectCountsMatch();

    await updateStory(t.db, a.id, storyInput({ tags: ['database'], experience: 'lt1', outcome: 'fired' }));
    await expectCountsMatch();
    await updateStory(t.db, c.id, storyInput({ tags: ['database', 'cache'], experience: '1-2', outcome: 'nothing' }));
    await expectCountsMatch();

    await decide(t.db, { targetType: 'story', targetId: b.id, decision: 'hide' });
    await expectCountsMatch();
    await decide(t.db, { targetType: 'story', targetId: b.id, decision: 'restore' });
    await expectCountsMatch();

    await deleteStory(t.db, a.id);
    await decide(t.db, { targetType: 'story', targetId: c.id, decision: 'delete' });
    await expectCountsMatch();
    expect(await countStories(t.db)).toBe(2);
  });

  it('count a story whose publication was delayed only once its time has come', async () => {
    const now = Date.now();
    const later = await makeStory(t.db, { tags: ['database'], delayPublication: true, outcome: 'talk' }, { now });
    const publishedAt = (await t.row<{ published_at: number }>('SELECT published_at FROM stories WHERE id = ?', later.id))!.published_at;
    if (publishedAt > now) {
      expect(await countStories(t.db, {}, now)).toBe(0);
      await expectCountsMatch(now);
    }
    expect(await countStories(t.db, {}, publishedAt)).toBe(1);
    await expectCountsMatch(publishedAt);
  });

  it('give the home page numbers that change on the very next visit', async () => {
    await makeStory(t.db, { outcome: 'talk' });
    expect((await getSiteStats(t.db)).storyCount).toBe(1);
    await makeStory(t.db, { outcome: 'fired' });
    const stats = await getSiteStats(t.db);
    expect(stats.storyCount).toBe(2);
    expect(stats.outcomes).toMatchObject({ told: 2, keptJob: 1, lostJob: 1 });
  });

  it('count the other stories of a type without the story itself', async () => {
    const mine = await makeStory(t.db, { tags: ['database'] });
    await makeStory(t.db, { tags: ['database', 'cache'] });
    await makeStory(t.db, { tags: ['cache'] });
    const database = (await getFailureTypeBySlug(t.db, 'database'))!;
    const read = async () => (await getStoryById(t.db, mine.id, { includeHidden: true }))!;
    expect(await countOthersOfType(t.db, await read(), database)).toBe(1);
    await decide(t.db, { targetType: 'story', targetId: mine.id, decision: 'hide' });
    expect((await read()).state).toBe('hidden');
    expect(await countOthersOfType(t.db, await read(), database)).toBe(1);
  });

  it.skipIf(onLibsql)('are read without scanning the stories (a scan cost hundreds of milliseconds at 100,000 stories)', async () => {
    const story = await makeStory(t.db, { tags: ['database'] });
    const database = (await getFailureTypeBySlug(t.db, 'database'))!;
    const view = (await getStoryById(t.db, story.id))!;
    const statements = await statementsDuring(t.reader, async () => {
      await countStoriesByOutcome(t.db, { failureTypeId: database.id, experience: '1-2' });
      await countOthersOfType(t.db, view, database);
      await getSiteStats(t.db);
      await listFailureTypes(t.db);
    });
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements) expect(queryPlan(t.reader, statement), statement).not.toMatch(/SCAN (stories|s)\b/);
  });
});
