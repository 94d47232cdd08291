/**
 * The one database module: opens SQLite, applies committed migrations, seeds an empty database.
 * Everything else receives `db` as a parameter, so tests can hand services a fresh database.
 */
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from '../../db/schema';
import { ensureFailureTypes, seedDemoContent } from './seed';
import { databasePath } from './config';
import { isDatabaseBusy } from './errors';

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/** Finds db/migrations whether we run from src (tsx, vitest) or from the built dist/server. */
export function findMigrationsFolder(): string {
  if (process.env.MIGRATIONS_DIR) return resolve(process.env.MIGRATIONS_DIR);
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'db', 'migrations');
    if (existsSync(join(candidate, 'meta', '_journal.json'))) return candidate;
    dir = dirname(dir);
  }
  return resolve('db/migrations');
}

export interface OpenOptions {
  /** Insert the demo stories when the database has none (SEED_DEMO=0 turns it off at start). */
  seedDemo?: boolean;
}

/**
 * How long one statement may wait for another process's write lock. better-sqlite3 waits by
 * blocking the event loop, so it stays short: writes wait longer, without blocking, in
 * waitForWriteLock(), and reads never need the lock (WAL).
 */
const BUSY_TIMEOUT_MS = 200;
/** While opening (migrations, demo stories) nobody is waiting yet, and another process may be doing the same. */
const OPEN_BUSY_TIMEOUT_MS = 10_000;
/** After a checkpoint the write-ahead log is cut back to this size, so it cannot grow for ever. */
const WAL_SIZE_LIMIT_BYTES = 4 * 1024 * 1024;

// Process events shared with scripts/serve.mjs, which runs this bundle but cannot import it.
const DATABASE_OPENED = 'rite-of-passage:database-opened';
const DATABASE_FAILED = 'rite-of-passage:database-failed';
const SHUTDOWN = 'rite-of-passage:shutdown';

/** The database file cannot be opened or written; the message names the path. */
export class DatabaseOpenError extends Error {
  constructor(
    public readonly path: string,
    public readonly reason: string,
  ) {
    super(`Cannot use the database at ${path}: ${reason}`);
    this.name = 'DatabaseOpenError';
  }
}

function openSqlite(path: string): Database.Database {
  const shown = path === ':memory:' ? path : resolve(path);
  try {
    if (path !== ':memory:') mkdirSync(dirname(shown), { recursive: true });
    const sqlite = new Database(path);
    // Opening a file we may not write succeeds read-only; find out now, not on the first post.
    sqlite.pragma(`user_version = ${Number(sqlite.pragma('user_version', { simple: true }))}`);
    return sqlite;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatabaseOpenError(shown, reason);
  }
}

/** Opens (creating if needed) a database file, sets durability pragmas and migrates it. */
export function openDatabase(path: string, options: OpenOptions = {}): Db {
  const sqlite = openSqlite(path);
  sqlite.pragma('journal_mode = WAL');
  // FULL: a story we acknowledged survives a power cut, not only a process crash.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  // Deleted text is overwritten with zeros in the file, not left in free pages.
  sqlite.pragma('secure_delete = ON');
  sqlite.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  sqlite.pragma(`busy_timeout = ${OPEN_BUSY_TIMEOUT_MS}`);
  const db = drizzle(sqlite, { schema }) as Db;
  migrate(db, { migrationsFolder: findMigrationsFolder() });
  ensureFailureTypes(db);
  if (options.seedDemo) seedDemoContent(db);
  sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  return db;
}

let shared: Db | null = null;
/** process, as the event emitter it is, for the events scripts/serve.mjs listens to. */
const processEvents = process as unknown as NodeJS.EventEmitter;

/** The process-wide connection, opened on first use from DATABASE_PATH. */
export function getDb(): Db {
  if (!shared) {
    let db: Db;
    try {
      db = openDatabase(databasePath());
    } catch (error) {
      if (error instanceof DatabaseOpenError) processEvents.emit(DATABASE_FAILED, { path: error.path, reason: error.reason });
      throw error;
    }
    const demoStoriesAdded = process.env.SEED_DEMO !== '0' ? seedWhileOpening(db) : 0;
    const storyCount = (db.$client.prepare('SELECT count(*) AS n FROM stories').get() as { n: number }).n;
    shared = db;
    processEvents.emit(DATABASE_OPENED, { path: resolve(databasePath()), storyCount, demoStoriesAdded });
    processEvents.once(SHUTDOWN, closeSharedDatabase);
  }
  return shared;
}

/** Seeds with the patience of opening: other processes may be starting at the same moment. */
function seedWhileOpening(db: Db): number {
  db.$client.pragma(`busy_timeout = ${OPEN_BUSY_TIMEOUT_MS}`);
  try {
    return seedDemoContent(db);
  } finally {
    db.$client.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  }
}

/** Checkpoints and closes the process-wide connection (at shutdown); the WAL file goes with it. */
export function closeSharedDatabase(): void {
  if (!shared) return;
  const db = shared;
  shared = null;
  try {
    db.$client.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.$client.close();
  }
}

/**
 * Waits, without blocking other requests, until this connection could take the write lock.
 * False when another process still holds it after `maxWaitMs` (e.g. a backup), so the caller can
 * answer "try again" instead of holding the person's request.
 */
export async function waitForWriteLock(db: Db, maxWaitMs: number): Promise<boolean> {
  const sqlite = db.$client;
  if (sqlite.inTransaction) return true;
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    sqlite.pragma('busy_timeout = 0');
    try {
      sqlite.exec('BEGIN IMMEDIATE');
      sqlite.exec('ROLLBACK');
      return true;
    } catch (error) {
      if (!isDatabaseBusy(error)) throw error;
      if (Date.now() >= deadline) return false;
    } finally {
      sqlite.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs a write that a read page does on the side (a session refresh, a sweep); skipped when busy. */
export function writeUnlessBusy<T>(write: () => T, fallback: T): T {
  try {
    return write();
  } catch (error) {
    if (isDatabaseBusy(error)) return fallback;
    throw error;
  }
}

const CHECKPOINT_RETRY_MS = 1_000;
const pendingCheckpoints = new WeakSet<Db>();

/**
 * Deleted text must not live on in the write-ahead log: after a deletion the log is copied into
 * the database (where secure_delete has zeroed it) and truncated to nothing. Inside a transaction
 * this runs once it has committed; when another connection keeps the log busy, a little later.
 */
export function forgetDeletedText(db: Db): void {
  const sqlite = db.$client as Database.Database | undefined;
  // A transaction handle (tx as Db) has no client: whoever opened the transaction calls this after.
  if (!sqlite) return;
  if (sqlite.inTransaction || sqlite.memory) {
    if (!sqlite.memory) setImmediate(() => forgetDeletedText(db));
    return;
  }
  if (!sqlite.open) return;
  let busy = true;
  try {
    const [result] = sqlite.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    busy = result?.busy !== 0;
  } catch (error) {
    if (!isDatabaseBusy(error)) throw error;
  }
  if (busy && !pendingCheckpoints.has(db)) {
    pendingCheckpoints.add(db);
    setTimeout(() => {
      pendingCheckpoints.delete(db);
      forgetDeletedText(db);
    }, CHECKPOINT_RETRY_MS).unref();
  }
}

/** Quick liveness query for /healthz. */
export function checkDatabase(db: Db): boolean {
  const row = db.$client.prepare('SELECT 1 AS ok').get() as { ok: number } | undefined;
  return row?.ok === 1;
}
