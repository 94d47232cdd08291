/** Issue 12 rules on a fresh database: replies notice, evidence wording, random picks, follow-ups, edits, mutes. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb, onLibsql, statementsDuring } from '../helpers/db';
import { makeStory, newAuthor } from '../helpers/factories';
import { addComment, editOwnComment } from '../../src/server/comments';
import { newAuthorKey, getOrCreateAuthor } from '../../src/server/authors';
import { unseenRepliesFor, listRepliesForManage, markRepliesNotified, markRepliesSeenOnManage } from '../../src/server/replies';
import { pickRandomStory } from '../../src/server/search';
import { addFollowUp, listFollowUps } from '../../src/server/follow-ups';
import { deleteStory } from '../../src/server/story-writes';
import { listFeed } from '../../src/server/feed';
import { evidenceFor } from '../../src/server/not-alone';
import { getFailureTypeBySlug } from '../../src/server/failure-types';
import { parseMutes, updateMutes } from '../../src/server/mutes';
import { evidenceSentence, groupPhrase, outcomesOf, parseOutcomeFilter } from '../../src/lib/evidence';
import { ServiceError } from '../../src/server/errors';
import { badDayBanner } from '../../src/lib/bad-day';
import { LIMITS } from '../../src/lib/limits';

let t: TestDb;
beforeEach(async () => {
  t = await createTestDb();
});
afterEach(async () => t.cleanup());

const actor = (authorId: number) => ({ authorId, userId: null });

describe('the new-replies notice', () => {
  // Default mode only: it watches the SQLite connection or file itself.
  it.skipIf(onLibsql)('counts only other people’s visible replies, in one query that seeks through indexes', async () => {
    const key = newAuthorKey();
    const poster = (await getOrCreateAuthor(t.db, key)).id;
    const story = await makeStory(t.db, {}, { authorId: poster });
    const other = await newAuthor(t.db);
    await addComment(t.db, { storyId: story.id, parentId: null, body: 'A reply', actor: actor(other) });
    await addComment(t.db, { storyId: story.id, parentId: null, body: 'My own answer', actor: actor(poster) });
    await addComment(t.db, { storyId: (await makeStory(t.db)).id, parentId: null, body: 'Elsewhere', actor: actor(other) });

    let unseen: Awaited<ReturnType<typeof unseenRepliesFor>> = null;
    const statements = await statementsDuring(t.reader, async () => {
      unseen = await unseenRepliesFor(t.db, { authorKey: key });
    });
    expect(unseen).toEqual({ count: 1, stories: [{ id: story.id, slug: story.slug, count: 1 }] });
    expect(statements).toHaveLength(1);
    // Its only parameter is the key's hash; the plan does not depend on its value.
    const plan = t.sqlite.prepare(`EXPLAIN QUERY PLAN ${statements[0]}`).all('any-hash') as { detail: string }[];
    expect(plan.some((step) => step.detail.includes('comments_story_idx'))).toBe(true);
    for (const step of plan) expect(step.detail).not.toMatch(/^SCAN /);

    await markRepliesNotified(t.db, story.id);
    expect(await unseenRepliesFor(t.db, { authorKey: key })).toBeNull();
    expect(await unseenRepliesFor(t.db, { authorKey: 'not-a-key' })).toBeNull();
  });

  it('keeps the manage page’s "new" marks apart from the notice, so reading the story does not clear them', async () => {
    const poster = await newAuthor(t.db);
    const story = await makeStory(t.db, {}, { authorId: poster });
    await addComment(t.db, { storyId: story.id, parentId: null, body: 'A reply', actor: actor(await newAuthor(t.db)) });
    await markRepliesNotified(t.db, story.id);
    expect((await listRepliesForManage(t.db, story.id)).map((r) => r.isNew)).toEqual([true]);
    await markRepliesSeenOnManage(t.db, story.id);
    expect((await listRepliesForManage(t.db, story.id)).map((r) => r.isNew)).toEqual([false]);
  });
});

describe('evidence wording', () => {
  it('states a proportion only when enough stories say how it ended', async () => {
    const group = { experience: 'lt1' as const, typeName: 'Database' };
    expect(evidenceSentence({ stories: 14, told: 12, keptJob: 11 }, group)).toEqual({
      text: 'Of 12 people with less than a year of experience who had a Database failure, 11 kept their job.',
      enough: true,
    });
    const few = evidenceSentence({ stories: 3, told: LIMITS.evidenceMinStories - 1, keptJob: 1 }, group);
    expect(few.enough).toBe(false);
    expect(few.text).toBe(`Only ${LIMITS.evidenceMinStories - 1} stories from people with less than a year of experience who had a Database failure say how it ended — too few to tell how it usually goes.`);
    expect(evidenceSentence({ stories: 2, told: 0, keptJob: 0 }, {}).text).toBe('2 stories from people, but none says how it ended yet.');
    expect(evidenceSentence({ stories: 0, told: 0, keptJob: 0 }, group).text).toBe(
      'No stories from people with less than a year of experience who had a Database failure yet.',
    );
    expect(groupPhrase({ typeName: 'E-mail' })).toBe('people who had an E-mail failure');
  });

  it('accepts the stored outcomes and kept-job, and nothing else', async () => {
    expect(outcomesOf(parseOutcomeFilter('kept-job')!)).toEqual(['nothing', 'talk', 'postmortem', 'warning']);
    expect(parseOutcomeFilter('fired')).toBe('fired');
    for (const bad of ['', 'FIRED', 'kept', 'constructor', '__proto__']) expect(parseOutcomeFilter(bad)).toBeUndefined();
  });

  it('counts the stories of a type and experience, and the feed filters by outcome', async () => {
    for (const outcome of ['talk', 'fired', 'private'] as const) await makeStory(t.db, { tags: ['dns'], experience: 'lt1', outcome });
    await makeStory(t.db, { tags: ['dns'], experience: '3-5', outcome: 'talk' });
    const dns = (await getFailureTypeBySlug(t.db, 'dns'))!;
    expect(await evidenceFor(t.db, { failureTypeId: dns.id, experience: 'lt1' })).toEqual({ stories: 3, told: 2, keptJob: 1 });
    const fired = await listFeed(t.db, { failureTypeId: dns.id, outcomes: ['fired'] });
    expect(fired.stories.map((s) => s.outcome)).toEqual(['fired']);
  });
});

describe('the bad-day pick', () => {
  it('never picks the story it was told to skip, and prefers stories that ended well', async () => {
    const good = [await makeStory(t.db, { outcome: 'talk' }), await makeStory(t.db, { outcome: 'nothing' })];
    await makeStory(t.db, { outcome: 'fired' });
    for (const r of [0, 0.2, 0.5, 0.8, 0.99]) {
      for (const skip of good) {
        const pick = await pickRandomStory(t.db, { random: () => r, excludeId: skip.id });
        expect(pick?.id).not.toBe(skip.id);
        expect(['talk', 'nothing']).toContain(pick?.outcome);
      }
    }
  });

  it('prefers a story like the reader’s own, and falls back when there is none', async () => {
    await makeStory(t.db, { outcome: 'talk', tags: ['cache'], experience: '1-2' });
    const mine = await makeStory(t.db, { outcome: 'postmortem', tags: ['dns'], experience: 'lt1' });
    const dns = (await getFailureTypeBySlug(t.db, 'dns'))!;
    for (const r of [0, 0.5, 0.99]) {
      expect((await pickRandomStory(t.db, { random: () => r, failureTypeId: dns.id, experience: 'lt1' }))?.id).toBe(mine.id);
    }
    expect(await pickRandomStory(t.db, { failureTypeId: dns.id, excludeId: mine.id })).not.toBeNull();
  });
});

describe('the bad-day banner', () => {
  it('says why, never links back to the same story, and carries only slug-shaped filters', async () => {
    const banner = badDayBanner(7, 'talk', new URLSearchParams('from=random&tag=dns&experience=lt1&evil=%3Cx%3E'));
    expect(banner).toEqual({
      reason: 'a supportive talk',
      anotherHref: '/random?not=7&tag=dns&experience=lt1',
      likeYoursHref: '/?tag=dns&experience=lt1&outcome=kept-job',
      hasFilters: true,
    });
    const plain = badDayBanner(8, 'fired', new URLSearchParams('tag=%22%3E%3Cscript%3E'));
    expect(plain).toEqual({ reason: null, anotherHref: '/random?not=8', likeYoursHref: '/#filters-title', hasFilters: false });
  });
});

describe('follow-ups', () => {
  it('renders through the sanitizer, caps their number and goes with the story', async () => {
    const story = await makeStory(t.db);
    await addFollowUp(t.db, story.id, 'Later: **fine** <img src=x onerror=alert(1)>');
    expect((await listFollowUps(t.db, story.id))[0].html).toContain('<strong>fine</strong>');
    expect((await listFollowUps(t.db, story.id))[0].html).not.toContain('onerror');
    for (let i = 1; i < LIMITS.followUpsPerStoryMax; i++) await addFollowUp(t.db, story.id, `Update ${i}`);
    await expect(addFollowUp(t.db, story.id, 'One too many')).rejects.toThrow(ServiceError);
    await deleteStory(t.db, story.id);
    expect(await t.row('SELECT count(*) AS n FROM story_follow_ups')).toEqual({ n: 0 });
  });
});

describe('editing a comment', () => {
  it('lets the author edit for 15 minutes, then refuses; refuses anyone else at any time', async () => {
    const story = await makeStory(t.db);
    const writer = await newAuthor(t.db);
    const now = Date.now();
    const { id } = await addComment(t.db, { storyId: story.id, parentId: null, body: 'First words', actor: actor(writer), now });
    await expect(editOwnComment(t.db, id, actor(await newAuthor(t.db)), 'Not yours', now + 1000)).rejects.toThrow(/only edit your own/);
    await editOwnComment(t.db, id, actor(writer), 'Second *words*', now + LIMITS.commentEditWindowMs);
    const row = (await t.row<{ html: string; editedAt: number }>('SELECT body_html AS html, edited_at AS editedAt FROM comments WHERE id = ?', id))!;
    expect(row.html).toContain('<em>words</em>');
    expect(row.editedAt).toBe(now + LIMITS.commentEditWindowMs);
    await expect(editOwnComment(t.db, id, actor(writer), 'Too late', now + LIMITS.commentEditWindowMs + 1)).rejects.toThrow(/15 minutes/);
  });
});

describe('muted pseudonyms in the cookie', () => {
  it('keeps only well-formed entries and drops the oldest past the limit', async () => {
    expect(parseMutes('3:Sleepy Pager 42|junk|4:<script>|x:Kind Cron 1')).toEqual(['3:Sleepy Pager 42']);
    let entries: string[] = [];
    for (let i = 0; i < LIMITS.mutedPseudonymsMax + 5; i++) entries = updateMutes(entries, i + 1, 'Calm Socket 7', true);
    expect(entries).toHaveLength(LIMITS.mutedPseudonymsMax);
    expect(entries[0]).toBe('6:Calm Socket 7');
    expect(updateMutes(['1:Calm Socket 7'], 1, 'Calm Socket 7', false)).toEqual([]);
    expect(updateMutes([], 1, 'Not a pseudonym; drop table', true)).toEqual([]);
  });
});
