/**
 * The rules behind forms that work for real browsers (issue 9): which posts count as our own,
 * what a refused one sees, and one-time form tokens that make a form sent twice land once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, Browser, readDb, manageLinkIn, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ SEED_DEMO: '0' });
});
afterAll(async () => {
  await server?.stop();
});

let counter = 0;
const storyFields = (overrides: Record<string, string | string[]> = {}) => ({
  title: `The replica I promoted by accident ${++counter} ${Math.random().toString(36).slice(2, 8)}`,
  body: 'During a failover drill I promoted the wrong replica, and for ten minutes two databases accepted writes and disagreed about every order.',
  tags: ['database'],
  lessons: 'Fence the old primary first',
  intent: 'publish',
  ...overrides,
});

/** The hidden one-time token of the first form on a page. */
function submissionIn(html: string): string {
  const token = /name="submission" value="([A-Za-z0-9_-]{43})"/.exec(html)?.[1];
  if (!token) throw new Error('No one-time form token on this page');
  return token;
}

const countWhere = (sql: string, value: string | number) =>
  readDb(server, (db) => (db.prepare(sql).get(value) as { n: number }).n);

describe('which posts count as sent from our own pages', () => {
  it('accepts Origin: null when the browser says the request is same-origin (Sec-Fetch-Site)', async () => {
    const browser = new Browser(server.origin);
    const fields = storyFields();
    const response = await browser.post('/new', fields, { origin: 'null', 'sec-fetch-site': 'same-origin' });
    expect(response.status).toBe(303);
    expect(countWhere('SELECT count(*) AS n FROM stories WHERE title = ?', fields.title as string)).toBe(1);
  });

  it('refuses Origin: null from another site, and without Sec-Fetch-Site', async () => {
    const browser = new Browser(server.origin);
    const fields = storyFields();
    expect((await browser.post('/new', fields, { origin: 'null', 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await browser.post('/new', fields, { origin: 'null' })).status).toBe(403);
    expect((await browser.post('/new', fields, { origin: 'null', 'sec-fetch-site': 'same-site' })).status).toBe(403);
    expect(countWhere('SELECT count(*) AS n FROM stories WHERE title = ?', fields.title as string)).toBe(0);
  });

  it('answers a cross-site form post with the styled 403 page: the site layout, what happened, a way back', async () => {
    const browser = new Browser(server.origin);
    const response = await browser.post('/new', storyFields(), { origin: 'https://evil.example' });
    expect(response.status).toBe(403);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await response.text();
    expect(html).not.toContain('Cross-site POST form submissions are forbidden');
    expect(html).toMatch(/<h1>That form came from another site<\/h1>/);
    expect(html).toContain('Nothing was saved');
    expect(html).toContain('<header class="site-header"');
    expect(html).toMatch(/<a class="button primary" href="\/new">Open the page on Rite of Passage<\/a>/);
    expect(html).toContain('href="/">Back to the stories</a>');
    expect(html).toContain('noindex');
  });

  it('sends the manage page with Referrer-Policy strict-origin: no token in any referrer, a real Origin on its forms', async () => {
    const browser = new Browser(server.origin);
    const location = (await browser.post('/new', storyFields())).headers.get('location')!;
    const storyPage = await browser.get(location);
    expect(storyPage.headers.get('referrer-policy')).toBe('strict-origin');
    const manage = await browser.get(manageLinkIn(await storyPage.text()));
    expect(manage.status).toBe(200);
    expect(manage.headers.get('referrer-policy')).toBe('strict-origin');
    expect(manage.headers.get('cache-control')).toBe('no-store');
  });
});

describe('a story form sent twice', () => {
  it('issues a one-time token with the form that only this visitor’s browser may keep', async () => {
    const first = await fetch(`${server.origin}/new`);
    const second = await fetch(`${server.origin}/new`);
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
    expect(submissionIn(await first.text())).not.toBe(submissionIn(await second.text()));
  });

  it('leads the second submission to the first story, with the same private link', async () => {
    const browser = new Browser(server.origin);
    const submission = submissionIn(await (await browser.get('/new')).text());
    const fields = storyFields({ submission });
    const first = await browser.post('/new', fields);
    expect(first.status).toBe(303);
    const location = first.headers.get('location')!;
    const manage = manageLinkIn(await (await browser.get(location)).text());

    // A double click: the first answer never reached this browser (no cookies from it).
    const elsewhere = new Browser(server.origin);
    const again = await elsewhere.post('/new', fields);
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe(`${location}?again=1`);
    const page = await (await elsewhere.get(`${location}?again=1`)).text();
    expect(manageLinkIn(page)).toBe(manage);
    expect(page).toContain('already sent that form');
    expect(countWhere('SELECT count(*) AS n FROM stories WHERE title = ?', fields.title as string)).toBe(1);
  });

  it('keeps the token through a field error, so the corrected form publishes once', async () => {
    const browser = new Browser(server.origin);
    const submission = submissionIn(await (await browser.get('/new')).text());
    const fields = storyFields({ submission });
    const refused = await browser.post('/new', { ...fields, lessons: '' });
    expect(refused.status).toBe(400);
    expect(submissionIn(await refused.text())).toBe(submission);
    const published = await browser.post('/new', fields);
    expect(published.status).toBe(303);
    expect(published.headers.get('location')).not.toContain('again');
    expect((await browser.post('/new', fields)).headers.get('location')).toBe(`${published.headers.get('location')}?again=1`);
    expect(countWhere('SELECT count(*) AS n FROM stories WHERE title = ?', fields.title as string)).toBe(1);
  });

  it('leads the same story sent again from a fresh form by the same author to the first one', async () => {
    const browser = new Browser(server.origin);
    const fields = storyFields();
    const first = await browser.post('/new', { ...fields, submission: submissionIn(await (await browser.get('/new')).text()) });
    const second = await browser.post('/new', { ...fields, submission: submissionIn(await (await browser.get('/new')).text()) });
    expect(second.headers.get('location')).toBe(`${first.headers.get('location')}?again=1`);
    // Someone else telling the same words is their own story.
    const other = await new Browser(server.origin).post('/new', fields);
    expect(other.headers.get('location')).not.toContain('again');
    expect(countWhere('SELECT count(*) AS n FROM stories WHERE title = ?', fields.title as string)).toBe(2);
  });

  it('says so on the form when the story sent again waits for its delayed publication', async () => {
    const browser = new Browser(server.origin);
    const fields = storyFields({ delayPublication: 'on', submission: submissionIn(await (await browser.get('/new')).text()) });
    const first = await browser.post('/new', fields);
    expect(first.status).toBe(303);
    // The same form again within minutes: the story (still scheduled) with its private link.
    const again = await new Browser(server.origin).post('/new', fields);
    expect(again.headers.get('location')).toBe(`${first.headers.get('location')}?again=1`);
    // A fresh form with the same words: no link to show, so the form explains instead of a 404.
    const fresh = await browser.post('/new', { ...fields, submission: submissionIn(await (await browser.get('/new')).text()) });
    expect(fresh.status).toBe(409);
    const html = await fresh.text();
    expect(html).toContain('You already published this story, so it was not sent twice.');
    expect(html).toContain(fields.title as string);
    expect(countWhere('SELECT count(*) AS n FROM stories WHERE title = ?', fields.title as string)).toBe(1);
  });

  it('stores only a hash of the form token', async () => {
    const browser = new Browser(server.origin);
    const submission = submissionIn(await (await browser.get('/new')).text());
    const fields = storyFields({ submission });
    await browser.post('/new', fields);
    const row = readDb(server, (db) => db.prepare('SELECT submission_hash AS hash FROM stories WHERE title = ?').get(fields.title) as { hash: string });
    expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.hash).not.toContain(submission);
  });
});

describe('a comment form sent twice', () => {
  async function storyWithCommentForm(browser: Browser): Promise<{ path: string; id: number; submission: string }> {
    const location = (await browser.post('/new', storyFields())).headers.get('location')!;
    const path = location.split('?')[0];
    const html = await (await browser.get(path)).text();
    return { path, id: Number(/\/stories\/(\d+)-/.exec(path)![1]), submission: submissionIn(html.slice(html.indexOf('class="comment-form"') - 200)) };
  }

  it('adds the comment once and leads the second submission to it', async () => {
    const author = new Browser(server.origin);
    const { path, id, submission } = await storyWithCommentForm(author);
    const fields = { intent: 'comment', parent: '', body: 'Same here, the pager woke the whole team.', submission };
    const reader = new Browser(server.origin);
    const first = await reader.post(path, fields);
    expect(first.status).toBe(303);
    const second = await new Browser(server.origin).post(path, fields);
    expect(second.headers.get('location')).toBe(first.headers.get('location'));
    expect(countWhere('SELECT count(*) AS n FROM comments WHERE story_id = ?', id)).toBe(1);
  });

  it('adds different words sent with the same token (a page from a shared cache) as their own comment', async () => {
    const author = new Browser(server.origin);
    const { path, id, submission } = await storyWithCommentForm(author);
    await new Browser(server.origin).post(path, { intent: 'comment', parent: '', body: 'First reader here.', submission });
    const other = await new Browser(server.origin).post(path, { intent: 'comment', parent: '', body: 'Second reader, other words.', submission });
    expect(other.status).toBe(303);
    expect(countWhere('SELECT count(*) AS n FROM comments WHERE story_id = ?', id)).toBe(2);
  });

  it('adds the same words from the same person again from a fresh form once, and from someone else as theirs', async () => {
    const author = new Browser(server.origin);
    const { path, id } = await storyWithCommentForm(author);
    const reader = new Browser(server.origin);
    const fields = { intent: 'comment', parent: '', body: 'We had the very same outage last spring.' };
    const first = await reader.post(path, fields);
    const again = await reader.post(path, fields);
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    await new Browser(server.origin).post(path, fields);
    expect(countWhere('SELECT count(*) AS n FROM comments WHERE story_id = ?', id)).toBe(2);
  });
});

describe('a reaction button pressed twice', () => {
  it('counts "been there" and "helpful" once when the same press arrives twice, and takes them back once', async () => {
    const author = new Browser(server.origin);
    const location = (await author.post('/new', storyFields())).headers.get('location')!;
    const path = location.split('?')[0];
    const id = Number(/\/stories\/(\d+)-/.exec(path)![1]);
    const lessonId = readDb(server, (db) => (db.prepare('SELECT id FROM lessons WHERE story_id = ?').get(id) as { id: number }).id);
    const reader = new Browser(server.origin);
    const beenThere = () => readDb(server, (db) => (db.prepare('SELECT been_there_count AS n FROM stories WHERE id = ?').get(id) as { n: number }).n);
    const helpful = () => readDb(server, (db) => (db.prepare('SELECT helpful_count AS n FROM lessons WHERE id = ?').get(lessonId) as { n: number }).n);

    // The story page asks for "on" while not pressed.
    expect(await (await reader.get(path)).text()).toMatch(/name="want" value="on"/);
    for (let i = 0; i < 2; i++) await reader.post(path, { reaction: 'been-there', want: 'on', return: path });
    for (let i = 0; i < 2; i++) await reader.post(path, { reaction: 'helpful', lesson: String(lessonId), want: 'on' });
    expect([beenThere(), helpful()]).toEqual([1, 1]);
    for (let i = 0; i < 2; i++) await reader.post(path, { reaction: 'been-there', want: 'off', return: path });
    for (let i = 0; i < 2; i++) await reader.post(path, { reaction: 'helpful', lesson: String(lessonId), want: 'off' });
    expect([beenThere(), helpful()]).toEqual([0, 0]);
    // Without the field (an older page) a press still toggles.
    await reader.post(path, { reaction: 'been-there', return: path });
    await reader.post(path, { reaction: 'been-there', return: path });
    expect(beenThere()).toBe(0);
  });
});
