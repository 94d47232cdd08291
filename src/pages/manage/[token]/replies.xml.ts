/** GET /manage/{token}/replies.xml: the private feed of replies to one story (issue 12). */
import type { APIRoute } from 'astro';
import { getDb } from '../../../server/db';
import { getStoryById } from '../../../server/feed';
import { getStoryIdByManageToken } from '../../../server/story-writes';
import { repliesFeedResponse } from '../../../server/replies';

export const GET: APIRoute = async ({ params, url }) => {
  const db = await getDb();
  const storyId = await getStoryIdByManageToken(db, params.token ?? '');
  const story = storyId ? await getStoryById(db, storyId, { includeHidden: true, includeScheduled: true }) : null;
  if (!story) {
    return new Response('No story has this private link.', {
      status: 404,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-robots-tag': 'noindex' },
    });
  }
  return await repliesFeedResponse(db, story, url.origin);
};
