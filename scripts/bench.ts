// npm run bench: measures, side by side in one run, the costs the issues set targets for.
// Figures are medians; compare ratios, not absolute numbers (the machine is shared and noisy).
//   1. feed page 1 vs a page deep in the feed (keyset pagination: should cost the same)
//   2. tag page 1 vs deep, and "most been there" page 1 vs deep
//   3. a 500-comment thread vs a 5-comment thread (one query either way)
//   4. search on the large database
//   5. the de-identification scan of a 20,000-character story (target: well under 50 ms)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase, type Db } from '../src/server/db';
import { closeDatabase, sqliteWriterOf } from '../src/server/transaction';
import { listFeed } from '../src/server/stories';
import { listThread, addComment } from '../src/server/comments';
import { searchAll } from '../src/server/search';
import { listLessonsForType } from '../src/server/lessons';
import { getOrCreateAuthor, newAuthorKey } from '../src/server/authors';
import { decodeCursor } from '../src/lib/cursor';
import { reportDeidentify } from './bench/deidentify';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

process.env.SECRET ??= 'benchmark-secret-0123456789abcdef';
const STORIES = Number(process.env.BENCH_STORIES ?? 50_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 200);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Runs each case in turn, interleaved, so noise hits them alike. */
async function sideBySide(cases: Record<string, () => unknown>, runs = RUNS): Promise<Record<string, number>> {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
  for (const run of cases ? Object.values(cases) : []) await run(); // warm up
  for (let i = 0; i < runs; i++) {
    for (const [name, run] of Object.entries(cases)) {
      const start = performance.now();
      await run();
      times[name].push(performance.now() - start);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([name, list]) => [name, median(list)]));
}

function fill(db: Db): void {
  const sqlite = sqliteWriterOf(db)!;
  const insertStory = sqlite.prepare(`INSERT INTO stories (slug, title, body_markdown, body_html, experience, outcome, content_notes,
    manage_token_hash, state, created_at, published_at, been_there_count, comment_count)
    VALUES (?, ?, ?, ?, ?, ?, 0, NULL, 'visible', ?, ?, ?, 0)`);
  const insertTag = sqlite.prepare('INSERT INTO story_failure_types (story_id, failure_type_id, published_at) VALUES (?, ?, ?)');
  const insertLesson = sqlite.prepare('INSERT INTO lessons (story_id, position, text, helpful_count) VALUES (?, ?, ?, ?)');
  const words = ['cache', 'replica', 'migration', 'cron', 'yaml', 'dns', 'bucket', 'token', 'deploy', 'queue', 'index', 'lock'];
  const start = Date.UTC(2020, 0, 1);
  sqlite.transaction(() => {
    for (let i = 0; i < STORIES; i++) {
      const word = words[i % words.length];
      const body = `We broke the ${word} on a quiet afternoon, number ${i}. It took an hour to see and a day to forget.`;
      const at = start + i * 60_000;
      const { lastInsertRowid } = insertStory.run(`story-${i}`, `The ${word} incident number ${i}`, body, `<p>${body}</p>`,
        ['lt1', '1-2', '3-5', '6-10', '10plus'][i % 5], ['nothing', 'talk', 'postmortem', 'warning', 'fired'][i % 5], at, at, i % 97);
      const id = Number(lastInsertRowid);
      insertTag.run(id, (i % 15) + 1, at);
      if (i % 3 === 0) insertTag.run(id, ((i + 7) % 15) + 1, at);
      insertLesson.run(id, 0, `Always check the ${word} before you touch it (${i})`, i % 13);
      insertLesson.run(id, 1, `Write the runbook for the ${word}`, i % 7);
    }
  })();
  sqlite.pragma('optimize');
}

/** Follows "older" links `pages` times and returns the cursor found there. */
async function deepCursor(db: Db, pages: number, query: Parameters<typeof listFeed>[1] = {}) {
  let cursor = null;
  for (let i = 0; i < pages; i++) cursor = decodeCursor((await listFeed(db, { ...query, cursor })).nextCursor);
  return cursor;
}

/**
 * Whole pages through the built server (when dist/ exists): rendering included, rate limits off.
 * Requests alternate between the pages so the machine's noise hits them alike.
 */
