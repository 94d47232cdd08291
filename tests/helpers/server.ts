/**
 * Starts the built server (dist/) on a random port with its own temporary database, and a tiny
 * browser-like client that keeps cookies and sends a same-site Origin on writes.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestServer {
  origin: string;
  databasePath: string;
  dataDir: string;
  output: () => string;
  stop: () => Promise<void>;
}

async function freePort(): Promise<number> {
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

export async function startServer(env: Record<string, string> = {}): Promise<TestServer> {
  if (!existsSync('dist/server/entry.mjs')) throw new Error('Build first: npm run build (npm test does this).');
  const dataDir = mkdtempSync(join(tmpdir(), 'rop-http-'));
  const databasePath = join(dataDir, 'site.db');
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
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const response = await fetch(`${origin}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`Server did not start (exit ${child.exitCode}):\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    origin,
    databasePath,
    dataDir,
    output: () => log,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
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

/** Gives an account a role the way an operator does: `npm run user:role` against the server's database. */
export function setUserRole(server: TestServer, username: string, role: 'member' | 'moderator'): void {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/user-role.ts', username, role], {
    env: { ...process.env, DATABASE_PATH: server.databasePath, SECRET: 'test-secret-for-http-tests-0123456789abcdef' },
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
