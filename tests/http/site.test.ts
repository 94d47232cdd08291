/** The built server as a browser sees it: pages, redirects, posting, managing, and refusals. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { startServer, Browser, type TestServer, manageLinkIn, publishedStoryId } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ SEED_DEMO: '1' });
});
afterAll(async () => {
  await server?.stop();
});

const storyFields = (overrides: Record<string, string | string[]> = {}) => ({
  title: 'I restarted the primary instead of the replica',
  body: '## What happened\n\nDuring a quiet afternoon I ran the restart against the wrong host and the checkout page went down for twenty minutes.\n\n## What I learned\n\nCheck twice.',
  tags: ['database', 'deploy'],
  lessons: 'Put the role in the shell prompt\nPractise failovers on purpose',
  experience: '1-2',
  outcome: 'talk',
  intent: 'publish',
  ...overrides,
});

/** Form fields as a urlencoded body, repeating a name for each value of a list. */
const formBody = (fields: Record<string, string | string[]>) =>
  new URLSearchParams(Object.entries(fields).flatMap(([key, value]) => (Array.isArray(value) ? value : [value]).map((item) => [key, item])));

async function postStory(browser: Browser, overrides: Record<string, string | string[]> = {}) {
  const response = await browser.post('/new', storyFields(overrides));
  expect(response.status).toBe(303);
  return response.headers.get('location')!;
}

