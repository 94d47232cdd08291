/**
 * One-time form tokens and the origin check (issue 9): the services that make a form sent twice
 * land once, and the rule that decides which posts come from our own pages.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb, onLibsql, statementsDuring, queryPlan } from '../helpers/db';
import { makeStory, newAuthor, storyInput } from '../helpers/factories';
import {
  createStory,
  findRecentSameStory,
  findStoryBySubmission,
  isManageTokenFor,
  manageTokenForSubmission,
  RESUBMISSION_WINDOW_MS,
} from '../../src/server/story-writes';
import { addComment, findCommentBySubmission, findRecentSameComment, removeComment } from '../../src/server/comments';
import { isUniqueViolation } from '../../src/server/errors';
import { isSameOriginRequest } from '../../src/server/http';
import { randomToken } from '../../src/server/crypto';

let t: TestDb;
beforeEach(async () => {
  t = await createTestDb();
});
afterEach(async () => t.cleanup());

const actor = (authorId: number) => ({ authorId, userId: null });

describe('story form tokens', () => {
  it('finds the story a form token published, and gives it the manage token derived from that form token', async () => {
    const submission = randomToken();
    const created = await makeStory(t.db, {}, {});
    expect(await findStoryBySubmission(t.db, submission)).toBeNull();
    const story = await createStory(t.db, storyInput(), { authorId: await newAuthor(t.db), submission });
    expect(await findStoryBySubmission(t.db, submission)).toMatchObject({ id: story.id, url: story.url });
    expect(story.manageToken).toBe(manageTokenForSubmission(submission));
    expect(await isManageTokenFor(t.db, story.id, manageTokenForSubmission(submission))).toBe(true);
    expect(await isManageTokenFor(t.db, created.id, manageTokenForSubmission(submission))).toBe(false);
    // Another token, another link.
    expect(manageTokenForSubmission(randomToken())).not.toBe(story.manageToken);
  });

  it('refuses a second story from the same form token at the database (a race between processes)', async () => {
    const submission = randomToken();
    await createStory(t.db, storyInput(), { authorId: await newAuthor(t.db), submission });
    let error: unknown = null;
    try {
      await createStory(t.db, storyInput(), { authorId: await newAuthor(t.db), submission });
    } catch (caught) {
      error = caught;
    }
    expect(isUniqueViolation(error)).toBe(true);
    expect(isUniqueViolation(new Error('something else'))).toBe(false);
  });

  it('ignores a token of the wrong shape: random manage token, nothing to find', async () => {
    const story = await createStory(t.db, storyInput(), { authorId: await newAuthor(t.db), submission: 'not-a-token' });
    expect(story.manageToken).not.toBe(manageTokenForSubmission('not-a-token'));
    expect(await findStoryBySubmission(t.db, 'not-a-token')).toBeNull();
  });

  it('matches the same title and text from the same author within the window only', async () => {
    const author = await newAuthor(t.db);
    const input = storyInput();
    const now = Date.now();
    const story = await createStory(t.db, input, { authorId: author, now });
    expect(await findRecentSameStory(t.db, [author], input, now + 1000)).toMatchObject({ id: story.id });
    expect(await findRecentSameStory(t.db, [await newAuthor(t.db)], input, now + 1000)).toBeNull();
    expect(await findRecentSameStory(t.db, [], input, now + 1000)).toBeNull();
    expect(await findRecentSameStory(t.db, [author], { ...input, body: `${input.body} More.` }, now + 1000)).toBeNull();
    expect(await findRecentSameStory(t.db, [author], input, now + RESUBMISSION_WINDOW_MS + 1)).toBeNull();
  });
});

describe('comment form tokens', () => {
  it('adds a comment once for the same token and text, and again for other words', async () => {
    const story = await makeStory(t.db);
    const submission = randomToken();
    const first = await addComment(t.db, { storyId: story.id, parentId: null, body: 'Same here.', actor: actor(await newAuthor(t.db)), submission });
    const again = await addComment(t.db, { storyId: story.id, parentId: null, body: 'Same here.', actor: actor(await newAuthor(t.db)), submission });
    expect(again.id).toBe(first.id);
    expect(await findCommentBySubmission(t.db, story.id, submission, 'Same here.')).toEqual({ id: first.id });
    const other = await addComment(t.db, { storyId: story.id, parentId: null, body: 'Other words.', actor: actor(await newAuthor(t.db)), submission });
    expect(other.id).not.toBe(first.id);
    // The token does not reach across stories.
    expect(await findCommentBySubmission(t.db, (await makeStory(t.db)).id, submission, 'Same here.')).toBeNull();
  });

  it('forgets the form key with the text when a comment with replies is deleted', async () => {
    const story = await makeStory(t.db);
    const submission = randomToken();
    const { id } = await addComment(t.db, { storyId: story.id, parentId: null, body: 'Words to take back.', actor: actor(await newAuthor(t.db)), submission });
    await addComment(t.db, { storyId: story.id, parentId: id, body: 'A reply keeps the place.', actor: actor(await newAuthor(t.db)) });
    await removeComment(t.db, id);
    const row = await t.row('SELECT state, body_markdown AS body, submission_hash AS hash FROM comments WHERE id = ?', id);
    expect(row).toEqual({ state: 'deleted', body: '', hash: null });
  });

  it('matches the same words from the same author in the same place only', async () => {
    const story = await makeStory(t.db);
    const author = await newAuthor(t.db);
    const { id } = await addComment(t.db, { storyId: story.id, parentId: null, body: 'Been there.', actor: actor(author) });
    expect(await findRecentSameComment(t.db, [author], { storyId: story.id, parentId: null, body: 'Been there.' })).toEqual({ id });
    expect(await findRecentSameComment(t.db, [await newAuthor(t.db)], { storyId: story.id, parentId: null, body: 'Been there.' })).toBeNull();
    expect(await findRecentSameComment(t.db, [author], { storyId: story.id, parentId: id, body: 'Been there.' })).toBeNull();
  });
});

describe('isSameOriginRequest', () => {
  const url = new URL('https://stories.example.org/new');
  const post = (headers: Record<string, string>) => new Request(url, { method: 'POST', headers });

  it('accepts our own Origin, and Origin null or missing only when Sec-Fetch-Site says same-origin', async () => {
    expect(isSameOriginRequest(post({ origin: 'https://stories.example.org' }), url)).toBe(true);
    expect(isSameOriginRequest(post({ origin: 'null', 'sec-fetch-site': 'same-origin' }), url)).toBe(true);
    expect(isSameOriginRequest(post({ 'sec-fetch-site': 'same-origin' }), url)).toBe(true);
  });

  it('says no to another origin, a look-alike, and null or missing without same-origin', async () => {
    expect(isSameOriginRequest(post({ origin: 'https://evil.example' }), url)).toBe(false);
    expect(isSameOriginRequest(post({ origin: 'http://stories.example.org' }), url)).toBe(false);
    expect(isSameOriginRequest(post({ origin: 'https://stories.example.org.evil.example' }), url)).toBe(false);
    expect(isSameOriginRequest(post({ origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' }), url)).toBe(false);
    expect(isSameOriginRequest(post({ origin: 'null' }), url)).toBe(false);
    expect(isSameOriginRequest(post({ origin: 'null', 'sec-fetch-site': 'same-site' }), url)).toBe(false);
    expect(isSameOriginRequest(post({ origin: 'null', 'sec-fetch-site': 'cross-site' }), url)).toBe(false);
    expect(isSameOriginRequest(post({ origin: 'null', 'sec-fetch-site': 'none' }), url)).toBe(false);
    expect(isSameOriginRequest(post({}), url)).toBe(false);
  });
});

describe('the re-sent comment lookup at scale', () => {
  // Default mode only: it reads SQLite's plan for the statement the service prepared.
  it.skipIf(onLibsql)('seeks through the story’s comments, not every top-level comment of the site', async () => {
    const author = await newAuthor(t.db);
    const story = await makeStory(t.db, {}, { authorId: author });
    const statements = await statementsDuring(t.reader, () =>
      findRecentSameComment(t.db, [author], { storyId: story.id, parentId: null, body: 'Been there.' }),
    );
    const lookup = statements.find((source) => /from "comments"/i.test(source));
    expect(lookup).toBeDefined();
    const plan = queryPlan(t.reader, lookup!);
    // With the parent index, "parent_id IS NULL" matched most comments of the site (145 ms a post at 1,000,000).
    expect(plan).toMatch(/comments_story_idx/);
  });
});
