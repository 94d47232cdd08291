/** GET /healthz: liveness plus a database round trip. */
import type { APIRoute } from 'astro';
import { getDb, checkDatabase } from '../server/db';

export const GET: APIRoute = async () => {
  let database = false;
  try {
    database = await checkDatabase(await getDb());
  } catch (error) {
    console.error('healthz: database check failed', error);
  }
  return new Response(JSON.stringify({ status: database ? 'ok' : 'error', database: database ? 'ok' : 'unavailable' }), {
    status: database ? 200 : 503,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  });
};
