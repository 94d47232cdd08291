/** Preview, the de-identification check, delayed publication, content notes and disowning. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { startServer, Browser, type TestServer, manageLinkIn } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

const fields = (overrides: Record<string, string | string[]> = {}) => ({
  title: 'The night the billing job ran twice',
  body: 'I pushed a cron change and mailed ops-lead@example-corp.com from db1.internal at 10.2.3.4 before anyone noticed the duplicate run.',
  tags: ['background-jobs'],
  lessons: 'Ask @janedoe before touching cron\nMake jobs idempotent',
  outcome: 'talk',
  ...overrides,
});

const countStories = () => {
  const db = new Database(server.databasePath, { readonly: true });
  const n = (db.prepare('SELECT count(*) AS n FROM stories').get() as { n: number }).n;
  db.close();
  return n;
};

describe('preview', () => {
  it('renders the story as it will appear, marks findings, keeps the form, and saves nothing', async () => {
    const browser = new Browser(server.origin);
    const before = countStories();
    const response = await browser.post('/new', fields({ intent: 'preview' }));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('Preview — not published yet');
    expect(html).toMatch(/<mark data-finding="email"[^>]*>ops-lead@example-corp\.com<\/mark>/);
    expect(html).toMatch(/<mark data-finding="host"[^>]*>db1\.internal<\/mark>/);
    expect(html).toMatch(/<mark data-finding="ip"[^>]*>10\.2\.3\.4<\/mark>/);
    expect(html).toMatch(/<mark data-finding="handle"[^>]*>@janedoe<\/mark>/);
    expect(html).toContain('value="The night the billing job ran twice"');
    expect(html).toMatch(/<textarea id="body"[^>]*>I pushed a cron change/);
    expect(countStories()).toBe(before);
  });

  it('shows validation messages instead of a preview for an incomplete story', async () => {
    const response = await new Browser(server.origin).post('/new', fields({ intent: 'preview', tags: [] }));
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).not.toContain('Preview — not published yet');
    expect(html).toMatch(/Choose at least one failure type/);
  });

  it('redacts exactly the chosen finding and nothing else', async () => {
    const browser = new Browser(server.origin);
    const preview = await (await browser.post('/new', fields({ intent: 'preview' }))).text();
    const token = preview.match(/name="redact" value="(every:email:[^"]+)"/)![1];
    const response = await browser.post('/new', fields({ redact: token }));
    expect(response.status).toBe(200);
    const html = await response.text();
    const body = html.match(/<textarea id="body"[^>]*>([^<]*)<\/textarea>/)![1];
    expect(body).toBe('I pushed a cron change and mailed an e-mail address from db1.internal at 10.2.3.4 before anyone noticed the duplicate run.');
    expect(html).not.toMatch(/data-finding="email"/);
    expect(html).toMatch(/data-finding="host"/);
  });

  it('refuses a stale redaction without changing the text', async () => {
    const browser = new Browser(server.origin);
    const response = await browser.post('/new', fields({ redact: 'every:email:someone-else@example-corp.com' }));
    expect(response.status).toBe(409);
    const html = await response.text();
    expect(html).toMatch(/nothing was replaced/);
    expect(html).toContain('ops-lead@example-corp.com');
  });

  it('publishes with findings still present: it warns, never blocks', async () => {
    const response = await new Browser(server.origin).post('/new', fields({ intent: 'publish' }));
    expect(response.status).toBe(303);
  });
});

describe('publishing later', () => {
  it('keeps a delayed story out of the feed, tag pages, search and RSS until its time, but shows it to its author', async () => {
    const browser = new Browser(server.origin);
    const response = await browser.post('/new', fields({
      title: 'A delayed quetzalcoatl story',
      body: 'Nothing identifying here, just a quetzalcoatl of a deploy that went wrong during a quiet week.',
      lessons: 'Wait',
      delayPublication: 'on',
      intent: 'publish',
    }));
    const url = response.headers.get('location')!;
    const id = Number(url.match(/\/stories\/(\d+)/)![1]);
    const authorView = await (await browser.get(url)).text();
    expect(authorView).toMatch(/Your story is scheduled/);
    const manage = manageLinkIn(authorView);
    expect((await browser.get(manage)).status).toBe(200);

    const reader = (path: string) => fetch(`${server.origin}${path}`).then((r) => r.text());
    expect((await fetch(`${server.origin}${url}`)).status).toBe(404);
    expect(await reader('/')).not.toContain('quetzalcoatl');
    expect(await reader('/tags/background-jobs')).not.toContain('quetzalcoatl');
    expect(await reader('/search?q=quetzalcoatl')).toMatch(/No results/);
    expect(await reader('/rss.xml')).not.toContain('quetzalcoatl');

    const db = new Database(server.databasePath);
    const row = db.prepare('SELECT created_at, published_at FROM stories WHERE id = ?').get(id) as { created_at: number; published_at: number };
    expect(row.published_at).toBeGreaterThanOrEqual(row.created_at);
    expect(row.published_at - row.created_at).toBeLessThanOrEqual(6 * 60 * 60 * 1000);
    // Time passes: move the publication time into the past.
    db.prepare('UPDATE stories SET published_at = ? WHERE id = ?').run(Date.now() - 1000, id);
    db.prepare('UPDATE story_failure_types SET published_at = ? WHERE story_id = ?').run(Date.now() - 1000, id);
    db.close();
    expect((await fetch(`${server.origin}${url}`)).status).toBe(200);
    expect(await reader('/')).toContain('quetzalcoatl');
    expect(await reader('/tags/background-jobs')).toContain('quetzalcoatl');
    expect(await reader('/search?q=quetzalcoatl')).toContain(url);
    expect(await reader('/rss.xml')).toContain('quetzalcoatl');
  });
});

describe('content notes', () => {
  it('shows the note above the story and lets a reader hide such stories from the feed with a cookie', async () => {
    const poster = new Browser(server.origin);
    const response = await poster.post('/new', fields({
      title: 'A story with a lost job note',
      body: 'This one carries a content note so readers who are not ready for it can hide it from their feed.',
      contentNotes: ['lost-job', 'data-loss'],
      intent: 'publish',
    }));
    const url = response.headers.get('location')!;
    expect(await (await poster.get(url)).text()).toMatch(/Content note: lost my job, data loss|Content note: data loss, lost my job/);

    const reader = new Browser(server.origin);
    expect(await (await reader.get('/')).text()).toContain('A story with a lost job note');
    const saved = await reader.post('/preferences', { hideNotes: 'lost-job', return: '/' });
    expect(saved.status).toBe(303);
    const cookie = saved.headers.getSetCookie().find((c) => c.startsWith('rop_hide_notes='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(await (await reader.get('/')).text()).not.toContain('A story with a lost job note');
    expect(await (await reader.get('/tags/background-jobs')).text()).not.toContain('A story with a lost job note');
    await reader.post('/preferences', { return: '/' });
    expect(await (await reader.get('/')).text()).toContain('A story with a lost job note');
  });
});

describe('after posting', () => {
  it('lets a logged-in author disown a story so that nothing links it back', async () => {
    const browser = new Browser(server.origin);
    const registered = await browser.post('/register', { username: 'disowner', password: 'a quiet river at dawn' });
    expect(registered.status).toBe(303);
    const response = await browser.post('/new', fields({ title: 'A story I will disown later', intent: 'publish' }));
    const url = response.headers.get('location')!;
    const id = Number(url.match(/\/stories\/(\d+)/)![1]);
    const page = await (await browser.get(url)).text();
    const manage = manageLinkIn(page);
    expect(await (await browser.get('/me')).text()).toContain('A story I will disown later');
    expect(await (await browser.get(manage)).text()).toContain('Disown this story');

    const disowned = await browser.post(`${manage}?do=manage`, { action: 'disown' });
    expect(disowned.status).toBe(303);
    const db = new Database(server.databasePath, { readonly: true });
    const row = db.prepare('SELECT author_id FROM stories WHERE id = ?').get(id) as { author_id: number | null };
    db.close();
    expect(row.author_id).toBeNull();
    expect(await (await browser.get('/me')).text()).not.toContain('A story I will disown later');
    expect((await browser.get(manage)).status).toBe(200);
  });

  it('refuses to disown for someone who is not logged in', async () => {
    const browser = new Browser(server.origin);
    const response = await browser.post('/new', fields({ title: 'Anonymous story cannot be disowned', intent: 'publish' }));
    const page = await (await browser.get(response.headers.get('location')!)).text();
    const manage = manageLinkIn(page);
    expect((await browser.post(`${manage}?do=manage`, { action: 'disown' })).status).toBe(403);
  });
});
