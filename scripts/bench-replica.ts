// npm run bench:replica (issue 11): the libSQL replica mode beside the default mode, on loopback.
// One sqld primary; app servers each on their own embedded replica (DATABASE_SYNC_INTERVAL=1).
//   1. reads: whole pages (feed, a story) from a default-mode server and from a replica-mode one
//   2. a write's round trip: POST /new until its 303, in both modes
//   3. replica lag: a story posted on server A until server B's story page serves it
// Figures are medians on this machine; compare ratios. Needs `npm run build`. Writes
// bench/REPLICA.md so the figures stay beside the default mode's.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sqldBinary } from './sqld-binary.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const WRITES = Number(process.env.BENCH_WRITES ?? 40);
const LAG_SAMPLES = Number(process.env.BENCH_LAG_SAMPLES ?? 10);
const SECRET = 'benchmark-secret-0123456789abcdef';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitFor(url: string, child: ChildProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${url} did not come up`);
    await sleep(100);
  }
}

const children: ChildProcess[] = [];
async function startApp(env: Record<string, string>): Promise<string> {
  const port = await freePort();
  const child = spawn(process.execPath, ['scripts/serve.mjs'], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), SECRET, RATE_LIMIT: 'off', NODE_ENV: 'production', ...env },
    stdio: 'ignore',
  });
  children.push(child);
  const origin = `http://127.0.0.1:${port}`;
  await waitFor(`${origin}/healthz`, child);
  return origin;
}

function storyForm(title: string): URLSearchParams {
  const form = new URLSearchParams({
    title,
    body: '## What happened\n\nI flushed the wrong cache cluster during a routine clean-up and every request went to the database at once.',
    lessons: 'Name clusters so production looks different',
    intent: 'publish',
  });
  form.append('tags', 'cache');
  return form;
}

async function post(origin: string, title: string): Promise<{ ms: number; location: string }> {
  const start = performance.now();
  const response = await fetch(`${origin}/new`, { method: 'POST', body: storyForm(title), redirect: 'manual', headers: { origin } });
  const ms = performance.now() - start;
  if (response.status !== 303) throw new Error(`POST /new on ${origin} answered ${response.status}`);
  return { ms, location: response.headers.get('location')! };
}

async function readPages(origins: Record<string, string>, paths: Record<string, Record<string, string>>): Promise<Record<string, number>> {
  const times: Record<string, number[]> = {};
  for (let i = 0; i < RUNS + 5; i++) {
    for (const [mode, origin] of Object.entries(origins)) {
      for (const [page, path] of Object.entries(paths[mode])) {
        const start = performance.now();
        const response = await fetch(origin + path);
        await response.text();
        if (i >= 5) (times[`${page} (${mode})`] ??= []).push(performance.now() - start);
      }
    }
  }
  return Object.fromEntries(Object.entries(times).map(([name, list]) => [name, median(list)]));
}

const dir = mkdtempSync(join(tmpdir(), 'rop-bench-replica-'));
try {
  const sqldPort = await freePort();
  const sqld = spawn(sqldBinary(), ['--db-path', join(dir, 'data.sqld'), '--http-listen-addr', `127.0.0.1:${sqldPort}`, '--no-welcome'], {
    stdio: 'ignore',
    env: { ...process.env, RUST_LOG: 'error' },
  });
  children.push(sqld);
  const primary = `http://127.0.0.1:${sqldPort}`;
  await waitFor(`${primary}/health`, sqld);

  const replicaEnv = (name: string) => ({ DATABASE_URL: primary, DATABASE_REPLICA_PATH: join(dir, `${name}.db`), DATABASE_SYNC_INTERVAL: '1' });
  const defaultOrigin = await startApp({ DATABASE_PATH: join(dir, 'default.db') });
  const a = await startApp(replicaEnv('replica-a'));
  const b = await startApp(replicaEnv('replica-b'));

  const storyOf = async (origin: string) => (await (await fetch(`${origin}/`)).text()).match(/href="(\/stories\/\d+-[^"]+)"/)![1];
  const reads = await readPages(
    { default: defaultOrigin, replica: a },
    {
      default: { 'GET /': '/', 'GET a story': await storyOf(defaultOrigin) },
      replica: { 'GET /': '/', 'GET a story': await storyOf(a) },
    },
  );

  const writes: Record<string, number[]> = { default: [], replica: [] };
  for (let i = 0; i < WRITES; i++) {
    writes.default.push((await post(defaultOrigin, `Default-mode write ${i}`)).ms);
    writes.replica.push((await post(a, `Replica-mode write ${i}`)).ms);
  }

  const lags: number[] = [];
  for (let i = 0; i < LAG_SAMPLES; i++) {
    const { location } = await post(a, `Lag probe ${i}`);
    const start = performance.now();
    while ((await fetch(b + location)).status !== 200) await sleep(10);
    lags.push(performance.now() - start);
  }

  const lines = [
    '# Replica mode (issue 11)',
    '',
    `\`npm run bench:replica\`, ${new Date().toISOString().slice(0, 10)}: one sqld primary on loopback, app servers on embedded`,
    'replicas with `DATABASE_SYNC_INTERVAL=1`, beside a default-mode server; medians, this machine.',
    '',
    '| measure | default mode | replica mode | ratio |',
    '|---|---|---|---|',
    ...['GET /', 'GET a story'].map((page) => {
      const d = reads[`${page} (default)`];
      const r = reads[`${page} (replica)`];
      return `| ${page} (median of ${RUNS}) | ${d.toFixed(2)} ms | ${r.toFixed(2)} ms | ×${(r / d).toFixed(2)} |`;
    }),
    `| a write's round trip, POST /new → 303 (median of ${WRITES}) | ${median(writes.default).toFixed(2)} ms | ${median(writes.replica).toFixed(2)} ms | ×${(median(writes.replica) / median(writes.default)).toFixed(2)} |`,
    '',
    `Replica lag, a story posted on server A until server B serves it (${LAG_SAMPLES} samples): median ${median(lags).toFixed(0)} ms, max ${Math.max(...lags).toFixed(0)} ms.`,
    '',
  ];
  console.log(lines.join('\n'));
  mkdirSync('bench', { recursive: true });
  writeFileSync('bench/REPLICA.md', lines.join('\n'));
} finally {
  for (const child of children) child.kill('SIGTERM');
  await sleep(300);
  rmSync(dir, { recursive: true, force: true });
}
