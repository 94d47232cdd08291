/**
 * The personal feed (issue 10): `/` for a logged-in reader is rendered on every request, so its
 * reads run through kept statements and it writes nothing while the session needs no extending.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AstroCookies } from 'astro';
import { createTestDb, onLibsql, queryPlan, statementsDuring, type TestDb } from '../helpers/db';
import { makeStory } from '../helpers/factories';
import { registerUser } from '../../src/server/accounts';
import { createAuthSession, validateSessionToken } from '../../src/server/auth/session';
import { listFeed } from '../../src/server/feed';
import { listFailureTypeChoices } from '../../src/server/failure-types';
import { beenThereAmong, toggleBeenThere } from '../../src/server/reactions';
import { currentAuthorId, ensureActor } from '../../src/server/visitor';
import { unseenRepliesFor } from '../../src/server/replies';
import { getSiteStats } from '../../src/server/site-stats';

let t: TestDb;
beforeEach(async () => {
  t = await createTestDb();
});
afterEach(() => t.cleanup());

const noCookies = { get: () => undefined, has: () => false, set: () => {}, delete: () => {} } as unknown as AstroCookies;

/** What `/` asks the database for a logged-in reader (src/pages/index.astro and its layout). */
async function readPersonalFeed(token: string) {
  const session = await validateSessionToken(t.db, token);
  if (!session) throw new Error('session not valid');
  const visitor = { locals: { user: session.user, authSession: null } as App.Locals, cookies: noCookies, url: new URL('http://localhost/') };
  const page = await listFeed(t.db, { order: 'new', hideContentNotesMask: 0, cursor: null });
  await listFailureTypeChoices(t.db);
  const marks = await beenThereAmong(t.db, page.stories.map((story) => story.id), await currentAuthorId(t.db, visitor));
  await getSiteStats(t.db);
  await unseenRepliesFor(t.db, { userId: session.user.id });
  return { page, marks };
}

describe('the personal feed', () => {
  it.skipIf(onLibsql)('prepares no statement and writes nothing from its second request on', async () => {
    for (let i = 0; i < 3; i++) await makeStory(t.db);
    const user = await registerUser(t.db, 'reader', 'the pager went off at three');
    const { token } = await createAuthSession(t.db, user.id);
    await readPersonalFeed(token);

    const changesBefore = (t.sqlite.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
    let written: string[] = [];
    const read = await statementsDuring(t.reader, async () => {
      written = await statementsDuring(t.sqlite, () => readPersonalFeed(token));
    });
    expect(read).toEqual([]);
    expect(written).toEqual([]);
    expect((t.sqlite.prepare('SELECT total_changes() AS n').get() as { n: number }).n).toBe(changesBefore);
  });

  it('shows the reader’s own been-there marks, and only theirs', async () => {
    const stories = [await makeStory(t.db), await makeStory(t.db)];
    const user = await registerUser(t.db, 'reader', 'the pager went off at three');
    const { token } = await createAuthSession(t.db, user.id);
    const session = (await validateSessionToken(t.db, token))!;
    const actor = await ensureActor(t.db, { locals: { user: session.user, authSession: null } as App.Locals, cookies: noCookies, url: new URL('http://localhost/') });
    await toggleBeenThere(t.db, stories[1].id, actor.authorId);

    const { marks } = await readPersonalFeed(token);
    expect([...marks]).toEqual([stories[1].id]);

    const other = await registerUser(t.db, 'someone', 'the pager went off at four');
    const { marks: theirs } = await readPersonalFeed((await createAuthSession(t.db, other.id)).token);
    expect([...theirs]).toEqual([]);
  });
});

describe('the feed and the site counts never read story rows', () => {
  // The card columns sit after the long bodies in a story's row: read from the table, each row
  // walks its bodies' overflow pages. The feed reads the covering index; the site counts read
  // story_outcome_counts and take off scheduled stories through the same index.
  it.skipIf(onLibsql)('the front page and the site counts use the covering feed index, never the table', async () => {
    await makeStory(t.db);
    const statements = await statementsDuring(t.reader, async () => {
      await listFeed(t.db, { order: 'new', hideContentNotesMask: 0, cursor: null });
      await getSiteStats(t.db, Date.now() + 10 * 60_000);
    });
    const stories = statements.filter((sql) => /FROM [`"]?stories[`"]?\s/i.test(sql) && !/json_each/.test(sql));
    expect(stories.length).toBeGreaterThanOrEqual(2);
    for (const sql of stories) expect(queryPlan(t.reader, sql), sql).toMatch(/USING COVERING INDEX stories_feed_idx/);
  });
});
