// npm run bench [-- --scale 0.1] [-- --seconds 3] [-- --rounds 3] [-- --no-build] [-- --db PATH (kept, reused when it exists)]
//
// Measures the site over HTTP at scale (issue 10): fills a temporary database with 100,000 stories,
// 300,000 lessons and 1,000,000 comments (times --scale), builds, starts the real server pinned to
// one core (taskset) and loads it with wrk from the other core over loopback, a few seconds per
// target. Two references answer the same bytes as `/` in the same run: a raw Node `http` server (the
// ceiling) and a minimal Astro route returning a prebuilt string (the framework floor). Prints the
// figures and writes bench/RESULTS.md. Compare ratios, not absolute numbers: the machine is shared.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { openDatabase } from '../src/server/db';
import { closeDatabase } from '../src/server/transaction';
import { benchDeidentify, deidentifyAccuracy } from './bench/deidentify';

process.env.SECRET ??= 'benchmark-secret-0123456789abcdef';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 && args[at + 1] ? args[at + 1] : fallback;
};
const SCALE = Number(option('scale', process.env.BENCH_SCALE ?? '1'));
const SECONDS = Math.min(30, Math.max(1, Number(option('seconds', '3'))));
const ROUNDS = Math.min(9, Math.max(1, Number(option('rounds', '3'))));
const CONNECTIONS = 50;
const BUILD = !args.includes('--no-build');
const STORIES = Math.max(1000, Math.round(100_000 * SCALE));
const LESSONS_PER_STORY = 3;
const COMMENTS_PER_STORY = 10;
const BIG_THREAD = 500;
const cores = availableParallelism();
const pin = (cpus: string) => (existsSync('/usr/bin/taskset') && cores >= 2 ? ['taskset', '-c', cpus] : []);

// ---------------------------------------------------------------- generation

/** A small deterministic generator, so every run builds the same site. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = random(42);
const pick = <T>(list: readonly T[]) => list[Math.floor(rand() * list.length)];
const between = (low: number, high: number) => low + Math.floor(rand() * (high - low + 1));

// No subject says "migration": only stories of the Migration type mention it (see storyBody), so
// a search for it matches about as often as it would on the real site.
const SUBJECTS = ['the schema change', 'a cron job', 'the replica', 'our cache', 'the load balancer', 'a feature flag', 'the deploy script', 'the queue', 'a DNS record', 'the certificate', 'an index', 'the backup job', 'the config map', 'a terraform plan', 'the rate limiter'];
const VERBS = ['deleted', 'locked', 'emptied', 'restarted', 'overwrote', 'flooded', 'disabled', 'truncated', 'rewrote', 'dropped'];
const OBJECTS = ['every customer table', 'the production bucket', 'all the sessions', 'the payments queue', 'the primary database', 'the search index', 'half the fleet', 'the staging and production keys', 'the nightly reports', 'the orders table'];
const TAILS = ['on a quiet Friday afternoon.', 'ten minutes before a demo.', 'while everyone was at lunch.', 'during my second week.', 'because the runbook was out of date.', 'and nobody noticed for an hour.', 'with one keystroke.', 'because I trusted the wrong terminal tab.'];
const LESSON_STARTS = ['Always', 'Never', 'Check', 'Write down', 'Automate', 'Ask before you', 'Practise', 'Label'];
const LESSON_ENDS = ['the environment before typing anything destructive', 'the rollback before the rollout', 'backups by restoring them', 'the runbook while it is fresh', 'alerts that fire on the symptom', 'production so it looks different', 'a dry run of every cleanup job', 'the migration on a copy of real data'];
// About one comment in twenty mentions a migration, as in the demo stories' threads.
const REPLIES = [
  'Been there, with a replica instead of a primary.', 'This is exactly why we added a red prompt for production.',
  'Thank you for writing this down, it helps.', 'Our schema change did the same thing last year.',
  'The calm CTO part is the real lesson here.', 'I did this with a cron job in my first month.',
  'We lost a whole afternoon of orders the same way.', 'Reading this at 2am after my own outage. Thank you.',
  'The postmortem you describe is how it should be done.', 'Our fix was a second pair of eyes on every destructive command.',
  'Same story, different cloud.', 'It was DNS for us too.', 'My lead said almost the same words to me.',
  'We now practise restores every quarter because of a night like this.', 'The part about freezing for ten minutes hit home.',
  'Nobody is born knowing which terminal is production.', 'We added a confirmation prompt after ours.',
  'I still think about mine every time I type DROP.', 'Good on you for saying it in the channel right away.',
  'Our migration tool now refuses to run without a dry run.',
];

const capitalized = (text: string) => text[0].toUpperCase() + text.slice(1);
function sentence(): string {
  return `${capitalized(pick(SUBJECTS))} ${pick(VERBS)} ${pick(OBJECTS)} ${pick(TAILS)}`;
}
function paragraph(sentences: number): string {
  return Array.from({ length: sentences }, sentence).join(' ');
}
/** A story body of realistic length: three to eight paragraphs (~1–4 KB). */
function storyBody(aboutMigration: boolean): { markdown: string; html: string } {
  const paragraphs = Array.from({ length: between(3, 8) }, () => paragraph(between(2, 5)));
  if (aboutMigration) paragraphs.splice(1, 0, 'The migration had run fine on staging, so I ran it on production without a second look.');
  return { markdown: `## What happened\n\n${paragraphs.join('\n\n')}`, html: `<h2>What happened</h2>\n${paragraphs.map((p) => `<p>${p}</p>`).join('\n')}` };
}

