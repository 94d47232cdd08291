/**
 * "N more stories about X" and "people like the author" are kept between requests (issue 10), yet
 * every write and every delayed story going public is counted by the very next read.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb, onLibsql, statementsDuring } from '../helpers/db';
import { makeStory } from '../helpers/factories';
import { countOthersOfType, evidenceFor } from '../../src/server/not-alone';
import { getFailureTypeBySlug } from '../../src/server/failure-types';
import { openDatabase } from '../../src/server/db';
import { closeDatabase, sqliteReaderOf } from '../../src/server/transaction';

let t: TestDb;
beforeEach(async () => {
  t = await createTestDb();
});
afterEach(async () => t.cleanup());

describe('counts kept between requests', () => {
  it.skipIf(onLibsql)('counts a type once and answers the next reads without counting again', async () => {
    const story = await makeStory(t.db, { tags: ['cache'] });
    await makeStory(t.db, { tags: ['cache'] });
    expect(await countOthersOfType(t.db, story.id, 'cache')).toBe(1);
    const statements = await statementsDuring(t.reader, async () => {
      expect(await countOthersOfType(t.db, story.id, 'cache')).toBe(1);
    });
    // Only the look-up of the story itself; the count over the whole type is not made again.
    expect(statements).toHaveLength(1);
    expect(statements[0]).toContain('sft.story_id = ?');
  });

  it('counts a new story, a hidden one and a changed outcome on the very next read', async () => {
    const story = await makeStory(t.db, { tags: ['cache'], outcome: 'talk' });
    const type = (await getFailureTypeBySlug(t.db, 'cache'))!;
    expect(await countOthersOfType(t.db, story.id, 'cache')).toBe(0);
    expect((await evidenceFor(t.db, { failureTypeId: type.id })).stories).toBe(1);

    const other = await makeStory(t.db, { tags: ['cache'], outcome: 'fired' });
    expect(await countOthersOfType(t.db, story.id, 'cache')).toBe(1);
    expect(await evidenceFor(t.db, { failureTypeId: type.id })).toEqual({ stories: 2, told: 2, keptJob: 1 });

    await t.run(`UPDATE stories SET state = 'hidden' WHERE id = ?`, other.id);
    expect(await countOthersOfType(t.db, story.id, 'cache')).toBe(0);
    expect((await evidenceFor(t.db, { failureTypeId: type.id })).stories).toBe(1);

    await t.run(`UPDATE stories SET outcome = 'fired' WHERE id = ?`, story.id);
    expect(await evidenceFor(t.db, { failureTypeId: type.id })).toEqual({ stories: 1, told: 1, keptJob: 0 });
  });

  it('counts a delayed story from its publication time on, with no write in between', async () => {
    const story = await makeStory(t.db, { tags: ['cache'] });
    const delayed = await makeStory(t.db, { tags: ['cache'], delayPublication: true });
    const type = (await getFailureTypeBySlug(t.db, 'cache'))!;
    const before = delayed.publishedAt - 60_000;
    expect(await countOthersOfType(t.db, story.id, 'cache', before)).toBe(0);
    expect((await evidenceFor(t.db, { failureTypeId: type.id }, before)).stories).toBe(1);
    expect(await countOthersOfType(t.db, story.id, 'cache', delayed.publishedAt)).toBe(1);
    expect((await evidenceFor(t.db, { failureTypeId: type.id }, delayed.publishedAt)).stories).toBe(2);
    // The story itself is left out of "others" only once it is public.
    expect(await countOthersOfType(t.db, delayed.id, 'cache', before)).toBe(1);
  });

  it.skipIf(onLibsql)('counts a write made through another connection to the same file (another process)', async () => {
    const story = await makeStory(t.db, { tags: ['cache'] });
    expect(await countOthersOfType(t.db, story.id, 'cache')).toBe(0);
    const elsewhere = await openDatabase(t.path, { seedDemo: false });
    try {
      await makeStory(elsewhere, { tags: ['cache'] });
    } finally {
      closeDatabase(elsewhere);
    }
    expect(sqliteReaderOf(t.db)).toBeTruthy();
    expect(await countOthersOfType(t.db, story.id, 'cache')).toBe(1);
  });
});
