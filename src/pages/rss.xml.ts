/** GET /rss.xml: the newest stories as RSS 2.0. */
import type { APIRoute } from 'astro';
import { getDb } from '../server/db';
import { storyFeedResponse } from '../server/feeds';

export const GET: APIRoute = async (context) => await storyFeedResponse(await getDb(), context.url.origin, null);