/** Failure types with a realistic skew: databases and deploys far more often than the rest. */
function failureTypeWeights(slugs: string[]): number[] {
  const heavy: Record<string, number> = { database: 8, deploy: 7, yaml: 6, migration: 5, cache: 4, permissions: 3, dns: 3 };
  return slugs.map((slug) => heavy[slug] ?? 1);
}
function weightedPicker(weights: number[]) {
  const total = weights.reduce((a, b) => a + b, 0);
  return () => {
    let at = rand() * total;
    for (let i = 0; i < weights.length; i++) {
      at -= weights[i];
      if (at < 0) return i;
    }
    return weights.length - 1;
  };
}

function progress(label: string, done: number, total: number): void {
  if (!process.stderr.isTTY && done !== total && done % Math.max(1, Math.floor(total / 10)) !== 0) return;
  const width = 30;
  const filled = Math.round((done / total) * width);
  const line = `  ${label.padEnd(9)} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.round((done / total) * 100)}% ${done.toLocaleString('en')}/${total.toLocaleString('en')}`;
  process.stderr.write(process.stderr.isTTY ? `\r${line}${done === total ? '\n' : ''}` : `${line}\n`);
}

/** The last story before feed page 1,000 (20 per page), or before the last full page of a small site. */
function deepOffset(stories: number): number {
  return Math.min(999 * 20 - 1, Math.max(0, stories - 41));
}
const deepPage = (stories: number) => Math.floor(deepOffset(stories) / 20) + 2;

interface Filled {
  stories: number;
  lessons: number;
  comments: number;
  bigThreadId: number;
  commentTargetId: number;
  /** A recent story with a typical thread (the average number of comments), for "a story". */
  typicalStoryId: number;
  deepCursor: string;
}

