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

/** Opens (creating if needed) a database file, sets durability pragmas and migrates it. */
export function openDatabase(path: string, options: OpenOptions = {}): Db {
  if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma('journal_mode = WAL');
  // FULL: a story we acknowledged survives a power cut, not only a process crash.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  // Deleted text is overwritten with zeros in the file, not left in free pages.
  sqlite.pragma('secure_delete = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = drizzle(sqlite, { schema }) as Db;
  migrate(db, { migrationsFolder: findMigrationsFolder() });
  ensureFailureTypes(db);
  if (options.seedDemo) seedDemoContent(db);
  return db;
}

let shared: Db | null = null;

/** The process-wide connection, opened on first use from DATABASE_PATH. */
export function getDb(): Db {
  if (!shared) {
    shared = openDatabase(databasePath(), {
      seedDemo: process.env.SEED_DEMO !== '0',
    });
  }
  return shared;
}

/** Quick liveness query for /healthz. */
export function checkDatabase(db: Db): boolean {
  const row = db.$client.prepare('SELECT 1 AS ok').get() as { ok: number } | undefined;
  return row?.ok === 1;
}
