/**
 * The one database module: opens the database the environment names (better-sqlite3 on a file by
 * default, libSQL with DATABASE_URL; see settings.ts), applies committed migrations, seeds
 * an empty database. Everything else receives `db` as a parameter, so tests can hand services a
 * fresh database. How services write on either driver: transaction.ts.
 */
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { createClient } from '@libsql/client';
import { drizzle as drizzleLibsql } from 'drizzle-orm/libsql';
import { migrate as migrateLibsql } from 'drizzle-orm/libsql/migrator';
import { sql } from 'drizzle-orm';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from '../../db/schema';
import { ensureFailureTypes, seedDemoContent } from './seed';
import { databaseSettings, migrationsDirSetting, seedDemoSetting, type DatabaseConfig } from './settings';
import { getServerSecret } from './secret';
import { PRIMARY_KEEPS_DELETED_TEXT, primaryZeroesDeletedRows } from './deleted-text';
import { BUSY_TIMEOUT_MS, closeDatabase, registerLibsql, registerSqlite, sqliteWriterOf, type Db } from './transaction';

export type { Db } from './transaction';
export { checkDatabase, forgetDeletedText, inTransaction, waitForWriteLock, write, writeUnlessBusy } from './transaction';

/** Finds db/migrations whether we run from src (tsx, vitest) or from the built dist/server. */
export function findMigrationsFolder(): string {
  const configured = migrationsDirSetting();
  if (configured) return configured;
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
function openSqliteConnection(path: string): Database.Database {
  const sqlite = openSqlite(path);
  sqlite.pragma('journal_mode = WAL');
  // FULL: a story we acknowledged survives a power cut, not only a process crash.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  // Deleted text is overwritten with zeros in the file, not left in free pages.
  sqlite.pragma('secure_delete = ON');
  sqlite.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  sqlite.pragma(`busy_timeout = ${OPEN_BUSY_TIMEOUT_MS}`);
  return sqlite;
}

/**
 * Opens a database file for the default mode: a writer connection (migrated here) and a reader.
 * Failure types are ensured; demo stories added when asked and the database has none.
 */
export async function openDatabase(path: string, options: OpenOptions = {}): Promise<Db> {
  const writer = openSqliteConnection(path);
  const writerDb = drizzle(writer, { schema });
  migrate(writerDb, { migrationsFolder: findMigrationsFolder() });
  const reader = path === ':memory:' ? writer : openSqliteConnection(path);
  const db = path === ':memory:' ? writerDb : drizzle(reader, { schema });
  registerSqlite(db, reader, writerDb, writer);
  await prepareContent(db, options);
  writer.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  reader.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  return db;
}

/** Two servers starting together may both migrate; the loser's batch fails, and its retry finds nothing to do. */
const MIGRATION_RETRIES = 3;
const MIGRATION_RETRY_MS = 1_000;

/**
 * Opens a libSQL database: migrations once against the primary (a plain remote client, so they are
 * not forwarded through a replica), then the client the app uses: an embedded replica synced every
 * DATABASE_SYNC_INTERVAL seconds and after each of our writes, or the remote itself.
 */
export async function openLibsqlDatabase(config: Extract<DatabaseConfig, { driver: 'libsql' }>, options: OpenOptions = {}): Promise<Db> {
  const primary = createClient({ url: config.url, authToken: config.authToken });
  try {
    const migrator = drizzleLibsql(primary, { schema });
    for (let attempt = 1; ; attempt++) {
      try {
        await migrateLibsql(migrator, { migrationsFolder: findMigrationsFolder() });
        break;
      } catch (error) {
        if (attempt >= MIGRATION_RETRIES) throw error;
        await new Promise((r) => setTimeout(r, MIGRATION_RETRY_MS));
      }
    }
  } catch (error) {
    primary.close();
    throw error;
  }
  const primaryDb = drizzleLibsql(primary, { schema });
  registerLibsql(primaryDb, primary);
  if (config.replica) {
    // Reference data and demo content go straight to the primary (a write through a replica costs a
    // round trip more per statement); the replica then receives them in its first sync.
    try {
      seededCount.set(config, await prepareContent(primaryDb, options));
    } catch (error) {
      primary.close();
      throw error;
    }
  }
  let db: Db;
  if (config.replica) {
    mkdirSync(dirname(resolve(config.replica.path)), { recursive: true });
    const client = createClient({
      url: `file:${config.replica.path}`,
      syncUrl: config.url,
      authToken: config.authToken,
      syncInterval: config.replica.syncIntervalSeconds,
    });
    await client.sync();
    db = drizzleLibsql(client, { schema });
    // readYourWrites (on by default) already shows a write to its writer; a sync brings the rest with it.
    // The primary stays open beside the replica for the reads that must not lag (readPrimary).
    registerLibsql(
      db,
      client,
      async () => {
        await client.sync().catch(() => undefined);
      },
      { client: primary, db: primaryDb },
      config.replica.path,
    );
  } else {
    db = primaryDb;
    seededCount.set(config, await prepareContent(db, options));
  }
  return db;
}

/** How many demo stories opening a libSQL database added (it seeds on the primary while opening). */
const seededCount = new WeakMap<object, number>();

/** Opens whatever the environment (or `config`) names. */
export async function openConfiguredDatabase(config: DatabaseConfig = databaseSettings(), options: OpenOptions = {}): Promise<Db> {
  return config.driver === 'libsql' ? openLibsqlDatabase(config, options) : openDatabase(config.path, options);
}

async function prepareContent(db: Db, options: OpenOptions): Promise<number> {
  await ensureFailureTypes(db);
  return options.seedDemo ? seedDemoContent(db) : 0;
}

/** Where the database is, for start-up messages (never the auth token). */
export function describeDatabaseConfig(config: DatabaseConfig): string {
  if (config.driver === 'better-sqlite3') return resolve(config.path);
  const url = new URL(config.url);
  const shown = `${url.protocol}//${url.host}`;
  return config.replica ? `${shown} (replica at ${resolve(config.replica.path)})` : shown;
}

let shared: Promise<Db> | null = null;
let sharedDb: Db | null = null;
/** process, as the event emitter it is, for the events scripts/serve.mjs listens to. */
const processEvents: NodeJS.EventEmitter = process;

/** The process-wide database, opened on first use from the environment. */
export function getDb(): Promise<Db> {
  shared ??= openShared().catch((error) => {
    shared = null;
    throw error;
  });
  return shared;
}

async function openShared(): Promise<Db> {
  const config = databaseSettings();
  // Refuse a libSQL start without a shared SECRET now, not on the first post.
  if (config.driver === 'libsql') getServerSecret();
  const seedDemo = seedDemoSetting();
  let db: Db;
  try {
    db = await openConfiguredDatabase(config, { seedDemo: config.driver === 'libsql' && seedDemo });
  } catch (error) {
    if (error instanceof DatabaseOpenError) processEvents.emit(DATABASE_FAILED, { path: error.path, reason: error.reason });
    throw error;
  }
  if (config.driver === 'libsql' && !(await primaryZeroesDeletedRows(db))) console.warn(PRIMARY_KEEPS_DELETED_TEXT);
  const demoStoriesAdded = config.driver === 'libsql' ? (seededCount.get(config) ?? 0) : seedDemo ? await seedWhileOpening(db) : 0;
  const row = await db.get<{ n: number }>(sql`SELECT count(*) AS n FROM stories`);
  sharedDb = db;
  processEvents.emit(DATABASE_OPENED, { path: describeDatabaseConfig(config), storyCount: Number(row?.n ?? 0), demoStoriesAdded });
  processEvents.once(SHUTDOWN, closeSharedDatabase);
  return db;
}

/** Seeds with the patience of opening: other processes may be starting at the same moment. */
async function seedWhileOpening(db: Db): Promise<number> {
  const writer = sqliteWriterOf(db);
  writer?.pragma(`busy_timeout = ${OPEN_BUSY_TIMEOUT_MS}`);
  try {
    return await seedDemoContent(db);
  } finally {
    writer?.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  }
}

/** Checkpoints and closes the process-wide connections (at shutdown); the WAL file goes with it. */
export function closeSharedDatabase(): void {
  if (!sharedDb) return;
  const db = sharedDb;
  sharedDb = null;
  shared = null;
  closeDatabase(db);
}