async function benchPages(databasePath: string, pages: Record<string, string>, runs = 60): Promise<void> {
  if (!existsSync('dist/server/entry.mjs')) {
    console.log('Pages: skipped (run `npm run build` first to measure whole pages).');
    return;
  }
  const port = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
  const child = spawn(process.execPath, ['scripts/serve.mjs'], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DATABASE_PATH: databasePath, RATE_LIMIT: 'off', SEED_DEMO: '0' },
    stdio: 'ignore',
  });
  try {
    const origin = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 100; i++) {
      try {
        if ((await fetch(`${origin}/healthz`)).ok) break;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    const times: Record<string, number[]> = Object.fromEntries(Object.keys(pages).map((name) => [name, []]));
    const sizes: Record<string, number> = {};
    for (let i = 0; i < runs + 3; i++) {
      for (const [name, path] of Object.entries(pages)) {
        const start = performance.now();
        const response = await fetch(origin + path);
        const body = await response.text();
        if (response.status !== 200) throw new Error(`${path} answered ${response.status}`);
        if (i >= 3) times[name].push(performance.now() - start);
        sizes[name] = body.length;
      }
    }
    const first = median(times[Object.keys(pages)[0]]);
    console.log(`Whole pages over HTTP (median of ${runs}, ratio to the first)`);
    for (const [name, list] of Object.entries(times)) {
      const ms = median(list);
      console.log(`  ${name.padEnd(30)} ${ms.toFixed(2).padStart(9)} ms   ×${(ms / first).toFixed(2)}   ${(sizes[name] / 1024).toFixed(0)} KB`);
    }
  } finally {
    child.kill('SIGTERM');
  }
}

const dir = mkdtempSync(join(tmpdir(), 'rop-bench-'));
try {
  const db = await openDatabase(join(dir, 'bench.db'));
  let t = performance.now();
  fill(db);
  console.log(`Filled ${STORIES.toLocaleString('en')} stories in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);

  const deepPages = Math.floor(STORIES / 20) - 2;
  const newestDeep = await deepCursor(db, deepPages);
  const tagDeep = await deepCursor(db, Math.floor(STORIES / 15 / 20) - 2, { failureTypeId: 1 });
  const popularDeep = await deepCursor(db, Math.floor(deepPages / 2), { order: 'been-there' });
  const feed = await sideBySide({
    'feed page 1': () => listFeed(db),
    [`feed page ${deepPages + 1}`]: () => listFeed(db, { cursor: newestDeep }),
    'tag page 1': () => listFeed(db, { failureTypeId: 1 }),
    'tag page (deep)': () => listFeed(db, { failureTypeId: 1, cursor: tagDeep }),
    '"been there" page 1': () => listFeed(db, { order: 'been-there' }),
    '"been there" page (deep)': () => listFeed(db, { order: 'been-there', cursor: popularDeep }),
  });

  let lessonCursor = null;
  for (let i = 0; i < 100; i++) lessonCursor = decodeCursor((await listLessonsForType(db, 1, { cursor: lessonCursor })).nextCursor);
  const lessonPages = await sideBySide({
    'lessons of a type, page 1': () => listLessonsForType(db, 1),
    'lessons of a type, page 101': () => listLessonsForType(db, 1, { cursor: lessonCursor }),
  }, 50);

  // Threads: one story with 500 comments (a fifth of them top level), one with 5.
  const author = (await getOrCreateAuthor(db, newAuthorKey())).id;
  const actor = { authorId: author, userId: null };
  const big = 1;
  const small = 2;
  let top = 0;
  for (let i = 0; i < 500; i++) {
    const parentId = i % 5 === 0 ? null : top;
    const { id } = await addComment(db, { storyId: big, parentId, body: `A kind reply, number ${i}.`, actor });
    if (parentId === null) top = id;
  }
  for (let i = 0; i < 5; i++) await addComment(db, { storyId: small, parentId: null, body: `Reply ${i}`, actor });
  const threads = await sideBySide({
    'thread of 5 comments': () => listThread(db, small),
    'thread of 500 comments': () => listThread(db, big),
  });

  const search = await sideBySide({
    'search "replica runbook"': () => searchAll(db, 'replica runbook'),
    'search "migr" (prefix)': () => searchAll(db, 'migr'),
  }, 50);

  const report = (title: string, figures: Record<string, number>, baseline: string) => {
    console.log(title);
    for (const [name, ms] of Object.entries(figures)) {
      console.log(`  ${name.padEnd(30)} ${ms.toFixed(3).padStart(9)} ms   ×${(ms / figures[baseline]).toFixed(2)}`);
    }
    console.log('');
  };
  report(`Feed pages (median of ${RUNS}, ratio to page 1)`, feed, 'feed page 1');
  report('Lessons by failure type (median of 50; sorted by votes, not by an index)', lessonPages, 'lessons of a type, page 1');
  report(`Threads (median of ${RUNS})`, threads, 'thread of 5 comments');
  report('Search (median of 50)', search, 'search "replica runbook"');

  reportDeidentify();
  console.log('');

  const deepFeedPath = `/?before=${newestDeep!.key}_${newestDeep!.id}`;
  closeDatabase(db);
  await benchPages(join(dir, 'bench.db'), {
    'GET / (feed page 1)': '/',
    [`GET feed page ${deepPages + 1}`]: deepFeedPath,
    'GET story with 5 comments': `/stories/${small}`,
    'GET story with 500 comments': `/stories/${big}`,
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