/** Bulk insert through prepared statements, in large transactions (one per chunk of stories). */
async function fill(path: string): Promise<Filled> {
  closeDatabase(await openDatabase(path)); // migrations and failure types
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const types = db.prepare('SELECT id, slug FROM failure_types ORDER BY id').all() as { id: number; slug: string }[];
  const nextType = weightedPicker(failureTypeWeights(types.map((t) => t.slug)));
  const insertStory = db.prepare(`INSERT INTO stories (slug, title, body_markdown, body_html, experience, impact, detection, outcome,
    content_notes, author_id, manage_token_hash, state, created_at, published_at, been_there_count, comment_count)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, 'visible', ?, ?, ?, ?)`);
  const insertTag = db.prepare('INSERT OR IGNORE INTO story_failure_types (story_id, failure_type_id, published_at) VALUES (?, ?, ?)');
  const insertLesson = db.prepare('INSERT INTO lessons (story_id, position, text, helpful_count) VALUES (?, ?, ?, ?)');
  const insertComment = db.prepare(`INSERT INTO comments (story_id, parent_id, author_id, pseudonym, is_op, body_markdown, body_html, state, created_at)
    VALUES (?, ?, NULL, ?, 0, ?, ?, 'visible', ?)`);
  const experiences = ['lt1', '1-2', '3-5', '6-10', '10plus'];
  const outcomes = ['nothing', 'talk', 'postmortem', 'warning', 'fired', null];
  const now = Date.now();
  const start = now - 5 * 365 * 24 * 3600_000;
  const step = (now - 3600_000 - start) / STORIES;
  const bigThreadIndex = Math.floor(STORIES * 0.999); // on the first page of its tag, like a story in the news
  let lessons = 0;
  let comments = 0;
  let bigThreadId = 0;
  const p = 1 / (COMMENTS_PER_STORY + 1);
  const CHUNK = 2000;
  for (let from = 0; from < STORIES; from += CHUNK) {
    db.transaction(() => {
      for (let i = from; i < Math.min(STORIES, from + CHUNK); i++) {
        const at = Math.round(start + i * step);
        const title = `${capitalized(pick(SUBJECTS))} ${pick(VERBS)} ${pick(OBJECTS)} (${i})`;
        const firstType = types[nextType()];
        const body = storyBody(firstType.slug === 'migration');
        const commentCount = i === bigThreadIndex ? BIG_THREAD : Math.min(300, Math.floor(Math.log(1 - rand()) / Math.log(1 - p)));
        const { lastInsertRowid } = insertStory.run(
          `story-${i}`, title, body.markdown, body.html, pick(experiences), null, null, pick(outcomes),
          rand() < 0.1 ? 1 << between(0, 3) : 0, at, at, Math.floor(Math.pow(rand(), 3) * 200), commentCount,
        );
        const id = Number(lastInsertRowid);
        if (i === bigThreadIndex) bigThreadId = id;
        insertTag.run(id, firstType.id, at);
        if (rand() < 0.4) insertTag.run(id, types[nextType()].id, at);
        for (let position = 0; position < LESSONS_PER_STORY; position++) {
          insertLesson.run(id, position, `${pick(LESSON_STARTS)} ${pick(LESSON_ENDS)}.`, Math.floor(Math.pow(rand(), 4) * 50));
          lessons++;
        }
        let top = 0;
        for (let c = 0; c < commentCount; c++) {
          const text = Array.from({ length: between(1, 4) }, () => pick(REPLIES)).join(' ');
          const parent = c > 0 && rand() < 0.3 ? top : null;
          const result = insertComment.run(id, parent, `Quiet Otter ${between(1, 99)}`, text, `<p>${text}</p>`, at + (c + 1) * 60_000);
          if (parent === null) top = Number(result.lastInsertRowid);
          comments++;
        }
      }
    })();
    progress('stories', Math.min(STORIES, from + CHUNK), STORIES);
  }
  db.pragma('optimize');
  // The cursor of feed page 1,000 (20 per page), as the "Older stories" link would carry it.
  const deep = db
    .prepare(`SELECT published_at AS key, id FROM stories WHERE state = 'visible' ORDER BY published_at DESC, id DESC LIMIT 1 OFFSET ?`)
    .get(deepOffset(STORIES)) as { key: number; id: number };
  const commentTargetId = Number((db.prepare('SELECT id FROM stories WHERE id <> ? ORDER BY id DESC LIMIT 1').get(bigThreadId) as { id: number }).id);
  const typicalStoryId = typicalStory(db, bigThreadId, commentTargetId);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { stories: STORIES, lessons, comments, bigThreadId, commentTargetId, typicalStoryId, deepCursor: `${deep.key}_${deep.id}` };
}