describe('reading', () => {
  it('serves the feed with at least 20 demo stories and an "Older stories" link', async () => {
    const response = await fetch(`${server.origin}/`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect((html.match(/class="card story-card"/g) ?? []).length).toBe(20);
    expect(html).toMatch(/href="\/\?before=\d+_\d+" rel="next"/);
  });

  it('the second page continues where the first ended', async () => {
    const first = await (await fetch(`${server.origin}/`)).text();
    const next = first.match(/href="(\/\?before=[^"]+)"/)![1];
    const second = await (await fetch(`${server.origin}${next.replace(/&amp;/g, '&')}`)).text();
    const ids = (html: string) => [...html.matchAll(/<h2 class="title"[^>]*><a href="\/stories\/(\d+)-/g)].map((m) => m[1]);
    expect(ids(second).length).toBeGreaterThan(0);
    expect(ids(second).filter((id) => ids(first).includes(id))).toEqual([]);
  });

  it('answers a wrong slug with 301 to the canonical address and an unknown id with a 404 page', async () => {
    const id = publishedStoryId(server);
    const json = await (await fetch(`${server.origin}/stories/${id}.json`)).json();
    const wrong = await fetch(`${server.origin}/stories/${id}-not-the-slug`, { redirect: 'manual' });
    expect(wrong.status).toBe(301);
    expect(wrong.headers.get('location')).toBe(new URL(json.url).pathname);
    const missing = await fetch(`${server.origin}/stories/999999-nope`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toMatch(/couldn’t find that page/);
    expect((await fetch(`${server.origin}/no/such/page`)).status).toBe(404);
  });

  it('gives the public JSON shape of a story and nothing about its author', async () => {
    const response = await fetch(`${server.origin}/stories/${publishedStoryId(server)}.json`);
    expect(response.status).toBe(200);
    const story = await response.json();
    expect(Object.keys(story)).toEqual(expect.arrayContaining(['id', 'url', 'title', 'html', 'tags', 'lessons', 'facts', 'created', 'beenThere', 'comments']));
    expect(Object.keys(story.facts).sort()).toEqual(['detection', 'experience', 'impact', 'outcome']);
    // No field names an author, a manage token or a key hash (story text itself may say "manager").
    expect(JSON.stringify(story)).not.toMatch(/"[^"]*(?:author|manage|key_?hash)[^"]*":/i);
    expect((await fetch(`${server.origin}/stories/999999.json`)).status).toBe(404);
  });

  it('lists failure types with counts and shows a type page', async () => {
    const tags = await (await fetch(`${server.origin}/tags`)).text();
    expect(tags).toMatch(/Stories per failure type/);
    const page = await fetch(`${server.origin}/tags/database`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<h1[^>]*>Database<\/h1>/);
    expect((await fetch(`${server.origin}/tags/not-a-type`)).status).toBe(404);
  });

  it('serves the about page, and /healthz checks the database', async () => {
    expect(await (await fetch(`${server.origin}/about`)).text()).toMatch(/Community guidelines/);
    const health = await fetch(`${server.origin}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', database: 'ok' });
  });

  it('sends security headers on every page', async () => {
    for (const path of ['/', '/new', `/stories/${publishedStoryId(server)}`, '/no-such-page']) {
      const response = await fetch(`${server.origin}${path}`, { redirect: 'manual' });
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("base-uri 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBeTruthy();
    }
  });
});

describe('posting a story', () => {
  it('publishes, shows the private manage link once, and lists the story on the feed and its type page', async () => {
    const browser = new Browser(server.origin);
    const location = await postStory(browser, { title: 'A fresh story for the feed test' });
    expect(location).toMatch(/^\/stories\/\d+-a-fresh-story-for-the-feed-test$/);
    const page = await browser.get(location);
    const html = await page.text();
    expect(html).toContain('A fresh story for the feed test');
    const manage = html.match(/href="(http:\/\/[^"]+\/manage\/[A-Za-z0-9_-]{43})"/);
    expect(manage).not.toBeNull();
    expect(page.headers.get('cache-control')).toBe('no-store');
    // Shown once: a reload no longer has it.
    expect(await (await browser.get(location)).text()).not.toMatch(/\/manage\//);
    expect(await (await fetch(`${server.origin}/`)).text()).toContain('A fresh story for the feed test');
    expect(await (await fetch(`${server.origin}/tags/deploy`)).text()).toContain('A fresh story for the feed test');
  });

  it('keeps what was typed and explains each wrong field', async () => {
    const browser = new Browser(server.origin);
    const response = await browser.post('/new', storyFields({ title: 'Mine', tags: [], lessons: '' }));
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('value="Mine"');
    expect(html).toContain('During a quiet afternoon I ran the restart');
    expect(html).toMatch(/id="title-error"[^>]*>Give your story a title/);
    expect(html).toMatch(/id="tags-error"[^>]*>Choose at least one failure type/);
    expect(html).toMatch(/id="lessons-error"/);
  });

  it('stores a hostile body inert', async () => {
    const browser = new Browser(server.origin);
    const location = await postStory(browser, {
      title: 'Hostile markup should come out inert',
      body: '<script>alert(1)</script>\n\n[click](javascript:alert(1)) <img src=x onerror=alert(1)> and some padding text to pass the minimum length check.',
    });
    const html = await (await browser.get(location)).text();
    expect(html).not.toMatch(/<script>alert|javascript:alert|onerror=/);
  });

  it('refuses a body far too large before reading it, with a page that says nothing was saved', async () => {
    const browser = new Browser(server.origin);
    const response = await browser.post('/new', storyFields({ body: 'x'.repeat(400_000) }));
    expect(response.status).toBe(413);
    const html = await response.text();
    expect(html).toContain('That was too much to send at once');
    expect(html).toContain('Nothing was saved');
  });

  it('takes a story at every length limit written in a script of three-byte characters', async () => {
    const browser = new Browser(server.origin);
    const sentence = '本番のデータベースを消してしまった。'; // 18 characters, three bytes each
    const fill = (length: number) => sentence.repeat(Math.ceil(length / sentence.length)).slice(0, length);
    const heading = '## 何が起きたか\n\n';
    const fields = storyFields({
      title: fill(140),
      body: heading + fill(20_000 - heading.length),
      lessons: Array.from({ length: 10 }, () => fill(280)).join('\n'),
    });
    expect(formBody(fields).toString().length).toBeGreaterThan(200_000); // what a browser sends
    const response = await browser.post('/new', fields);
    expect(response.status).toBe(303);
    const story = await (await browser.get(response.headers.get('location')!)).text();
    expect(story).toContain(fill(140));
  });

  it('edits through the manage link (marked edited) and deletes for real', async () => {
    const browser = new Browser(server.origin);
    const location = await postStory(browser, { title: 'A story I will edit and delete' });
    const html = await (await browser.get(location)).text();
    const manageUrl = { pathname: manageLinkIn(html) };
    const managePage = await browser.get(manageUrl.pathname);
    expect(managePage.status).toBe(200);
    expect(managePage.headers.get('referrer-policy')).toBe('strict-origin');
    expect(managePage.headers.get('cache-control')).toBe('no-store');

    const edit = await browser.post(manageUrl.pathname, storyFields({ title: 'A story I edited once' }));
    expect(edit.status).toBe(303);
    const newLocation = edit.headers.get('location')!.replace('?edited=1', '');
    const edited = await (await browser.get(newLocation)).text();
    expect(edited).toContain('A story I edited once');
    expect(edited).toMatch(/edited/);

    const refused = await browser.post(`${manageUrl.pathname}?do=manage`, { action: 'delete' });
    expect(refused.status).toBe(400);
    const deleted = await browser.post(`${manageUrl.pathname}?do=manage`, { action: 'delete', confirm: 'yes' });
    expect(deleted.status).toBe(303);
    expect((await browser.get(newLocation)).status).toBe(404);
    expect((await browser.get(manageUrl.pathname)).status).toBe(404);
    const db = new Database(server.databasePath, { readonly: true });
    const left = db.prepare("SELECT count(*) AS n FROM stories WHERE title LIKE 'A story I edit%'").get() as { n: number };
    db.close();
    expect(left.n).toBe(0);
  });

  it('answers an unknown manage token with 404', async () => {
    expect((await fetch(`${server.origin}/manage/${'a'.repeat(43)}`)).status).toBe(404);
  });
});

describe('cross-site requests', () => {
  it('refuses a cross-origin post with 403 and changes nothing', async () => {
    const before = await (await fetch(`${server.origin}/`)).text();
    for (const contentType of ['application/x-www-form-urlencoded', 'application/json', 'text/plain']) {
      const response = await fetch(`${server.origin}/new`, {
        method: 'POST',
        redirect: 'manual',
        headers: { origin: 'https://evil.example', 'content-type': contentType },
        body: formBody(storyFields({ title: 'Cross site post must not land' })),
      });
      expect(response.status).toBe(403);
    }
    const after = await (await fetch(`${server.origin}/`)).text();
    expect(after).not.toContain('Cross site post must not land');
    expect(after.length).toBe(before.length);
  });

  it('refuses a post with neither Origin nor Sec-Fetch-Site', async () => {
    const response = await fetch(`${server.origin}/new`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: formBody(storyFields()),
    });
    expect(response.status).toBe(403);
  });
});
