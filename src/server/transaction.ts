/**
 * The one way to write, on either driver (issue 11). Services read on `db` and write only inside
 * `write()` or `inTransaction()`, written once for both:
 *
 * - better-sqlite3 (the default): two connections to one file. Reads go to the reader; every write
 *   goes through the writer, one at a time behind an in-process FIFO lock, as `BEGIN IMMEDIATE … COMMIT`
 *   around the async work. A write issued on the writer while another request's transaction is open
 *   would otherwise silently join it; and the reader never sees uncommitted rows (WAL snapshots).
 *   drizzle's own `transaction()` cannot be used here: it is synchronous and would commit before an
 *   async callback's awaits run. A nested call (same async chain, tracked with AsyncLocalStorage)
 *   becomes a SAVEPOINT.
 * - libSQL: drizzle's interactive transactions (nested ones are savepoints); sqld serializes writers.
 *
 * Keep slow work (password hashing, Markdown rendering) outside: the lock is held for the whole callback.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type Database from 'better-sqlite3';
import type { Client } from '@libsql/client';
import { sql, type SQL } from 'drizzle-orm';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type * as schema from '../../db/schema';
import { isDatabaseBusy } from './errors';
import { startReplicaCheckpoints, type ReplicaCheckpoints } from './replica-checkpoint';

/** A database (or a transaction in one) on either driver; every query result is awaited. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Db = BaseSQLiteDatabase<'sync' | 'async', any, typeof schema>;

/** How long one statement may wait for another process's write lock (better-sqlite3 blocks while it waits). */
export const BUSY_TIMEOUT_MS = 200;
/** A write waits this long, without blocking other requests, for another process to release the file. */
export const WRITE_LOCK_WAIT_MS = 3_000;
const WRITE_LOCK_POLL_MS = 25;

type Connections =
  | {
      driver: 'better-sqlite3';
      reader: Database.Database;
      writer: Database.Database;
      /** drizzle over the writer connection: what write()/inTransaction() hand to their callback. */
      writerDb: Db;
      lock: FifoLock;
    }
  | {
      driver: 'libsql';
      client: Client;
      db: Db;
      afterWrite: (() => Promise<void>) | undefined;
      /** With an embedded replica: the primary itself, for the few reads that must not lag. */
      primary: { client: Client; db: Db } | undefined;
      /** With an embedded replica: checkpoints that drop deleted text from its write-ahead log. */
      replicaCheckpoints: ReplicaCheckpoints | undefined;
    };

interface OpenWrite {
  connections: Connections;
  tx: Db;
  savepoints: number;
}

const connectionsOf = new WeakMap<object, Connections>();
const openWrite = new AsyncLocalStorage<OpenWrite>();

/** One waiter at a time, in arrival order. */
class FifoLock {
  private tail: Promise<void> = Promise.resolve();
  async acquire(): Promise<() => void> {
    let release!: () => void;
    const previous = this.tail;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    await previous;
    return release;
  }
}

export function registerSqlite(readerDb: Db, reader: Database.Database, writerDb: Db, writer: Database.Database): void {
  const connections: Connections = { driver: 'better-sqlite3', reader, writer, writerDb, lock: new FifoLock() };
  connectionsOf.set(readerDb, connections);
  connectionsOf.set(writerDb, connections);
}

/**
 * `afterWrite` runs after each committed write (an embedded replica syncs, so its writer reads it at
 * once); `primary` is the primary behind a replica, for reads that must not lag (see readPrimary);
 * `replicaPath` the replica's file, checkpointed after deletions (see forgetDeletedText).
 */
export function registerLibsql(
  db: Db,
  client: Client,
  afterWrite?: () => Promise<void>,
  primary?: { client: Client; db: Db },
  replicaPath?: string,
): void {
  const replicaCheckpoints = replicaPath ? startReplicaCheckpoints(replicaPath) : undefined;
  connectionsOf.set(db, { driver: 'libsql', client, db, afterWrite, primary, replicaCheckpoints });
}

/**
 * The database to read when a replica's answer may be behind another server's write (a session
 * created a moment ago on another server): the primary behind an embedded replica, else `db` itself.
 */
export function readPrimary(db: Db): Db {
  const connections = connectionsFor(db);
  return connections.driver === 'libsql' && connections.primary ? connections.primary.db : db;
}