/** The newest story whose thread is closest to the average length (not one the benchmark writes to). */
function typicalStory(db: Database.Database, bigThreadId: number, commentTargetId: number): number {
  const row = db
    .prepare(`SELECT id FROM stories WHERE id NOT IN (?, ?) AND comment_count BETWEEN ? AND ? ORDER BY abs(comment_count - ?), id DESC LIMIT 1`)
    .get(bigThreadId, commentTargetId, COMMENTS_PER_STORY - 2, COMMENTS_PER_STORY + 2, COMMENTS_PER_STORY) as { id: number } | undefined;
  return row?.id ?? commentTargetId;
}

function commentCount(path: string, storyId: number): number {
  const db = new Database(path, { readonly: true });
  const { n } = db.prepare('SELECT comment_count AS n FROM stories WHERE id = ?').get(storyId) as { n: number };
  db.close();
  return n;
}

/** The figures of a database filled by an earlier run (--db). */
function describe(path: string): Filled {
  const db = new Database(path, { readonly: true });
  const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  // The story with the big thread (an earlier run's writes may have added a few comments to it).
  const big = db.prepare('SELECT id FROM stories WHERE comment_count >= ? ORDER BY comment_count DESC, id LIMIT 1').get(BIG_THREAD) as { id: number };
  const deep = db
    .prepare(`SELECT published_at AS key, id FROM stories WHERE state = 'visible' ORDER BY published_at DESC, id DESC LIMIT 1 OFFSET ?`)
    .get(deepOffset(count('stories'))) as { key: number; id: number };
  const target = db.prepare('SELECT id FROM stories WHERE id <> ? ORDER BY id DESC LIMIT 1').get(big.id) as { id: number };
  const figures = {
    stories: count('stories'), lessons: count('lessons'), comments: count('comments'), bigThreadId: big.id, commentTargetId: target.id,
    typicalStoryId: typicalStory(db, big.id, target.id), deepCursor: `${deep.key}_${deep.id}`,
  };
  db.close();
  return figures;
}

// ---------------------------------------------------------------- servers and load

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

interface Running {
  origin: string;
  child: ChildProcess;
  stop: () => Promise<void>;
}

async function startProcess(command: string[], env: Record<string, string>, ready: string): Promise<Running> {
  const port = await freePort();
  const child = spawn(command[0], command.slice(1), {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), RATE_LIMIT: 'off', SEED_DEMO: '0', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(origin + ready)).ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${command.join(' ')} did not start`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    origin,
    child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

const CEILING_SERVER = `
const http = require('node:http');
const body = require('node:fs').readFileSync(process.env.BODY_FILE);
http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': body.length });
  res.end(body);
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

interface Figures {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  bytes: number;
  errors: number;
  note?: string;
}

function parseMs(value: string): number {
  const match = /([\d.]+)(us|ms|s|m)\b/.exec(value);
  if (!match) return NaN;
  const n = Number(match[1]);
  return match[2] === 'us' ? n / 1000 : match[2] === 's' ? n * 1000 : match[2] === 'm' ? n * 60_000 : n;
}

/** wrk against one URL from the core the server does not use; bounded by its duration. */
/**
 * Waits until the server answers /healthz quickly again: wrk stops sending when a target ends, but
 * the server may still be rendering what it had already received (a slow page under 50
 * connections), and the next target must not be measured against that backlog.
 */
function settle(origin: string): void {
  const script = `const t0 = Date.now(); (async () => { for (;;) { const s = performance.now();
    try { await fetch(process.argv[1] + '/healthz'); } catch {}
    if (performance.now() - s < 50 || Date.now() - t0 > 60000) break;
    await new Promise((r) => setTimeout(r, 100)); } })();`;
  spawnSync(process.execPath, ['-e', script, origin], { timeout: 65_000 });
}

function wrk(name: string, url: string, options: { headers?: Record<string, string>; script?: string; connections?: number; cpus?: string } = {}): Figures {
  const connections = options.connections ?? CONNECTIONS;
  const argv = [...pin(options.cpus ?? '1'), 'wrk', '-t1', `-c${connections}`, `-d${SECONDS}s`, '--timeout', '5s', '--latency'];
  for (const [key, value] of Object.entries(options.headers ?? {})) argv.push('-H', `${key}: ${value}`);
  if (options.script) argv.push('-s', options.script);
  argv.push(url);
  const result = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: (SECONDS + 30) * 1000 });
  const out = result.stdout ?? '';
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const p50 = parseMs(/\s50%\s+(\S+)/.exec(out)?.[1] ?? '');
  const p99 = parseMs(/\s99%\s+(\S+)/.exec(out)?.[1] ?? '');
  const total = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  const read = /requests in [^,]+, ([\d.]+)([KMG]?B) read/.exec(out);
  const unit = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3 }[read?.[2] ?? 'B'] ?? 1;
  const bytes = read && total ? Math.round((Number(read[1]) * unit) / total) : 0;
  const errors = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0) + Number(/timeout (\d+)/.exec(out)?.[1] ?? 0);
  const figures = { name, rps, p50, p99, bytes, errors };
  if (!(rps > 0)) console.log(`  ${name}: no answer within ${SECONDS} s ${result.stderr ?? ''}${result.error ?? ''}`);
  console.log(`  ${name.padEnd(44)} ${rps.toFixed(0).padStart(7)} req/s  p50 ${p50.toFixed(2).padStart(7)} ms  p99 ${p99.toFixed(2).padStart(8)} ms  ${(bytes / 1024).toFixed(1).padStart(5)} KB${errors ? `  (${errors} errors)` : ''}`);
  return figures;
}

