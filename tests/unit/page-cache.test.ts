/** The page cache module by itself: what it refuses to store, how it bounds memory, which keys a write purges. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import http from 'node:http';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { createSqliteTestDb, type TestDb } from '../helpers/db';
import { makeStory } from '../helpers/factories';
import { createPageCache, cookieVariant, chooseEncoding, pageKeys } from '../../scripts/page-cache.mjs';

const require = createRequire(import.meta.url);

type Render = (req: http.IncomingMessage, res: http.ServerResponse) => void;

let testDb: TestDb;
let server: http.Server;
let origin: string;
let renders: number;
let render: Render;
let cache: { handle: (req: unknown, res: unknown, next: () => void) => void; close: () => void; stats: () => { entries: number; bytes: number; hits: number; stale: number; misses: number; versionQueries: number } };

async function start(options: Record<string, unknown> = {}) {
  cache = createPageCache({ databasePath: testDb.path, clientDir: '/nonexistent', ...options });
  server = http.createServer((req, res) =>
    cache.handle(req, res, () => {
      renders++;
      render(req, res);
    }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeEach(async () => {
  // The page cache reads the site version from the SQLite file itself: always the default mode here.
  testDb = await createSqliteTestDb({});
  renders = 0;
  render = (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<p>page ${renders}</p>`);
  };
});
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  cache?.close();
  testDb.cleanup();
});

describe('the page cache', () => {
  it('stores a page and serves it without rendering again until a write bumps the site version', async () => {
    await start();
    expect(await (await fetch(`${origin}/`)).text()).toBe('<p>page 1</p>');
    const hit = await fetch(`${origin}/`);
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(await hit.text()).toBe('<p>page 1</p>');
    await makeStory(testDb.db, { title: 'A write from another connection' });
    const miss = await fetch(`${origin}/`);
    expect(miss.headers.get('x-cache')).toBe('MISS');
    expect(await miss.text()).toBe('<p>page 2</p>');
    expect(renders).toBe(2);
  });

  it('answers hits without a database query while nothing is written, and still sees the next write at once', async () => {
    await start();
    await (await fetch(`${origin}/`)).text();
    const queriesBefore = cache.stats().versionQueries;
    for (let i = 0; i < 20; i++) expect((await fetch(`${origin}/`)).headers.get('x-cache')).toBe('HIT');
    expect(cache.stats().versionQueries).toBe(queriesBefore);
    for (let write = 0; write < 3; write++) {
      await makeStory(testDb.db, { title: `Write number ${write}` });
      const next = await fetch(`${origin}/`);
      expect(next.headers.get('x-cache')).toBe('MISS');
      await next.text();
    }
    expect(renders).toBe(4);
  });

  it('sees at once a write made by another process, and one made after a checkpoint emptied the write-ahead log', async () => {
    const story = await makeStory(testDb.db, { title: 'Written elsewhere later' });
    await start();
    await (await fetch(`${origin}/`)).text();
    expect((await fetch(`${origin}/`)).headers.get('x-cache')).toBe('HIT');

    // Another process (a second worker, npm run user:role): its commit reaches this one only through the file.
    const program = `const db = new (require(process.argv[1]))(process.argv[2]); db.prepare('UPDATE stories SET title = ? WHERE id = ?').run('Renamed by another process', Number(process.argv[3])); db.close();`;
    const child = spawnSync(process.execPath, ['-e', program, require.resolve('better-sqlite3'), testDb.path, String(story.id)], { encoding: 'utf8' });
    expect(child.status, child.stderr).toBe(0);
    expect((await fetch(`${origin}/`)).headers.get('x-cache')).toBe('MISS');

    // A checkpoint that truncates the log, then a write that starts the log over from its first frame.
    expect((await fetch(`${origin}/`)).headers.get('x-cache')).toBe('HIT');
    expect(testDb.sqlite.pragma('wal_checkpoint(TRUNCATE)', { simple: true })).toBe(0);
    expect((await fetch(`${origin}/`)).headers.get('x-cache')).toBe('HIT');
    await makeStory(testDb.db, { title: 'Written after the checkpoint' });
    expect((await fetch(`${origin}/`)).headers.get('x-cache')).toBe('MISS');
    expect(renders).toBe(3);
  });

  it('watches the -shm file beside the real database when its path is a symbolic link', async () => {
    const linkDir = mkdtempSync(join(tmpdir(), 'rop-cache-link-'));
    try {
      const link = join(linkDir, 'site.db');
      symlinkSync(testDb.path, link);
      // A leftover -shm beside the link (say, from before the file moved) that no commit ever changes.
      copyFileSync(`${testDb.path}-shm`, `${link}-shm`);
      await start({ databasePath: link });
      await (await fetch(`${origin}/`)).text();
      expect((await fetch(`${origin}/`)).headers.get('x-cache')).toBe('HIT');
      await makeStory(testDb.db, { title: 'A write through the real path' });
      expect((await fetch(`${origin}/`)).headers.get('x-cache')).toBe('MISS');
    } finally {
      rmSync(linkDir, { recursive: true, force: true });
    }
  });

  it('never stores a response that sets a cookie, and never replays a cookie', async () => {
    render = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': ['rop_author=secret; HttpOnly'] });
      res.end('hello');
    };
    await start();
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${origin}/`);
      expect(response.headers.get('x-cache')).toBeNull();
      expect(response.headers.get('cache-control')).toBe('private, no-store');
    }
    expect(renders).toBe(3);
  });

  it('never stores redirects, errors, pages that forbid storing, or personal paths', async () => {
    render = (req, res) => {
      if (req.url === '/redirect') res.writeHead(303, { location: '/' });
      else if (req.url === '/broken') res.writeHead(500, { 'content-type': 'text/html' });
      else res.writeHead(200, { 'content-type': 'text/html', ...(req.url === '/nostore' ? { 'cache-control': 'no-store' } : {}) });
      res.end('x');
    };
    await start();
    for (const path of ['/redirect', '/broken', '/nostore', '/me', '/mod', '/manage/abc', '/login', '/register', '/new']) {
      await fetch(`${origin}${path}`, { redirect: 'manual' });
      await fetch(`${origin}${path}`, { redirect: 'manual' });
    }
    expect(renders).toBe(18);
    expect(cache.stats().entries).toBe(0);
  });

  it('keeps memory within its bound by dropping the least recently used pages', async () => {
    render = (req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('x'.repeat(10_000) + req.url);
    };
    await start({ maxBytes: 100_000 });
    for (let i = 0; i < 50; i++) await (await fetch(`${origin}/page-${i}`)).text();
    const { entries, bytes } = cache.stats();
    expect(bytes).toBeLessThanOrEqual(100_000);
    expect(entries).toBeGreaterThan(3);
    expect((await fetch(`${origin}/page-49`)).headers.get('x-cache')).toBe('HIT');
    expect((await fetch(`${origin}/page-0`)).headers.get('x-cache')).toBe('MISS');
  });

  it('names the story, the feed and the story’s tags for outer caches to purge after a write on a story', async () => {
    const story = await makeStory(testDb.db, { title: 'A story that receives a comment', tags: ['cache'] });
    render = async (req, res) => {
      if (req.method === 'POST') await makeStory(testDb.db, { title: 'Any write bumps the version' });
      res.writeHead(303, { location: '/' });
      res.end();
    };
    await start();
    const response = await fetch(`${origin}/stories/${story.id}-a-story`, { method: 'POST', redirect: 'manual' });
    expect(response.headers.get('xkey-purge')!.split(' ').sort()).toEqual([`story-${story.id}`, 'feed', 'tag-cache'].sort());
    const elsewhere = await fetch(`${origin}/mod`, { method: 'POST', redirect: 'manual' });
    expect(elsewhere.headers.get('xkey-purge')).toBe('site');
  });

  it('sends PURGE with the keys to each CACHE_PURGE_URLS address after a write, and nothing after a read', async () => {
    const received: { method?: string; keys?: string }[] = [];
    let heard: () => void = () => {};
    const purger = http.createServer((req, res) => {
      received.push({ method: req.method, keys: req.headers['xkey-purge'] as string });
      res.end('ok');
      heard();
    });
    await new Promise<void>((resolve) => purger.listen(0, '127.0.0.1', resolve));
    const purgeUrl = `http://127.0.0.1:${(purger.address() as AddressInfo).port}/`;
    render = async (req, res) => {
      if (req.method === 'POST') await makeStory(testDb.db, { title: 'A write' });
      res.writeHead(req.method === 'POST' ? 303 : 200, { 'content-type': 'text/html', location: '/' });
      res.end();
    };
    await start({ purgeUrls: [purgeUrl] });
    await fetch(`${origin}/`);
    const arrived = new Promise<void>((resolve) => (heard = resolve));
    await fetch(`${origin}/new`, { method: 'POST', redirect: 'manual' });
    await arrived;
    await new Promise((resolve) => purger.close(resolve));
    expect(received).toEqual([{ method: 'PURGE', keys: 'site' }]);
  });
});

describe('page cache helpers', () => {
  it('treats no cookie and the preference cookie alone as cacheable, anything else as personal', () => {
    expect(cookieVariant(undefined)).toBe('');
    expect(cookieVariant('')).toBe('');
    expect(cookieVariant('rop_hide_notes=4')).toBe('notes=4');
    expect(cookieVariant('rop_hide_notes=4; session=abc')).toBeNull();
    expect(cookieVariant('rop_author=abc')).toBeNull();
    expect(cookieVariant('session=abc')).toBeNull();
    expect(cookieVariant('rop_hide_notes=<script>')).toBeNull();
  });

  it('picks brotli, then gzip, honouring q=0', () => {
    expect(chooseEncoding('gzip, deflate, br')).toBe('br');
    expect(chooseEncoding('gzip')).toBe('gzip');
    expect(chooseEncoding('br;q=0, gzip')).toBe('gzip');
    expect(chooseEncoding('')).toBe('identity');
    expect(chooseEncoding(undefined)).toBe('identity');
  });

  it('labels pages with surrogate keys for what they show', () => {
    expect(pageKeys('/')).toEqual(['site', 'feed']);
    expect(pageKeys('/stories/12-a-slug', ['database'])).toEqual(['site', 'story-12', 'tag-database']);
    expect(pageKeys('/tags/database')).toEqual(['site', 'tag-database']);
    expect(pageKeys('/lessons/database')).toEqual(['site', 'tag-database']);
  });
});

describe('readers arriving while a page renders', () => {
  it('wait for that one render instead of each rendering the page again', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    render = (_req, res) => {
      void gate.then(() => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(`<p>render ${renders}</p>`);
      });
    };
    await start();
    const readers = Array.from({ length: 10 }, () => fetch(`${origin}/busy`).then((r) => r.text()));
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    const pages = await Promise.all(readers);
    expect(new Set(pages)).toEqual(new Set(['<p>render 1</p>']));
    expect(renders).toBe(1);
  });

  it('are answered even when a write started a newer render of the same page while they waited', async () => {
    const releases: (() => void)[] = [];
    render = (_req, res) => {
      const page = `<p>render ${renders}</p>`;
      releases.push(() => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(page);
      });
    };
    await start();
    const waitForRenders = async (count: number) => {
      for (let i = 0; i < 200 && releases.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    const read = () => fetch(`${origin}/busy`, { signal: AbortSignal.timeout(3000) }).then((r) => r.text());
    const first = read();
    await waitForRenders(1);
    const waiting = read();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await makeStory(testDb.db, { title: 'A write while readers wait' });
    const afterWrite = read();
    await waitForRenders(2);
    releases.splice(0).forEach((release) => release());
    expect(await first).toBe('<p>render 1</p>');
    expect(await waiting).toBe('<p>render 1</p>');
    expect(await afterWrite).toBe('<p>render 2</p>');
    expect(renders).toBe(2);
  });

  it('render for themselves when the page they waited for cannot be stored', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    render = (_req, res) => {
      void gate.then(() => {
        res.writeHead(200, { 'content-type': 'text/html', 'set-cookie': 'x=1' });
        res.end('personal');
      });
    };
    await start();
    const readers = Array.from({ length: 5 }, () => fetch(`${origin}/cookie`).then((r) => r.text()));
    await new Promise((resolve) => setTimeout(resolve, 300));
    release();
    expect(await Promise.all(readers)).toEqual(Array(5).fill('personal'));
    expect(renders).toBe(5);
  });
});

describe('a stored page whose lifetime ran out', () => {
  /** A renderer each call of which waits for its own release. */
  function gatedRender() {
    const releases: (() => void)[] = [];
    render = (_req, res) => {
      const page = `<p>page ${renders}</p>`;
      releases.push(() => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(page);
      });
    };
    return { releaseAll: () => releases.splice(0).forEach((release) => release()), pending: () => releases.length };
  }
  const waitUntil = async (done: () => boolean) => {
    for (let i = 0; i < 200 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  };

  it('is served to other readers while one of them renders it again, when nothing was written', async () => {
    const gate = gatedRender();
    await start({ lifetimeMs: 50 });
    const first = fetch(`${origin}/`).then((r) => r.text());
    await waitUntil(() => gate.pending() === 1);
    gate.releaseAll();
    expect(await first).toBe('<p>page 1</p>');
    await new Promise((resolve) => setTimeout(resolve, 80));
    const refreshing = fetch(`${origin}/`).then(async (r) => [r.headers.get('x-cache'), await r.text()]);
    await waitUntil(() => gate.pending() === 1);
    // The refresh is under way: everyone else gets the stored page at once, and nothing more renders.
    const others: (string | null)[][] = [];
    for (let i = 0; i < 3; i++) {
      const other = await fetch(`${origin}/`);
      others.push([other.headers.get('x-cache'), await other.text()]);
    }
    gate.releaseAll();
    expect(others).toEqual(Array(3).fill(['HIT', '<p>page 1</p>']));
    expect(renders).toBe(2);
    expect(await refreshing).toEqual(['MISS', '<p>page 2</p>']);
    expect(cache.stats()).toMatchObject({ misses: 2, stale: 3 });
  });

  it('is never served after a write, not even while the page renders again', async () => {
    const gate = gatedRender();
    await start({ lifetimeMs: 50 });
    const first = fetch(`${origin}/`).then((r) => r.text());
    await waitUntil(() => gate.pending() === 1);
    gate.releaseAll();
    await first;
    await new Promise((resolve) => setTimeout(resolve, 80));
    const refreshing = fetch(`${origin}/`).then((r) => r.text());
    await waitUntil(() => gate.pending() === 1);
    await makeStory(testDb.db, { title: 'A write while the page renders' });
    const afterWrite = fetch(`${origin}/`).then((r) => r.text());
    await waitUntil(() => gate.pending() === 2);
    gate.releaseAll();
    expect(await refreshing).toBe('<p>page 2</p>');
    expect(await afterWrite).toBe('<p>page 3</p>');
    expect(cache.stats().stale).toBe(0);
  });

  it('is never served once a delayed story’s publication time has come', async () => {
    const story = await makeStory(testDb.db, { title: 'Out soon' });
    const soon = Date.now() + 300;
    testDb.sqlite.prepare('UPDATE stories SET published_at = ? WHERE id = ?').run(soon, story.id);
    const gate = gatedRender();
    await start({ lifetimeMs: 60_000 });
    const first = fetch(`${origin}/`).then((r) => r.text());
    await waitUntil(() => gate.pending() === 1);
    gate.releaseAll();
    await first;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, soon - Date.now()) + 50));
    const readers = [fetch(`${origin}/`).then((r) => r.text())];
    await waitUntil(() => gate.pending() === 1);
    readers.push(fetch(`${origin}/`).then((r) => r.text()));
    await new Promise((resolve) => setTimeout(resolve, 50));
    gate.releaseAll();
    expect(await Promise.all(readers)).toEqual(['<p>page 2</p>', '<p>page 2</p>']);
    expect(cache.stats().stale).toBe(0);
  });
});

describe('after a write', () => {
  it('drops every stored page at the next request, so deleted text does not stay in memory', async () => {
    await start();
    for (const path of ['/a', '/b', '/c']) await (await fetch(`${origin}${path}`)).text();
    expect(cache.stats().entries).toBe(3);
    await makeStory(testDb.db, { title: 'A write' });
    await (await fetch(`${origin}/a`)).text();
    expect(cache.stats().entries).toBe(1);
  });
});

describe('the site version', () => {
  // A later migration that rebuilds one of these tables drops its triggers with it: this says so.
  it.each(['stories', 'lessons', 'comments', 'story_follow_ups', 'story_reactions', 'lesson_votes', 'story_failure_types', 'failure_types', 'moderation_actions'])(
    'is bumped by inserts, updates and deletes on %s',
    (table) => {
      const sql = testDb.sqlite
        .prepare("SELECT group_concat(sql, ' ') AS s FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?")
        .pluck()
        .get(table) as string;
      for (const event of ['INSERT', 'UPDATE', 'DELETE']) {
        expect(sql).toMatch(new RegExp(`AFTER ${event} ON \`${table}\` BEGIN\\s+UPDATE \`site_version\``));
      }
    },
  );
});