function connectionsFor(db: Db): Connections {
  const known = connectionsOf.get(db);
  if (known) return known;
  const current = openWrite.getStore();
  if (current && current.tx === db) return current.connections;
  throw new Error('This database handle was not opened by openDatabase() (or its transaction has ended).');
}

export function driverOf(db: Db): 'better-sqlite3' | 'libsql' {
  return connectionsFor(db).driver;
}

/**
 * The raw better-sqlite3 connection this handle reads on (the writer inside a write or
 * transaction, else the reader), or null on libSQL: for statements prepared once and kept.
 */
export function sqliteConnectionOf(db: Db): Database.Database | null {
  const connections = connectionsFor(db);
  if (connections.driver !== 'better-sqlite3') return null;
  return db === connections.writerDb ? connections.writer : connections.reader;
}

/** The raw better-sqlite3 reader connection, or null on libSQL (tests watch the statements it runs). */
export function sqliteReaderOf(db: Db): Database.Database | null {
  const connections = connectionsFor(db);
  return connections.driver === 'better-sqlite3' ? connections.reader : null;
}

/** The raw better-sqlite3 writer connection, or null on libSQL (pragmas, checkpoints, backups, tests). */
export function sqliteWriterOf(db: Db): Database.Database | null {
  const connections = connectionsFor(db);
  return connections.driver === 'better-sqlite3' ? connections.writer : null;
}

export interface WriteOptions {
  /**
   * 'relaxed' commits without waiting for the disk (synchronous = NORMAL) on better-sqlite3: for
   * counters a power cut may lose (rate-limit hits). In WAL mode this cannot corrupt anything.
   */
  durability?: 'full' | 'relaxed';
}

/**
 * Runs `work` as one transaction and returns its result; rolls back and rethrows when it throws.
 * Inside another write or transaction of the same request it becomes a savepoint.
 */
export async function inTransaction<T>(db: Db, work: (tx: Db) => T | PromiseLike<T>, options: WriteOptions = {}): Promise<T> {
  const connections = connectionsFor(db);
  const current = openWrite.getStore();
  if (current && current.connections === connections) return nested(current, work);
  if (connections.driver === 'libsql') {
    const result = await connections.db.transaction((tx) =>
      openWrite.run({ connections, tx, savepoints: 0 }, async () => work(tx)),
    );
    await connections.afterWrite?.();
    return result;
  }
  const { writer, writerDb, lock } = connections;
  const release = await lock.acquire();
  const previous = Number(writer.pragma('synchronous', { simple: true }));
  const relaxed = options.durability === 'relaxed' && previous > 1;
  try {
    if (relaxed) writer.pragma('synchronous = NORMAL');
    await beginImmediate(writer);
    try {
      const result = await openWrite.run({ connections, tx: writerDb, savepoints: 0 }, async () => work(writerDb));
      writer.exec('COMMIT');
      return result;
    } catch (error) {
      if (writer.inTransaction) writer.exec('ROLLBACK');
      throw error;
    }
  } finally {
    if (relaxed) writer.pragma(`synchronous = ${previous}`);
    release();
  }
}

/** A single write (or a few that need no atomicity): on better-sqlite3 it still takes the writer lock. */
export async function write<T>(db: Db, work: (w: Db) => T | PromiseLike<T>, options: WriteOptions = {}): Promise<T> {
  const connections = connectionsFor(db);
  const current = openWrite.getStore();
  if (current && current.connections === connections) return work(current.tx);
  if (connections.driver === 'libsql') {
    const result = await work(connections.db);
    await connections.afterWrite?.();
    return result;
  }
  return inTransaction(db, work, options);
}

async function nested<T>(current: OpenWrite, work: (tx: Db) => T | PromiseLike<T>): Promise<T> {
  const { connections } = current;
  if (connections.driver === 'libsql') {
    return current.tx.transaction((inner) =>
      openWrite.run({ connections, tx: inner, savepoints: 0 }, async () => work(inner)),
    ) as Promise<T>;
  }
  const name = `sp${++current.savepoints}`;
  const { writer } = connections;
  writer.exec(`SAVEPOINT ${name}`);
  try {
    const result = await work(current.tx);
    writer.exec(`RELEASE ${name}`);
    return result;
  } catch (error) {
    writer.exec(`ROLLBACK TO ${name}`);
    writer.exec(`RELEASE ${name}`);
    throw error;
  }
}

