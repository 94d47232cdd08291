/** Lessons by failure type, charts, search, the bad-day button and syndication, on the built server. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { startServer, Browser, type TestServer, manageLinkIn } from '../helpers/server';

let server: TestServer;
let story: { url: string; id: number };
let commentId: number;

beforeAll(async () => {
  server = await startServer({ SEED_DEMO: '1' });
  const browser = new Browser(server.origin);
  const response = await browser.post('/new', {
    title: 'The quokkafish migration that locked everything',
    body: 'We ran the schema change during lunch and the table lock held every checkout request hostage for forty minutes.',
    tags: ['migration', 'database'],
    lessons: 'Rehearse the xylophonic rollback on a copy\nAdd lock timeouts',
    outcome: 'talk',
    intent: 'publish',
  });
  const url = response.headers.get('location')!;
  await browser.get(url);
  story = { url, id: Number(url.match(/\/stories\/(\d+)/)![1]) };
  const commented = await browser.post(url, { intent: 'comment', body: 'Same here with a zeppelinoid index build.', parent: '' });
  commentId = Number(commented.headers.get('location')!.split('#c')[1]);
});
afterAll(async () => {
  await server?.stop();
});

const get = (path: string) => fetch(`${server.origin}${path}`, { redirect: 'manual' });
const html = async (path: string) => (await get(path)).text();

describe('lessons', () => {
  it('groups lessons by failure type on /lessons, each linked to its story', async () => {
    const page = await html('/lessons');
    expect(page).toMatch(/<h2 id="lessons-database"/);
    expect(page).toMatch(/href="\/stories\/\d+-[a-z0-9-]+"/);
  });

  it('pages the lessons of one type most helpful first, with rel="next"', async () => {
    const db = new Database(server.databasePath, { readonly: true });
    const total = (db.prepare(`SELECT count(*) AS n FROM lessons l JOIN story_failure_types sft ON sft.story_id = l.story_id
      JOIN failure_types ft ON ft.id = sft.failure_type_id WHERE ft.slug = 'database'`).get() as { n: number }).n;
    db.close();
    expect(total).toBeGreaterThan(30);
    const first = await html('/lessons/database');
    const next = first.match(/rel="next" href="([^"]+)"|href="([^"]+)"[^>]*rel="next"/);
    expect(next).not.toBeNull();
    const nextHref = (next![1] ?? next![2]).replace(/&amp;/g, '&');
    const second = await html(nextHref);
    const count = (page: string) => (page.match(/<p class="text"/g) ?? []).length;
    expect(count(first) + count(second)).toBeGreaterThanOrEqual(Math.min(total, 60));
    const helpful = [...first.matchAll(/(\d+) (?:person|people) found this helpful/g)].map((m) => Number(m[1]));
    expect(helpful).toEqual([...helpful].sort((a, b) => b - a));
    expect((await get('/lessons/nope')).status).toBe(404);
  });

  it('shows a failure type’s top lessons above its stories', async () => {
    const page = await html('/tags/database');
    expect(page.indexOf('Top lessons')).toBeGreaterThan(0);
    expect(page.indexOf('Top lessons')).toBeLessThan(page.indexOf('<h2>Stories</h2>') === -1 ? page.indexOf('>Stories</h2>') : page.indexOf('<h2>Stories</h2>'));
  });
});

describe('charts', () => {
  it('draws stories per type and how it ended as SVG with text alternatives and the right counts', async () => {
    const page = await html('/tags');
    const db = new Database(server.databasePath, { readonly: true });
    const database = (db.prepare(`SELECT count(*) AS n FROM story_failure_types sft JOIN failure_types ft ON ft.id = sft.failure_type_id WHERE ft.slug = 'database'`).get() as { n: number }).n;
    const talk = (db.prepare(`SELECT count(*) AS n FROM stories WHERE outcome = 'talk'`).get() as { n: number }).n;
    db.close();
    expect(page).toMatch(/<svg[^>]*role="img"/);
    expect(page).toMatch(new RegExp(`<desc[^>]*>Stories per failure type:[^<]*Database ${database}\\b`));
    expect(page).toMatch(new RegExp(`<desc[^>]*>How it ended for the authors:[^<]*A supportive talk ${talk}\\b`));
    expect(page).toMatch(/kept their job/);
  });
});

describe('search', () => {
  it('finds a story by a word of its title, of a lesson and of a comment, highlighted', async () => {
    const byTitle = await html('/search?q=quokkafish');
    expect(byTitle).toContain(story.url);
    expect(byTitle).toMatch(/<mark>quokkafish<\/mark>/i);
    const byLesson = await html('/search?q=xylophonic');
    expect(byLesson).toMatch(new RegExp(`${story.url}#l\\d+`));
    const byComment = await html('/search?q=zeppelin');
    expect(byComment).toContain(`${story.url}#c${commentId}`);
  });

  it('matches prefixes, excludes -words and filters by tag', async () => {
    expect(await html('/search?q=quokka')).toContain(story.url);
    expect(await html('/search?q=quokkafish+-lunch')).not.toContain(`href="${story.url}"`);
    expect(await html('/search?q=quokkafish+tag:dns')).not.toContain(`href="${story.url}"`);
    expect(await html('/search?q=quokkafish&tag=migration')).toContain(story.url);
  });

  it.each([
    '"', '""', '"unbalanced', '(', ')', '((a)', 'AND', 'OR', 'NOT', 'a AND', 'NEAR(a b)', '*', 'a*', '^a', 'title:x',
    '-', '--', 'tag:', 'tag:../../etc', "'; DROP TABLE stories; --", '\u0000', '😀', 'a'.repeat(199), 'x OR y NOT z',
  ])('answers hostile query %j with 200 or 400, never a 500', async (q) => {
    const response = await get(`/search?q=${encodeURIComponent(q)}`);
    expect([200, 400]).toContain(response.status);
    expect(await response.text()).not.toMatch(/SqliteError|fts5: syntax/);
  });

  it('answers a 2,000-character query with a 400 and a message', async () => {
    const response = await get(`/search?q=${'a'.repeat(2000)}`);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/longer than 200 characters/);
  });

  it('says so kindly when nothing matches', async () => {
    expect(await html('/search?q=nonexistentwordzzz')).toMatch(/No results for/);
  });

  it('drops a hidden or deleted story from the results', async () => {
    const browser = new Browser(server.origin);
    const response = await browser.post('/new', {
      title: 'A gravlaxian outage that will be deleted',
      body: 'This story exists only to be searched for once and then deleted through its private manage link.',
      tags: ['cache'],
      lessons: 'Delete works',
      intent: 'publish',
    });
    const url = response.headers.get('location')!;
    const page = await (await browser.get(url)).text();
    const manage = manageLinkIn(page);
    expect(await html('/search?q=gravlaxian')).toContain(url);
    await browser.post(`${manage}?do=manage`, { action: 'delete', confirm: 'yes' });
    expect(await html('/search?q=gravlaxian')).toMatch(/No results/);

    const db = new Database(server.databasePath);
    db.prepare(`UPDATE stories SET state = 'hidden' WHERE id = ?`).run(story.id);
    db.close();
    expect(await html('/search?q=quokkafish')).toMatch(/No results/);
    const reopen = new Database(server.databasePath);
    reopen.prepare(`UPDATE stories SET state = 'visible' WHERE id = ?`).run(story.id);
    reopen.close();
  });
});

describe('the bad-day button', () => {
  it('redirects to a visible story, uncached, preferring good outcomes', async () => {
    const outcomes: string[] = [];
    for (let i = 0; i < 12; i++) {
      const response = await get('/random');
      expect([302, 303]).toContain(response.status);
      expect(response.headers.get('cache-control')).toBe('no-store');
      const location = response.headers.get('location')!;
      expect(location).toMatch(/^\/stories\/\d+-/);
      const id = location.match(/\/stories\/(\d+)/)![1];
      const data = await (await get(`/stories/${id}.json`)).json();
      outcomes.push(data.facts.outcome);
    }
    expect(outcomes.every((o) => ['nothing', 'talk', 'postmortem'].includes(o))).toBe(true);
  });
});

describe('syndication', () => {
  it('serves RSS 2.0 feeds for the site and for a failure type', async () => {
    const response = await get('/rss.xml');
    expect(response.headers.get('content-type')).toMatch(/xml/);
    const xml = await response.text();
    expect(XMLValidator.validate(xml)).toBe(true);
    const feed = new XMLParser({ ignoreAttributes: false }).parse(xml);
    expect(feed.rss['@_version']).toBe('2.0');
    expect(feed.rss.channel.item.length).toBeGreaterThan(10);
    for (const item of feed.rss.channel.item) {
      expect(item.link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/stories\/\d+-/);
      expect(new Date(item.pubDate).getTime()).not.toBeNaN();
    }
    expect(xml).toContain('The quokkafish migration');
    const tagXml = await html('/tags/migration/rss.xml');
    expect(tagXml).toContain('The quokkafish migration');
    expect(await html('/tags/dns/rss.xml')).not.toContain('The quokkafish migration');
    expect((await get('/tags/nope/rss.xml')).status).toBe(404);
  });

  it('lists every visible story, tag and lessons page in the sitemap, and robots.txt points to it', async () => {
    const xml = await html('/sitemap.xml');
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain(`${server.origin}${story.url}</loc>`);
    expect(xml).toContain(`${server.origin}/tags/dns</loc>`);
    expect(xml).toContain(`${server.origin}/lessons/dns</loc>`);
    const robots = await html('/robots.txt');
    expect(robots).toContain(`Sitemap: ${server.origin}/sitemap.xml`);
    expect(robots).toContain('Disallow: /manage/');
  });

  it('gives every page a canonical link, a description and OpenGraph tags', async () => {
    for (const path of ['/', '/tags', '/tags/dns', '/lessons', '/about', story.url]) {
      const page = await html(path);
      expect(page).toMatch(/<link rel="canonical" href="http:\/\/127\.0\.0\.1:\d+\//);
      expect(page).toMatch(/<meta name="description" content="[^"]{20,}"/);
      expect(page).toMatch(/<meta property="og:title"/);
    }
  });
});
