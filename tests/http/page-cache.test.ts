/**
 * The page cache in front of Astro (issue 10): anonymous readers get stored pages, nobody ever gets
 * a page meant for someone else, and every kind of write shows on the very next anonymous read —
 * with one process, and with two workers where the write and the read land in different processes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import http from 'node:http';
import zlib from 'node:zlib';
import { startServer, Browser, manageLinkIn, testDriver, type TestServer } from '../helpers/server';

const BODY =
  '## What happened\n\nI pointed the cleanup job at the wrong bucket on a quiet Tuesday and it emptied the thumbnails for every customer before lunch.';

function storyFields(title: string, extra: Record<string, string | string[]> = {}) {
  return { title, body: BODY, tags: ['cache'], lessons: 'Dry-run every cleanup first', outcome: 'talk', intent: 'publish', ...extra };
}

// On libSQL a replica file belongs to one process, so WORKERS is refused there: one process only.
describe.each([
  ['one process', '1'],
  ...(testDriver === 'libsql' ? [] : [['two workers', '2']]),
])('the page cache with %s', (_label, workers) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ WORKERS: workers });
  });
  afterAll(async () => {
    await server?.stop();
  });

  /**
   * An anonymous read as a fresh visitor (no cookie at all), on a new connection each time: the
   * cluster hands out connections in turn, so with two workers reads alternate between processes.
   */
  const anonymous = (path: string, headers: Record<string, string> = {}) => readOnNewConnection(`${server.origin}${path}`, headers);
  /** Reads a page anonymously until every worker has stored it. */
  async function cachedEverywhere(path: string): Promise<string> {
    let last = '';
    let hitsInARow = 0;
    for (let i = 0; i < 12 && hitsInARow < 4; i++) {
      const response = await anonymous(path);
      hitsInARow = response.headers.get('x-cache') === 'HIT' ? hitsInARow + 1 : 0;
      last = await response.text();
    }
    expect(hitsInARow).toBe(4);
    return last;
  }

  async function postStory(title: string, extra: Record<string, string | string[]> = {}) {
    const author = new Browser(server.origin);
    const response = await author.post('/new', storyFields(title, extra));
    expect(response.status).toBe(303);
    const url = response.headers.get('location')!;
    const page = await (await author.get(url)).text();
    return { url, id: Number(/\/stories\/(\d+)/.exec(url)![1]), author, manage: page.includes('/manage/') ? manageLinkIn(page) : '' };
  }

  async function comment(browser: Browser, url: string, body: string): Promise<number> {
    const response = await browser.post(url, { intent: 'comment', body, parent: '' });
    expect(response.status).toBe(303);
    return Number(response.headers.get('location')!.split('#c')[1]);
  }

  it(`runs ${workers} server process(es) on one port`, async () => {
    const readyLines = () => server.output().match(/is ready at/g)?.length ?? 0;
    for (let i = 0; i < 200 && readyLines() < Number(workers); i++) await new Promise((r) => setTimeout(r, 100));
    expect(readyLines()).toBe(Number(workers));
  });

  it('answers a repeated anonymous read from the cache, compressed on request, with an ETag that earns a 304', async () => {
    await postStory('A cached story about thumbnails');
    const first = await anonymous('/');
    expect(first.headers.get('x-cache')).toMatch(/HIT|MISS/);
    const firstBody = await first.text();
    await cachedEverywhere('/');
    const hit = await anonymous('/');
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(await hit.text()).toBe(firstBody);
    expect(hit.headers.get('cache-control')).toMatch(/^public, max-age=0, s-maxage=\d+/);
    expect(hit.headers.get('xkey')).toBe('site feed');

    const etag = hit.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const notModified = await anonymous('/', { 'if-none-match': etag });
    expect(notModified.status).toBe(304);

    // fetch() decodes for us: the body is the same page, and the header says how it travelled.
    const brotli = await anonymous('/', { 'accept-encoding': 'br' });
    expect(brotli.headers.get('content-encoding')).toBe('br');
    expect(await brotli.text()).toBe(firstBody);
    const gzip = await anonymous('/', { 'accept-encoding': 'gzip' });
    expect(gzip.headers.get('content-encoding')).toBe('gzip');
    expect(await gzip.text()).toBe(firstBody);
  });

  it('never serves the anonymous page to a logged-in reader, nor the logged-in page to anyone else', async () => {
    const story = await postStory('A story read by a member and by strangers');
    const member = new Browser(server.origin);
    expect((await member.post('/register', { username: `member${workers}x${Date.now() % 100000}`, password: 'a long enough passphrase 42' })).status).toBe(303);
    await comment(member, story.url, 'Mine, and I can delete it.');
    expect((await member.post(story.url, { reaction: 'been-there', return: story.url })).status).toBe(303);

    // The member reads first: nothing of that page may be kept for others.
    for (let i = 0; i < 3; i++) {
      const personal = await member.get(story.url);
      const html = await personal.text();
      expect(html).toContain('Your account');
      expect(html).toContain('value="delete-comment"');
      expect(html).toContain('aria-pressed="true"');
      expect(personal.headers.get('x-cache')).toBeNull();
      expect(personal.headers.get('cache-control')).toBe('private, no-store');
    }
    const stranger = await cachedEverywhere(story.url);
    for (const html of [stranger, await (await anonymous(story.url)).text()]) {
      expect(html).toContain('Mine, and I can delete it.');
      expect(html).not.toContain('Your account');
      expect(html).not.toContain('value="delete-comment"');
      expect(html).not.toContain('aria-pressed="true"');
    }
    const hit = await anonymous(story.url);
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(hit.headers.getSetCookie()).toEqual([]);

    // And the other way round: with the anonymous page stored, the member still gets their own.
    const again = await member.get(story.url);
    expect(again.headers.get('x-cache')).toBeNull();
    const html = await again.text();
    expect(html).toContain('Your account');
    expect(html).toContain('aria-pressed="true"');
  });

  it('keeps a separate page for readers who hide a content note, and never mixes the two', async () => {
    await postStory('A story about a sleepless night of paging', { contentNotes: ['lost-job'] });
    const hiding = new Browser(server.origin);
    expect((await hiding.post('/preferences', { hideNotes: 'lost-job', return: '/' })).status).toBe(303);
    expect([...hiding.cookies.keys()]).toEqual(['rop_hide_notes']);
    const plain = await cachedEverywhere('/');
    expect(plain).toContain('A story about a sleepless night of paging');
    for (let i = 0; i < 4; i++) {
      const response = await hiding.get('/');
      expect(await response.text()).not.toContain('A story about a sleepless night of paging');
      expect(response.headers.get('cache-control')).toBe('private, no-store');
    }
    expect(await (await hiding.get('/')).headers.get('x-cache')).toBe('HIT');
    expect(await (await anonymous('/')).text()).toContain('A story about a sleepless night of paging');
  });

  it('shows a new comment on the next anonymous read of the story and of the feed', async () => {
    const story = await postStory('A story about a comment arriving');
    await cachedEverywhere(story.url);
    await cachedEverywhere('/');
    await comment(new Browser(server.origin), story.url, 'Fresh words from a kind stranger');
    const next = await anonymous(story.url);
    expect(next.headers.get('x-cache')).toBe('MISS');
    expect(await next.text()).toContain('Fresh words from a kind stranger');
    const feed = await anonymous('/');
    expect(feed.headers.get('x-cache')).toBe('MISS');
  });

  it('lets two strangers who got the same stored page both comment with its form as served', async () => {
    const story = await postStory('A story two strangers answer from the same stored page');
    const page = await cachedEverywhere(story.url);
    // Every field of the comment form as the stored page carries it (a per-page token would be shared).
    const form = /<form[^>]*class="comment-form[^"]*"[^>]*>([\s\S]*?)<\/form>/.exec(page)![1];
    const fields: Record<string, string> = {};
    for (const input of form.matchAll(/<input[^>]*>/g)) {
      const name = /name="([^"]*)"/.exec(input[0])?.[1];
      if (name) fields[name] = /value="([^"]*)"/.exec(input[0])?.[1] ?? '';
    }
    expect(fields.intent).toBe('comment');
    for (const words of ['First stranger: this happened to me too', 'Second stranger: and to me, last spring']) {
      const response = await new Browser(server.origin).post(story.url, { ...fields, body: words });
      expect(response.status).toBe(303);
    }
    const html = await (await anonymous(story.url)).text();
    expect(html).toContain('First stranger: this happened to me too');
    expect(html).toContain('Second stranger: and to me, last spring');
  });

  it('shows a "been there" on the next anonymous read', async () => {
    const story = await postStory('A story about a reaction arriving');
    const count = async () => (await (await anonymous(`/stories/${story.id}.json`)).json()).beenThere;
    const before = await cachedEverywhere(story.url);
    expect(await count()).toBe(0);
    expect(await count()).toBe(0);
    const reader = new Browser(server.origin);
    expect((await reader.post(story.url, { reaction: 'been-there', return: story.url })).status).toBe(303);
    expect(await count()).toBe(1);
    const after = await (await anonymous(story.url)).text();
    expect(after).not.toBe(before);
  });

  it('shows an edit on the next anonymous read of the story and the feed', async () => {
    const story = await postStory('A title before the edit');
    await cachedEverywhere(story.url);
    await cachedEverywhere('/');
    const edited = await story.author.post(story.manage, storyFields('A title after the edit'));
    expect(edited.status).toBe(303);
    // The slug may follow the title: then the old address redirects to the new one.
    let response = await anonymous(story.url);
    if (response.status === 301) response = await anonymous(response.headers.get('location')!);
    const page = await response.text();
    expect(page).toContain('A title after the edit');
    expect(page).not.toContain('A title before the edit');
    const feed = await (await anonymous('/')).text();
    expect(feed).toContain('A title after the edit');
    expect(feed).not.toContain('A title before the edit');
  });

  it('drops a deleted story from the next anonymous read', async () => {
    const story = await postStory('A story that its author deletes');
    await cachedEverywhere(story.url);
    expect(await cachedEverywhere('/')).toContain('A story that its author deletes');
    const deleted = await story.author.post(`${story.manage}?do=manage`, { action: 'delete', confirm: 'yes' });
    expect(deleted.status).toBe(303);
    expect((await anonymous(story.url)).status).toBe(404);
    expect(await (await anonymous('/')).text()).not.toContain('A story that its author deletes');
  });

  // Default mode only: the test sets up by writing to the database file (on libSQL, the server's replica).
  it.skipIf(testDriver === 'libsql')('drops a comment a moderator hides from the next anonymous read', async () => {
    const story = await postStory('A story with a comment a moderator hides');
    const commentId = await comment(new Browser(server.origin), story.url, 'An unkind remark about a colleague');
    expect(await cachedEverywhere(story.url)).toContain('An unkind remark about a colleague');
    const mod = new Browser(server.origin);
    const username = `mod${workers}x${Date.now() % 100000}`;
    expect((await mod.post('/register', { username, password: 'a long enough passphrase 42' })).status).toBe(303);
    const db = new Database(server.databasePath);
    db.prepare("UPDATE users SET role = 'moderator' WHERE username = ?").run(username);
    db.close();
    const hide = await mod.post('/mod', { targetType: 'comment', targetId: String(commentId), decision: 'hide', note: 'Unkind' });
    expect(hide.status).toBe(303);
    expect(await (await anonymous(story.url)).text()).not.toContain('An unkind remark about a colleague');
  });

  // Default mode only: the test sets up by writing to the database file (on libSQL, the server's replica).
  it.skipIf(testDriver === 'libsql')('shows a delayed story once its publication time passes, with no write in between', async () => {
    const story = await postStory('A quokkaesque delayed story', { delayPublication: 'on' });
    // Bring its time close (as if hours had passed), then let the cache fill while it is not out yet.
    const soon = Date.now() + 2500;
    const db = new Database(server.databasePath);
    db.prepare('UPDATE stories SET published_at = ? WHERE id = ?').run(soon, story.id);
    db.prepare('UPDATE story_failure_types SET published_at = ? WHERE story_id = ?').run(soon, story.id);
    db.close();
    expect(await cachedEverywhere('/')).not.toContain('quokkaesque');
    expect((await anonymous(story.url)).status).toBe(404);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, soon - Date.now()) + 200));
    expect(await (await anonymous('/')).text()).toContain('quokkaesque');
    expect((await anonymous(story.url)).status).toBe(200);
  });

  it('keeps the benchmark floor route unreachable unless the benchmark turns it on', async () => {
    expect((await anonymous('/bench-floor')).status).toBe(404);
  });

  it('never stores what a cookie-carrying request gets, and labels writes and personal pages private', async () => {
    const response = await anonymous('/login');
    expect(response.headers.get('x-cache')).toBeNull();
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    const withSession = await anonymous('/', { cookie: 'session=not-a-real-token' });
    expect(withSession.headers.get('x-cache')).toBeNull();
    expect(withSession.headers.get('cache-control')).toBe('private, no-store');
  });
});


/** GET on a connection of its own (no keep-alive pool), decoding brotli or gzip as a browser would. */
function readOnNewConnection(url: string, headers: Record<string, string>): Promise<Response> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false, headers }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', reject);
      incoming.on('end', () => {
        let body = Buffer.concat(chunks);
        const encoding = incoming.headers['content-encoding'];
        if (encoding === 'br') body = zlib.brotliDecompressSync(body);
        if (encoding === 'gzip') body = zlib.gunzipSync(body);
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(incoming.headers)) {
          for (const item of Array.isArray(value) ? value : [value ?? '']) responseHeaders.append(name, item);
        }
        const status = incoming.statusCode ?? 0;
        resolve(new Response([204, 304].includes(status) ? null : new Uint8Array(body), { status, headers: responseHeaders }));
      });
    });
    request.on('error', reject);
  });
}
