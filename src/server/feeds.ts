/** RSS feeds (through @astrojs/rss) and the sitemap: only what readers can see right now. */
import rss from '@astrojs/rss';
import { sql } from 'drizzle-orm';
import type { Db } from './transaction';
import { listFeed } from './feed';
import { listFailureTypeChoices } from './failure-types';
import { markdownExcerpt } from './markdown';
import { stories } from '../../db/schema';
import { and, eq, inArray } from 'drizzle-orm';
import type { FailureType } from '../../db/schema';
import { storyPath } from '../lib/slug';
import { isoDate, publicTime } from '../lib/dates';

const FEED_SIZE = 30;

/** An RSS 2.0 response of the newest stories, optionally of one failure type. */
export async function storyFeedResponse(db: Db, origin: string, type: FailureType | null): Promise<Response> {
  const page = await listFeed(db, { failureTypeId: type?.id, limit: FEED_SIZE });
  const ids = page.stories.map((story) => story.id);
  // One query for the bodies of the page, for the item descriptions.
  const bodies = new Map(
    ids.length
      ? (await db.select({ id: stories.id, body: stories.bodyMarkdown }).from(stories).where(and(inArray(stories.id, ids), eq(stories.state, 'visible'))).all()).map((row) => [row.id, row.body])
      : [],
  );
  const response = await rss({
    title: type ? `Rite of Passage: ${type.name} stories` : 'Rite of Passage',
    description: type
      ? `${type.description} Anonymous stories of breaking production.`
      : 'Anonymous stories of the first time engineers broke production, and what they learned.',
    site: origin,
    items: page.stories.map((story) => ({
      // A story with a follow-up says so, so feed readers show the author's update.
      title: story.followedUpAt ? `${story.title} (updated)` : story.title,
      link: story.url,
      pubDate: new Date(publicTime(story.publishedAt)),
      description: markdownExcerpt(bodies.get(story.id) ?? '', 400),
      categories: [...story.tags.map((tag) => tag.name), ...(story.followedUpAt ? ['updated'] : [])],
    })),
    customData: '<language>en</language>',
    // Our addresses have no trailing slash; the default would add one and differ from the canonical.
    trailingSlash: false,
  });
  response.headers.set('content-type', 'application/rss+xml; charset=utf-8');
  return response;
}

const escapeXml = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The sitemap: every visible story, failure type page and lessons page, plus the main pages. */
export async function sitemapXml(db: Db, origin: string, now = Date.now()): Promise<string> {
  const urls: { loc: string; lastmod?: number }[] = [
    { loc: '/' }, { loc: '/tags' }, { loc: '/lessons' }, { loc: '/about' }, { loc: '/new' }, { loc: '/mod/log' },
  ];
  for (const type of await listFailureTypeChoices(db)) {
    urls.push({ loc: `/tags/${type.slug}` }, { loc: `/lessons/${type.slug}` });
  }
  const rows = await db.all<{ id: number; slug: string; updated: number }>(sql`
    SELECT id, slug, max(coalesce(edited_at, 0), published_at, coalesce(followed_up_at, 0)) AS updated FROM stories
    WHERE state = 'visible' AND published_at <= ${now} ORDER BY published_at DESC, id DESC LIMIT 45000`);
  for (const row of rows) urls.push({ loc: storyPath(row), lastmod: row.updated });
  const body = urls
    .map((url) => `  <url><loc>${escapeXml(new URL(url.loc, origin).href)}</loc>${url.lastmod ? `<lastmod>${isoDate(url.lastmod)}</lastmod>` : ''}</url>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${body}\n</urlset>\n`;
}
