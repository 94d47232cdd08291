/** Valid inputs to start from; tests override only what they are about. */
import type { CreateStoryInput } from '../../src/lib/story-input';
import type { Db } from '../../src/server/db';
import { createStory } from '../../src/server/story-writes';
import { getOrCreateAuthor, newAuthorKey } from '../../src/server/authors';

let counter = 0;

export function storyInput(overrides: Partial<CreateStoryInput> = {}): CreateStoryInput {
  counter += 1;
  return {
    title: `The night the cache forgot everything ${counter}`,
    body: '## What happened\n\nI flushed the wrong cache cluster during a routine clean-up and every request went to the database at once.\n\n## What I learned\n\nRead the prompt twice.',
    tags: ['cache'],
    lessons: ['Name clusters so the production one looks different', 'Practise the restore before you need it'],
    experience: '1-2',
    impact: 'hour',
    detection: 'alert',
    outcome: 'talk',
    contentNotes: [],
    delayPublication: false,
    ...overrides,
  };
}

export async function newAuthor(db: Db): Promise<number> {
  return (await getOrCreateAuthor(db, newAuthorKey())).id;
}

export async function makeStory(db: Db, overrides: Partial<CreateStoryInput> = {}, options: { authorId?: number | null; now?: number } = {}) {
  return createStory(db, storyInput(overrides), {
    authorId: options.authorId === undefined ? await newAuthor(db) : options.authorId,
    now: options.now,
  });
}

/** The /new form's fields for a story that publishes, as a browser sends them. */
export function storyFormFields(overrides: Record<string, string | string[]> = {}): Record<string, string | string[]> {
  counter += 1;
  return {
    title: `I restarted the primary instead of the replica ${counter}`,
    body: '## What happened\n\nDuring a quiet afternoon I ran the restart against the wrong host and the checkout page went down for twenty minutes.\n\n## What I learned\n\nCheck twice.',
    tags: ['database', 'deploy'],
    lessons: 'Put the role in the shell prompt\nPractise failovers on purpose',
    experience: '1-2',
    outcome: 'talk',
    intent: 'publish',
    ...overrides,
  };
}