async function body(url: string, headers: Record<string, string> = {}): Promise<Buffer> {
  const response = await fetch(url, { headers });
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}

async function registerSession(origin: string): Promise<string> {
  const response = await fetch(`${origin}/register`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
    body: new URLSearchParams({ username: `bench${Date.now() % 100000}`, password: 'a benchmark passphrase 123' }),
  });
  const cookie = response.headers.getSetCookie().find((line) => line.startsWith('session='));
  if (!cookie) throw new Error(`Could not register a benchmark account (${response.status})`);
  return cookie.split(';')[0];
}

async function authorCookie(origin: string, storyPath: string): Promise<string> {
  const response = await fetch(`${origin}${storyPath}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin },
    body: new URLSearchParams({ intent: 'comment', body: 'A first comment to get an author key.', parent: '' }),
  });
  const cookie = response.headers.getSetCookie().find((line) => line.startsWith('rop_author='));
  if (!cookie) throw new Error(`Could not post a comment (${response.status})`);
  return cookie.split(';')[0];
}

/** Reads each URL a few times, so pages are cached and the code is compiled before it is measured. */
async function warm(targets: [string, Record<string, string>][], times = 3): Promise<void> {
  for (const [url, headers] of targets) for (let i = 0; i < times; i++) await (await fetch(url, { headers })).arrayBuffer();
}

// ---------------------------------------------------------------- the run

const wrkAvailable = spawnSync('wrk', ['--version'], { encoding: 'utf8' }).error === undefined;
if (!wrkAvailable) {
  console.error('wrk is needed for the HTTP benchmark: apt-get install wrk');
  process.exit(1);
}
const dir = mkdtempSync(join(tmpdir(), 'rop-bench-'));
const running: Running[] = [];
try {
  console.log(`Generating ${STORIES.toLocaleString('en')} stories (scale ${SCALE})…`);
  const kept = option('db', '');
  const databasePath = kept || join(dir, 'bench.db');
  const t = performance.now();
  const filled = kept && existsSync(kept) ? describe(kept) : await fill(databasePath);
  console.log(`Filled ${filled.stories.toLocaleString('en')} stories, ${filled.lessons.toLocaleString('en')} lessons, ${filled.comments.toLocaleString('en')} comments in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  if (BUILD) {
    console.log('Building…');
    const build = spawnSync('npx', ['astro', 'build'], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' } });
    if (build.status !== 0) throw new Error('The build failed');
  }

  const storyPath = `/stories/${filled.bigThreadId}`;
  const floorFile = join(dir, 'feed.html');
  const server = async (workers: number, cpus: string, extra: Record<string, string> = {}) => {
    const started = await startProcess([...pin(cpus), process.execPath, 'scripts/serve.mjs'], { DATABASE_PATH: databasePath, WORKERS: String(workers), BENCH_FLOOR: '1', BENCH_FLOOR_FILE: floorFile, ...extra }, '/healthz');
    running.push(started);
    return started;
  };

  // The bytes of `/` for both references, as an anonymous reader gets them.
  let site = await server(1, '0');
  const feedBytes = await body(`${site.origin}/`);
  writeFileSync(floorFile, feedBytes);
  const bigStoryUrl = new URL((await fetch(`${site.origin}${storyPath}`, { redirect: 'manual' })).headers.get('location') ?? storyPath, site.origin).pathname;
  const canonical = async (id: number) => new URL((await fetch(`${site.origin}/stories/${id}`, { redirect: 'manual' })).headers.get('location') ?? `/stories/${id}`, site.origin).pathname;
  const commentStory = await canonical(filled.commentTargetId);
  const typicalStoryUrl = await canonical(filled.typicalStoryId);
  const typicalComments = commentCount(databasePath, filled.typicalStoryId);
  const session = await registerSession(site.origin);
  const author = await authorCookie(site.origin, commentStory);
  const uncached = { cookie: session };
  console.log(`\nLoad: wrk, ${CONNECTIONS} connections, ${SECONDS} s per target; server on core 0, wrk on core 1\n`);

  // Reads run in rounds, each target once per round with the references among them, and each
  // keeps its median round: the machine's noise then falls on the references and targets alike.
  const ceilingProcess = await startProcess([...pin('0'), process.execPath, '-e', CEILING_SERVER], { BODY_FILE: floorFile }, '/');
  running.push(ceilingProcess);
  const reads: [string, string, Parameters<typeof wrk>[2]?][] = [
    ['ceiling: raw node http, same bytes as /', `${ceilingProcess.origin}/`],
    ['floor: minimal Astro route, same bytes', `${site.origin}/bench-floor`],
    ['/ (anonymous, cached)', `${site.origin}/`],
    [`a story with ${typicalComments} comments (anonymous)`, `${site.origin}${typicalStoryUrl}`],
    ['a story with 500 comments (anonymous)', `${site.origin}${bigStoryUrl}`],
    ['/tags/database (anonymous)', `${site.origin}/tags/database`],
    ['/lessons/database (anonymous)', `${site.origin}/lessons/database`],
    ['/search?q=migration (anonymous)', `${site.origin}/search?q=migration`],
    ['/rss.xml (anonymous)', `${site.origin}/rss.xml`],
    ['/ with a session (uncached)', `${site.origin}/`, { headers: uncached }],
    [`feed page ${deepPage(filled.stories).toLocaleString('en')} with a session (uncached)`, `${site.origin}/?before=${filled.deepCursor}`, { headers: uncached }],
    [`a story with ${typicalComments} comments, with a session`, `${site.origin}${typicalStoryUrl}`, { headers: uncached }],
    ['a story with 500 comments, with a session', `${site.origin}${bigStoryUrl}`, { headers: uncached }],
    ['/tags/database with a session', `${site.origin}/tags/database`, { headers: uncached }],
    ['/lessons with a session', `${site.origin}/lessons`, { headers: uncached }],
    ['/search?q=migration with a session, 1 connection', `${site.origin}/search?q=migration`, { headers: uncached, connections: 1 }],
  ];
  // Every page is read once before the rounds: the figures are the steady state of a warm cache (a
  // page's first render after a write is the cost the "with a session" rows show).
  await warm(reads.map(([, url, options]) => [url, options?.headers ?? {}]));
  const rounds: Figures[][] = reads.map(() => []);
  for (let round = 1; round <= ROUNDS; round++) {
    console.log(`Round ${round} of ${ROUNDS}`);
    reads.forEach(([name, url, options], i) => {
      settle(site.origin);
      rounds[i].push(wrk(name, url, options));
    });
  }
  const median = (list: Figures[]) => [...list].sort((a, b) => (a.rps || 0) - (b.rps || 0))[Math.floor(list.length / 2)];
  const middle = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
  // Each target against the references of its own round, then the median of those ratios.
  const ratios = new Map<string, { ceiling: number; floor: number }>();
  reads.forEach(([name], i) =>
    ratios.set(name, {
      ceiling: middle(rounds[i].map((r, round) => r.rps / rounds[0][round].rps)),
      floor: middle(rounds[i].map((r, round) => r.rps / rounds[1][round].rps)),
    }),
  );
  const [ceiling, floor, ...results] = rounds.map(median);
  await ceilingProcess.stop();
  console.log('Writes');
  const script = join(dir, 'comment.lua');
  writeFileSync(script, `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\nwrk.headers["Origin"] = "${site.origin}"\nwrk.headers["Cookie"] = "${author}"\nwrk.body = "intent=comment&parent=&body=Been+there+too%2C+thank+you+for+writing+it+down."\n`);
  settle(site.origin);
  results.push(wrk('comment POST', `${site.origin}${commentStory}`, { script }));
  await site.stop();

  // One worker on core 0 (wrk on core 1) beside two workers on both cores (wrk sharing them, so a
  // lower bound), both running at once and measured in alternation, each after a warm-up.
  site = await server(1, '0');
  const two = await server(2, '0,1');
  await warm([[`${site.origin}/`, uncached], [`${two.origin}/`, {}], [`${two.origin}/`, uncached]], 200);
  const workerRounds: Figures[][] = [[], [], []];
  for (let round = 1; round <= ROUNDS; round++) {
    console.log(`Workers round ${round} of ${ROUNDS}`);
    settle(site.origin);
    workerRounds[0].push(wrk('WORKERS=1: / with a session (uncached)', `${site.origin}/`, { headers: uncached }));
    settle(two.origin);
    workerRounds[1].push(wrk('WORKERS=2: / (anonymous, cached)', `${two.origin}/`, { cpus: '0,1' }));
    settle(two.origin);
    workerRounds[2].push(wrk('WORKERS=2: / with a session (uncached)', `${two.origin}/`, { headers: uncached, cpus: '0,1' }));
  }
  const workersRatio = middle(workerRounds[2].map((r, round) => r.rps / workerRounds[0][round].rps));
  await site.stop();
  await two.stop();
  results.push(...workerRounds.map(median));

  console.log('\nDe-identification scan (median of 30)');
  const deid = benchDeidentify();
  for (const row of deid) console.log(`  ${row.name.padEnd(48)} ${row.ms.toFixed(3).padStart(9)} ms  (${row.chars.toLocaleString('en')} chars)`);
  const accuracy = deidentifyAccuracy();
  console.log('\nDe-identification accuracy');
  for (const line of accuracy) console.log(`  ${line}`);

  // ------------------------------------------------------------ targets and RESULTS.md
  const toCeiling = (r: Figures) => ratios.get(r.name)?.ceiling ?? r.rps / ceiling.rps;
  const toFloor = (r: Figures) => ratios.get(r.name)?.floor ?? r.rps / floor.rps;
  const find = (name: string) => results.find((r) => r.name.startsWith(name))!;
  const anonymousReads = ['/ (anonymous', `a story with ${typicalComments} comments (anonymous)`, '/tags/database', '/lessons/database'].map(find);
  const sessionFeed = find('/ with a session');
  const deepFeed = find('feed page ');
  const searchOne = find('/search?q=migration with a session');
  // Reads with the cache on, server on its own core (the WORKERS=2 rows share cores with wrk).
  const cachedReads = results.filter((r) => /anonymous/.test(r.name) && !r.name.startsWith('WORKERS'));
  const targets: [string, boolean, string][] = [
    ...anonymousReads.map((r): [string, boolean, string] => [`${r.name} ≥ 0.5 × ceiling`, toCeiling(r) >= 0.5, toCeiling(r).toFixed(3)]),
    ['/ with a session ≥ 0.3 × floor', toFloor(sessionFeed) >= 0.3, toFloor(sessionFeed).toFixed(3)],
    [`feed page ${deepPage(filled.stories).toLocaleString('en')} costs ≤ 1.2 × page 1 (uncached)`, sessionFeed.rps / deepFeed.rps <= 1.2, `×${(sessionFeed.rps / deepFeed.rps).toFixed(2)}`],
    ['search p50 < 20 ms (uncached, 1 connection)', searchOne.rps > 0 && searchOne.p50 < 20, searchOne.rps > 0 ? `${searchOne.p50.toFixed(1)} ms` : `no answer within ${SECONDS} s`],
    ['p99 < 100 ms on every read with the cache on', cachedReads.every((r) => r.p99 < 100), `worst ${Math.max(...cachedReads.map((r) => r.p99)).toFixed(0)} ms`],
    ['WORKERS=2 uncached ≥ 1.6 × WORKERS=1 (median of the paired rounds)', workersRatio >= 1.6, `×${workersRatio.toFixed(2)}`],
  ];
  console.log('\nTargets');
  for (const [name, ok, value] of targets) console.log(`  ${ok ? 'holds' : 'MISSED'}  ${name}: ${value}`);

  // Pages much larger than `/` (the 500-comment story) are also compared by bytes per second.
  const row = (r: Figures) =>
    `| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${(r.bytes / 1024).toFixed(1)} KB | ${toCeiling(r).toFixed(3)} | ${((toCeiling(r) * r.bytes) / ceiling.bytes).toFixed(3)} | ${toFloor(r).toFixed(2)} |${r.errors ? ` ${r.errors} errors` : ''}`;
  const lines = [
    '# Benchmark results',
    '',
    `Written by \`npm run bench${SCALE !== 1 ? ` -- --scale ${SCALE}` : ''}\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    `Node ${process.version}, ${cores} cores, load tool wrk (1 thread, ${CONNECTIONS} connections, ${SECONDS} s per target, keep-alive, no compression asked;`,
    `reads in ${ROUNDS} interleaved rounds: each row is the median round, each ratio the median of the ratios to the references of the same round),`,
    `${pin('0').length ? 'server pinned to core 0 and wrk to core 1 with taskset' : 'no taskset: server and wrk share the cores'}.`,
    `Database: ${filled.stories.toLocaleString('en')} stories, ${filled.lessons.toLocaleString('en')} lessons, ${filled.comments.toLocaleString('en')} comments.`,
    '"Anonymous" requests carry no cookie (the page cache answers them); "with a session" carries a login cookie, so Astro renders every request.',
    'Every page is read once before the rounds, so the anonymous rows are a warm cache\'s steady state.',
    'The WORKERS rows come from paired rounds: one worker on core 0 (wrk on core 1) and two workers on both cores with wrk sharing them, so on a two-core machine the WORKERS=2 rows understate what two cores give.',
    '',
    '| target | req/s | p50 ms | p99 ms | bytes/response | × ceiling | × ceiling (bytes/s) | × floor |',
    '|---|---|---|---|---|---|---|---|',
    row({ ...ceiling }),
    row({ ...floor }),
    ...results.map(row),
    '',
    '## Targets',
    '',
    ...targets.map(([name, ok, value]) => `- ${ok ? 'holds' : '**missed**'}: ${name} (${value})`),
    '',
    '## De-identification scan (median of 30)',
    '',
    ...deid.map((d) => `- ${d.name}: ${d.ms.toFixed(3)} ms (${d.chars.toLocaleString('en')} chars)`),
    '',
    '## De-identification accuracy',
    '',
    ...accuracy.map((line) => `- ${line}`),
    '',
  ];
  mkdirSync('bench', { recursive: true });
  writeFileSync('bench/RESULTS.md', lines.join('\n'));
  console.log('\nWrote bench/RESULTS.md');
} finally {
  for (const started of running) await started.stop();
  rmSync(dir, { recursive: true, force: true });
}
