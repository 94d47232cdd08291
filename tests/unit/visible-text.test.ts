import { afterEach, describe, expect, it } from 'vitest';
import { hasVisibleText } from '../../src/lib/visible-text';
import { validateStoryForm, EMPTY_STORY_FORM, type StoryFormValues } from '../../src/lib/story-input';
import { fileReport } from '../../src/server/moderation';
import { ServiceError } from '../../src/server/errors';
import { createTestDb, type TestDb } from '../helpers/db';
import { makeStory } from '../helpers/factories';

const ZERO_WIDTH = '\u200B\u200C\u200D\u200E\u200F';
const DIRECTION = '\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069';
const INVISIBLE_OPERATORS = '\u2060\u2061\u2062\u2063\u2064\uFEFF';

const validForm: StoryFormValues = {
  ...EMPTY_STORY_FORM,
  title: 'The night the cache forgot everything',
  body: '## What happened\n\nI flushed the wrong cache cluster during a routine clean-up and every request went to the database at once.',
  tags: ['cache'],
  lessons: 'Name clusters so the production one looks different',
};

describe('hasVisibleText', () => {
  it.each([
    ['zero-width characters', ZERO_WIDTH.repeat(4)],
    ['direction marks and isolates', DIRECTION.repeat(2)],
    ['invisible operators and the byte-order mark', INVISIBLE_OPERATORS.repeat(3)],
    ['a mix with spaces and newlines', ` ${ZERO_WIDTH}\n${DIRECTION} \u00A0${INVISIBLE_OPERATORS} `],
  ])('says no to %s', (_name, text) => {
    expect(hasVisibleText(text)).toBe(false);
  });

  it('says yes as soon as one visible character is there, even among invisible ones', async () => {
    expect(hasVisibleText(`${ZERO_WIDTH}a${DIRECTION}`)).toBe(true);
    expect(hasVisibleText('שלום')).toBe(true);
    expect(hasVisibleText('🔥')).toBe(true);
  });
});

describe('story form', () => {
  it('refuses a title made only of zero-width and direction characters with a clear message, keeping what was typed', async () => {
    const title = (ZERO_WIDTH + DIRECTION).repeat(2);
    const result = validateStoryForm({ ...validForm, title });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.title).toBe('The title contains only invisible characters (zero-width spaces or direction marks). Write it in visible letters.');
  });

  it('refuses a lesson line made only of invisible characters', async () => {
    const result = validateStoryForm({ ...validForm, lessons: `Real lesson here\n${INVISIBLE_OPERATORS}${ZERO_WIDTH}` });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.lessons).toMatch(/^A lesson contains only invisible characters/);
  });

  it('still answers an empty title with the length message, not the invisible-text one', async () => {
    const result = validateStoryForm({ ...validForm, title: '   ' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.title).toBe('Give your story a title of at least 8 characters.');
  });

  it('accepts a title that has invisible characters among visible words', async () => {
    expect(validateStoryForm({ ...validForm, title: `The night\u200B the cache forgot` }).ok).toBe(true);
  });
});

describe('report reasons', () => {
  let t: TestDb;
  afterEach(async () => t?.cleanup());

  it('refuses a reason made only of invisible characters, beside the reason field', async () => {
    t = await createTestDb();
    const story = await makeStory(t.db);
    let error: unknown;
    try {
      await fileReport(t.db, { storyId: story.id, targetType: 'story', targetId: story.id, reason: ZERO_WIDTH + DIRECTION });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).field).toBe('reason');
    expect((error as ServiceError).message).toMatch(/^The reason contains only invisible characters/);
    expect(await t.row('SELECT count(*) AS n FROM reports')).toEqual({ n: 0 });
  });
});
