/**
 * Starts the built server (dist/) on a random port with its own temporary database, and a tiny
 * browser-like client that keeps cookies and sends a same-site Origin on writes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestServer {
  origin: string;
  /** The SQLite file the server reads: its database, or in libSQL mode its embedded replica (read it only). */
  databasePath: string;
  /** In libSQL mode, the sqld primary the server writes to. */
  databaseUrl: string | null;
  /** The server's process id (to kill it hard in a test). */
  pid: number | undefined;
  dataDir: string;
  output: () => string;
  /** Sends SIGTERM and waits for the exit (the data folder stays, to be inspected); the exit code. */
  shutdown: () => Promise<number | null>;
  stop: () => Promise<void>;
}

/** A free loopback port for a server a test starts (the app, sqld, a proxy). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Which driver the suites run on: better-sqlite3 by default, libSQL with TEST_DB_DRIVER=libsql (see .ci/run). */
export const testDriver: 'better-sqlite3' | 'libsql' = process.env.TEST_DB_DRIVER === 'libsql' ? 'libsql' : 'better-sqlite3';

/**
 * Starts the built server. With DATABASE_URL in `env` (or TEST_DB_DRIVER=libsql, which starts an
 * sqld for this server) it runs on libSQL with an embedded replica in its own data folder.
 */
