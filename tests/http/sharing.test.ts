/**
 * Issue 13, sharing and structure as a crawler or feed reader sees them: og:image, icons, manifest
 * and theme colour; feed links equal canonical addresses; excerpts skip the template's headings;
 * story headings without gaps; labelled search landmarks; "1 person".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { startServer, Browser, type TestServer } from '../helpers/server';

let server: TestServer;
let storyUrl: string;
beforeAll(async () => {
  server = await startServer({ SEED_DEMO: '1' });
  const response = await new Browser(server.origin).post('/new', {
    title: 'The cron job that ran on every host at once',
    body: '## What happened\n\nEvery host ran the billing cron at midnight, so each customer was charged eleven times.\n\n### The detail\n\nThe lock lived on each host.\n\n## What I learned\n\nLocks belong in one place.',
    tags: ['background-jobs'],
    lessons: 'Put the lock where every host can see it',
    intent: 'publish',
  });
  storyUrl = response.headers.get('location')!;
});
afterAll(async () => {
  await server?.stop();
});

const get = (path: string) => fetch(new URL(path, server.origin));

describe('sharing', () => {
  it('names an og:image, a theme colour for light and dark, icons and a web manifest that all exist', async () => {
    const html = await (await get('/')).text();
    const image = html.match(/<meta property="og:image" content="([^"]+)"/)![1];
    expect(image).toBe(`${server.origin}/og-image.png`);
    expect(html).toMatch(/<meta name="theme-color" content="#[0-9a-f]{6}" media="\(prefers-color-scheme: light\)"/);
    expect(html).toMatch(/<meta name="theme-color" content="#[0-9a-f]{6}" media="\(prefers-color-scheme: dark\)"/);
    expect(html).toContain('<link rel="manifest" href="/manifest.webmanifest"');
    for (const [path, type] of [['/og-image.png', 'image/png'], ['/favicon.ico', 'image/'], ['/icon-192.png', 'image/png']]) {
      const response = await get(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type'), path).toContain(type);
    }
    const manifest = await (await get('/manifest.webmanifest')).json();
    expect(manifest.name).toBe('Rite of Passage');
    for (const icon of manifest.icons) expect((await get(icon.src)).status).toBe(200);
  });

  it('starts the meta description, OpenGraph and RSS excerpts with the story, not its headings', async () => {
    const html = await (await get(storyUrl)).text();
    expect(html).toContain('<meta name="description" content="Every host ran the billing cron at midnight');
    expect(html).toContain('<meta property="og:description" content="Every host ran the billing cron at midnight');
    const rss = new XMLParser().parse(await (await get('/rss.xml')).text());
    const item = [rss.rss.channel.item].flat().find((i: { title: string }) => i.title === 'The cron job that ran on every host at once');
    expect(item.description.startsWith('Every host ran the billing cron')).toBe(true);
  });

  it('links feed items to the exact canonical address of each story, without a trailing slash', async () => {
    const rss = new XMLParser().parse(await (await get('/rss.xml')).text());
    const items = [rss.rss.channel.item].flat() as { link: string; title: string }[];
    const mine = items.find((i) => i.title === 'The cron job that ran on every host at once')!;
    expect(mine.link).toBe(`${server.origin}${storyUrl}`);
    const canonical = (await (await get(storyUrl)).text()).match(/<link rel="canonical" href="([^"]+)"/)![1];
    expect(mine.link).toBe(canonical);
    for (const item of items) expect(item.link.endsWith('/')).toBe(false);
    const tagRss = new XMLParser().parse(await (await get('/tags/background-jobs/rss.xml')).text());
    for (const item of [tagRss.rss.channel.item].flat() as { link: string }[]) expect(item.link.endsWith('/')).toBe(false);
  });
});

describe('structure', () => {
  it('puts the story headings right below the page title (h1 → h2 → h3), with no <details> inside a <span>', async () => {
    const html = await (await get(storyUrl)).text();
    expect(html).toMatch(/<h1[^>]*>The cron job that ran on every host at once<\/h1>/);
    expect(html).toContain('<h2>What happened</h2>');
    expect(html).toContain('<h3>The detail</h3>');
    expect(html).not.toMatch(/<h4>What happened/);
    expect(html).not.toMatch(/<span[^>]*>\s*<details/);
  });

  it('labels both search landmarks on /search differently', async () => {
    const html = await (await get('/search?q=cron')).text();
    const labels = [...html.matchAll(/<form[^>]*role="search"[^>]*>/g)].map((m) => m[0].match(/aria-label="([^"]+)"/)?.[1]);
    expect(labels).toHaveLength(2);
    expect(labels.every(Boolean)).toBe(true);
    expect(new Set(labels).size).toBe(2);
  });

  it('says "1 person has been there" and "2 people have been there"', async () => {
    const reader = new Browser(server.origin);
    await reader.post(storyUrl, { reaction: 'been-there', return: storyUrl });
    expect(await (await reader.get(storyUrl)).text()).toMatch(/data-count[^>]*>1<\/span><span class="visually-hidden"[^>]*> person has been there</);
    await new Browser(server.origin).post(storyUrl, { reaction: 'been-there', return: storyUrl });
    expect(await (await reader.get(storyUrl)).text()).toMatch(/data-count[^>]*>2<\/span><span class="visually-hidden"[^>]*> people have been there</);
  });

  it('draws /tags charts with links as a labelled group, not as an image, and a narrow copy for phones', async () => {
    const html = await (await get('/tags')).text();
    const svgs = [...html.matchAll(/<svg class="(wide|narrow)"[^>]*role="(\w+)"[^>]*>[\s\S]*?<\/svg>/g)];
    expect(svgs.length).toBeGreaterThanOrEqual(2);
    for (const [svg, , role] of svgs) expect(role).toBe(svg.includes('<a href=') ? 'group' : 'img');
    expect(svgs.some(([svg]) => svg.includes('<a href='))).toBe(true);
    const narrow = svgs.find(([, variant]) => variant === 'narrow')![0];
    expect(narrow).toMatch(/viewBox="0 0 360 /);
  });
});