/**
 * Takes the file's write lock for this connection. While another process (a backup,
 * `npm run user:role`) holds it, waits without blocking other requests, then gives up with
 * SQLite's own busy error (which forms answer as a 503 with Retry-After).
 */
async function beginImmediate(writer: Database.Database, maxWaitMs = WRITE_LOCK_WAIT_MS): Promise<void> {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    writer.pragma('busy_timeout = 0');
    try {
      writer.exec('BEGIN IMMEDIATE');
      return;
    } catch (error) {
      if (!isDatabaseBusy(error) || Date.now() >= deadline) throw error;
    } finally {
      writer.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    }
    await new Promise((resolve) => setTimeout(resolve, WRITE_LOCK_POLL_MS));
  }
}

/**
 * Waits, without blocking other requests, until the writer could take the write lock. False when
 * another process still holds it after `maxWaitMs`. (Writes wait by themselves; this lets a caller
 * ask first.)
 */
export async function waitForWriteLock(db: Db, maxWaitMs: number): Promise<boolean> {
  const connections = connectionsFor(db);
  if (connections.driver === 'libsql') return true;
  const release = await connections.lock.acquire();
  try {
    await beginImmediate(connections.writer, maxWaitMs);
    connections.writer.exec('ROLLBACK');
    return true;
  } catch (error) {
    if (isDatabaseBusy(error)) return false;
    throw error;
  } finally {
    release();
  }
}

/** Runs a write that a read page does on the side (a session refresh, a sweep); skipped when busy. */
export async function writeUnlessBusy<T>(work: () => T | Promise<T>, fallback: T): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isDatabaseBusy(error)) return fallback;
    throw error;
  }
}

const CHECKPOINT_RETRY_MS = 1_000;
const pendingCheckpoints = new WeakSet<object>();

/**
 * Deleted text must not live on in the write-ahead log: after a deletion the log is copied into
 * the database (where secure_delete has zeroed it) and truncated to nothing. Inside a transaction
 * this runs once it has committed; when another connection keeps the log busy, a little later.
 * libSQL mode: the same for the embedded replica's file, in a child process (replica-checkpoint.ts);
 * the primary's files are sqld's to clear (README, "Deleted text in libSQL mode").
 */
export function forgetDeletedText(db: Db): void {
  const connections = connectionsFor(db);
  if (connections.driver === 'libsql') {
    connections.replicaCheckpoints?.soon();
    return;
  }
  const sqlite = connections.writer;
  if (sqlite.inTransaction || sqlite.memory) {
    if (!sqlite.memory) setImmediate(() => forgetDeletedText(connections.writerDb));
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
  if (busy && !pendingCheckpoints.has(sqlite)) {
    pendingCheckpoints.add(sqlite);
    setTimeout(() => {
      pendingCheckpoints.delete(sqlite);
      forgetDeletedText(connections.writerDb);
    }, CHECKPOINT_RETRY_MS).unref();
  }
}

/** Quick liveness query for /healthz. */
export async function checkDatabase(db: Db): Promise<boolean> {
  const row = await db.get<{ ok: number }>(sql`SELECT 1 AS ok`);
  return Number(row?.ok) === 1;
}

/** Closes every connection of a database (checkpointing the default mode's log first). */
export function closeDatabase(db: Db): void {
  const connections = connectionsFor(db);
  if (connections.driver === 'libsql') {
    connections.client.close();
    connections.primary?.client.close();
    connections.replicaCheckpoints?.close();
    return;
  }
  const { reader, writer } = connections;
  try {
    if (writer.open && !writer.inTransaction) writer.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    reader.close();
    writer.close();
  }
}

/** Rows a statement changed: better-sqlite3 says `changes`, libSQL `rowsAffected`. */
export function rowsChanged(result: unknown): number {
  const { changes, rowsAffected } = result as { changes?: number | bigint; rowsAffected?: number | bigint };
  return Number(changes ?? rowsAffected ?? 0);
}

/**
 * The first row of a raw query, or undefined. Use instead of `db.get(sql…)`, which on libSQL
 * (drizzle 0.45) throws when the query returns no row.
 */
export async function firstRow<T>(db: Db, query: SQL): Promise<T | undefined> {
  const rows = await db.all<T>(query);
  return rows[0];
}
