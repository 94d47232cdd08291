/**
 * GET /random: the bad-day button — a story that ended well, never the one just shown (`?not=`),
 * like the reader's own when `?tag=`/`?experience=` are given. Nothing about the reader is stored:
 * the previous story and the filters travel in the address.
 */
import type { APIRoute } from 'astro';
import { getDb } from '../server/db';
import { pickRandomStory } from '../server/search';
import { getFailureTypeBySlug } from '../server/failure-types';
import { parseId } from '../server/http';
import { storyPath } from '../lib/slug';
import { EXPERIENCE } from '../lib/facts';

export const GET: APIRoute = async ({ url }) => {
  const db = await getDb();
  const params = url.searchParams;
  const type = params.get('tag') ? await getFailureTypeBySlug(db, params.get('tag')!) : null;
  const experience = Object.hasOwn(EXPERIENCE, params.get('experience') ?? '') ? params.get('experience')! : undefined;
  const story = await pickRandomStory(db, { excludeId: parseId(params.get('not')), failureTypeId: type?.id, experience });
  let location = '/';
  if (story) {
    const query = new URLSearchParams({ from: 'random' });
    if (type) query.set('tag', type.slug);
    if (experience) query.set('experience', experience);
    location = `${storyPath(story)}?${query}`;
  }
  return new Response(null, { status: 303, headers: { location, 'cache-control': 'no-store' } });
};
