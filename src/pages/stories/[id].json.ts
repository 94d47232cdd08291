/** GET /stories/{id}.json: the public view of a story as JSON. */
import type { APIRoute } from 'astro';
import { getDb } from '../../server/db';
import { storyJson } from '../../server/story-json';
import { parseId } from '../../server/http';

export const GET: APIRoute = async ({ params, url }) => {
  const id = parseId(params.id);
  const body = id ? await storyJson(await getDb(), id, url.origin) : null;
  if (!body) {
    return new Response(JSON.stringify({ error: 'No story with that id.' }), {
      status: 404,
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
  }
  return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json; charset=utf-8' } });
};
