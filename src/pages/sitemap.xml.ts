/** GET /sitemap.xml: a server endpoint, since @astrojs/sitemap only sees static pages. */
import type { APIRoute } from 'astro';
import { getDb } from '../server/db';
import { sitemapXml } from '../server/feeds';

export const GET: APIRoute = async ({ url }) =>
  new Response(await sitemapXml(await getDb(), url.origin), { headers: { 'content-type': 'application/xml; charset=utf-8' } });