export async function startServer(env: Record<string, string> = {}): Promise<TestServer> {
  if (!existsSync('dist/server/entry.mjs')) throw new Error('Build first: npm run build (npm test does this).');
  const dataDir = mkdtempSync(join(tmpdir(), 'rop-http-'));
  let databasePath = join(dataDir, 'site.db');
  let databaseUrl: string | null = env.DATABASE_URL ?? null;
  let ownSqld: { stop: () => Promise<void> } | null = null;
  if (!databaseUrl && testDriver === 'libsql' && !env.DATABASE_PATH) {
    const { startSqld } = await import('./sqld');
    ownSqld = await startSqld();
    databaseUrl = (ownSqld as { url: string } & typeof ownSqld).url;
  }
  if (databaseUrl) {
    databasePath = join(dataDir, 'replica.db');
    env = { DATABASE_URL: databaseUrl, DATABASE_REPLICA_PATH: databasePath, DATABASE_PATH: '', ...env };
  }
  const port = await freePort();
  let log = '';
  const child: ChildProcess = spawn(process.execPath, ['scripts/serve.mjs'], {
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_PATH: databasePath,
      SECRET: 'test-secret-for-http-tests-0123456789abcdef',
      SEED_DEMO: '0',
      RATE_LIMIT: 'off',
      NODE_ENV: 'production',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => (log += chunk));
  child.stderr?.on('data', (chunk) => (log += chunk));
  const origin = `http://127.0.0.1:${port}`;
  // libSQL: the demo stories are written statement by statement over the network (about 15 s here).
  const deadline = Date.now() + (databaseUrl ? 90_000 : 20_000);
  for (;;) {
    try {
      const response = await fetch(`${origin}/healthz`);
      // The start-up summary is printed once the server's own first health check is done.
      if (response.ok && log.includes('is ready at')) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`Server did not start (exit ${child.exitCode}):\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const shutdown = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    return child.exitCode;
  };
  return {
    origin,
    databasePath,
    databaseUrl,
    pid: child.pid,
    dataDir,
    output: () => log,
    shutdown,
    stop: async () => {
      await shutdown();
      await ownSqld?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A cookie-keeping client that behaves like a browser on our site (same-site Origin on POST). */
export class Browser {
  cookies = new Map<string, string>();
  constructor(private origin: string, private headers: Record<string, string> = {}) {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /max-age=0\b/i.test(a.trim()) || /expires=Thu, 01 Jan 1970/i.test(a));
      if (expired || value === '' || value === 'deleted') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    const response = await fetch(new URL(path, this.origin), {
      redirect: 'manual',
      headers: { cookie: this.cookieHeader(), ...this.headers, ...headers },
    });
    this.remember(response);
    return response;
  }

  async post(path: string, fields: Record<string, string | string[]>, headers: Record<string, string> = {}): Promise<Response> {
    const body = new URLSearchParams();
    for (const [key, value] of Object.entries(fields)) {
      for (const item of Array.isArray(value) ? value : [value]) body.append(key, item);
    }
    const response = await fetch(new URL(path, this.origin), {
      method: 'POST',
      redirect: 'manual',
      body,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: this.origin,
        cookie: this.cookieHeader(),
        ...this.headers,
        ...headers,
      },
    });
    this.remember(response);
    return response;
  }
}

/** Reads the test server's database (read-only) and closes it again. */
export function readDb<T>(server: TestServer, fn: (db: Database.Database) => T): T {
  const db = new Database(server.databasePath, { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

/** The path of the private manage link a story page shows once after posting. */
export function manageLinkIn(html: string): string {
  const match = /href="(https?:\/\/[^"]+\/manage\/[A-Za-z0-9_-]{43})"/.exec(html);
  if (!match) throw new Error('No manage link on this page');
  return new URL(match[1]).pathname;
}

/** The id of one published story (ids are random, so tests look one up rather than assume 1). */
export function publishedStoryId(server: TestServer): number {
  const row = readDb(server, (db) =>
    db.prepare("SELECT id FROM stories WHERE state = 'visible' AND published_at <= ? ORDER BY published_at, id LIMIT 1").get(Date.now()),
  ) as { id: number } | undefined;
  if (!row) throw new Error('No published story in the test database');
  return row.id;
}

export interface TestProxy {
  origin: string;
  stop: () => Promise<void>;
}

/**
 * A tiny reverse proxy in front of a test server, behaving like nginx with
 * `proxy_set_header Host $host; proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
 * proxy_set_header X-Forwarded-Proto $scheme`: it keeps whatever X-Forwarded-For the client sent
 * and appends the address it saw. `publicHost` and `scheme` are what the person's browser asked for.
 */
export async function startAppendingProxy(
  target: string,
  options: {
    publicHost: string;
    scheme?: 'http' | 'https';
    forwardHeaders?: boolean;
    /** The address it reports for whoever connects (default: the socket's), to stand for distinct people. */
    clientAddress?: string;
  },
): Promise<TestProxy> {
  const forward = options.forwardHeaders ?? true;
  const server = http.createServer((req, res) => {
    const headers: http.OutgoingHttpHeaders = { ...req.headers, host: options.publicHost };
    if (forward) {
      const seen = options.clientAddress ?? req.socket.remoteAddress ?? '';
      headers['x-forwarded-for'] = req.headers['x-forwarded-for'] ? `${req.headers['x-forwarded-for']}, ${seen}` : seen;
      headers['x-forwarded-proto'] = options.scheme ?? 'http';
    }
    const upstream = http.request(new URL(req.url ?? '/', target), { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => {
      res.writeHead(502);
      res.end('proxy: upstream failed');
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${address.port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Runs the built server with settings that must stop it at start; resolves with its exit code and output. */
export async function serverExitFor(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['scripts/serve.mjs'], {
    env: { ...process.env, HOST: '127.0.0.1', SEED_DEMO: '0', SECRET: 'test-secret-for-http-tests-0123456789abcdef', NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (exitCode) => resolve(exitCode)));
  clearTimeout(timer);
  return { code, output };
}

/** Gives an account a role the way an operator does: `npm run user:role` against the server's database. */
export function setUserRole(server: TestServer, username: string, role: 'member' | 'moderator'): void {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/user-role.ts', username, role], {
    env: {
      ...process.env,
      ...(server.databaseUrl ? { DATABASE_URL: server.databaseUrl, DATABASE_PATH: '' } : { DATABASE_PATH: server.databasePath }),
      SECRET: 'test-secret-for-http-tests-0123456789abcdef',
    },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`user:role failed (${result.status}): ${result.stderr}${result.stdout}`);
}

/** Writes to the test server's database (what an operator or moderator tool would add) and closes it again. */
export function writeDb<T>(server: TestServer, fn: (db: Database.Database) => T): T {
  const db = new Database(server.databasePath);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}
