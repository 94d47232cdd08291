/** GET /random: the bad-day button — a random story, preferring ones that ended well. */
import type { APIRoute } from 'astro';
import { getDb } from '../server/db';
import { pickRandomStory } from '../server/search';
import { storyPath } from '../lib/slug';

export const GET: APIRoute = () => {
  const story = pickRandomStory(getDb());
  return new Response(null, {
    status: 303,
    headers: { location: story ? storyPath(story) : '/', 'cache-control': 'no-store' },
  });
};
