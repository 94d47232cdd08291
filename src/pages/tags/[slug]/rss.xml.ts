/** GET /tags/{slug}/rss.xml: the newest stories of one failure type as RSS 2.0. */
import type { APIRoute } from 'astro';
import { getDb } from '../../../server/db';
import { getFailureTypeBySlug } from '../../../server/failure-types';
import { storyFeedResponse } from '../../../server/feeds';

export const GET: APIRoute = async (context) => {
  const db = await getDb();
  const type = await getFailureTypeBySlug(db, context.params.slug ?? '');
  if (!type) return new Response('No such failure type.', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  return await storyFeedResponse(db, context.url.origin, type);
};
