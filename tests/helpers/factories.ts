/** Valid inputs to start from; tests override only what they are about. */
import type { CreateStoryInput } from '../../src/lib/story-input';
import type { Db } from '../../src/server/db';
import { createStory } from '../../src/server/stories';
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

export function newAuthor(db: Db): number {
  return getOrCreateAuthor(db, newAuthorKey()).id;
}

export function makeStory(db: Db, overrides: Partial<CreateStoryInput> = {}, options: { authorId?: number | null; now?: number } = {}) {
  return createStory(db, storyInput(overrides), {
    authorId: options.authorId === undefined ? newAuthor(db) : options.authorId,
    now: options.now,
  });
}
