/**
 * A fresh, migrated database per test. Default: a temp SQLite file (so WAL and pragmas behave as in
 * production). With TEST_DB_DRIVER=libsql: one sqld primary per test file, emptied before each test
 * and opened through a new client, so the same tests prove the services on libSQL.
 */
import type Database from 'better-sqlite3';
import { createClient, type InValue } from '@libsql/client';
import { afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, openLibsqlDatabase, type Db } from '../../src/server/db';
import { closeDatabase, sqliteReaderOf, sqliteWriterOf } from '../../src/server/transaction';
import { startSqld, type TestSqld } from './sqld';

process.env.SECRET ??= 'test-secret-for-unit-tests-only-0123456789';

export const testDbDriver: 'better-sqlite3' | 'libsql' = process.env.TEST_DB_DRIVER === 'libsql' ? 'libsql' : 'better-sqlite3';
/** True on libSQL: tests that look at the SQLite file or connection itself skip then. */
export const onLibsql = testDbDriver === 'libsql';

type Row = Record<string, unknown>;

export interface TestDb {
  db: Db;
  /** Default mode: the database file. */
  path: string;
  /** Default mode only: the raw writer connection, for tests that inspect the file or the connection. */
  sqlite: Database.Database;
  /** Default mode only: the raw reader connection, where services' reads run. */
  reader: Database.Database;
  /** Raw SQL below the services, on either driver. */
  row: <T = Row>(sql: string, ...params: unknown[]) => Promise<T | undefined>;
  rows: <T = Row>(sql: string, ...params: unknown[]) => Promise<T[]>;
  run: (sql: string, ...params: unknown[]) => Promise<void>;
  cleanup: () => void;
}

export async function createTestDb(options: { seedDemo?: boolean } = {}): Promise<TestDb> {
  return testDbDriver === 'libsql' ? createLibsqlTestDb(options) : createSqliteTestDb(options);
}

/** Always the default mode, whatever TEST_DB_DRIVER says (tests that compare or move between drivers). */
export async function createSqliteTestDb(options: { seedDemo?: boolean }): Promise<TestDb> {
  const dir = mkdtempSync(join(tmpdir(), 'rop-test-'));
  const path = join(dir, 'test.db');
  const db = await openDatabase(path, { seedDemo: options.seedDemo ?? false });
  const sqlite = sqliteWriterOf(db)!;
  return {
    db,
    path,
    sqlite,
    reader: sqliteReaderOf(db)!,
    row: async <T>(sql: string, ...params: unknown[]) => sqlite.prepare(sql).get(...params) as T | undefined,
    rows: async <T>(sql: string, ...params: unknown[]) => sqlite.prepare(sql).all(...params) as T[],
    run: async (sql: string, ...params: unknown[]) => void sqlite.prepare(sql).run(...params),
    cleanup: () => {
      closeDatabase(db);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let primary: Promise<TestSqld> | null = null;

// One primary per test file: stopped after the file's tests (registered when a test file imports this).
afterAll(async () => {
  const started = primary;
  primary = null;
  if (started) await (await started).stop();
});

async function createLibsqlTestDb(options: { seedDemo?: boolean }): Promise<TestDb> {
  if (!primary) {
    primary = startSqld();
    // Should the worker process end before the file's afterAll runs, the primary goes with it.
    primary.then((sqld) => process.once('exit', sqld.killNow), () => undefined);
  }
  const { url } = await primary;
  const raw = createClient({ url });
  const plain = (result: { columns: string[]; rows: ArrayLike<unknown>[] }) =>
    result.rows.map((row) => Object.fromEntries(result.columns.map((column, i) => [column, row[i]])));
  const execute = (sql: string, params: unknown[]) => raw.execute({ sql, args: params as InValue[] });
  await emptyAllTables(raw);
  const db = await openLibsqlDatabase({ driver: 'libsql', url, authToken: undefined, replica: undefined }, { seedDemo: options.seedDemo ?? false });
  const unavailable = () => {
    throw new Error('This test looks at the SQLite file itself: default mode only (it.skipIf(onLibsql)).');
  };
  return {
    db,
    path: '',
    get sqlite(): Database.Database {
      return unavailable();
    },
    get reader(): Database.Database {
      return unavailable();
    },
    row: async <T>(sql: string, ...params: unknown[]) => plain(await execute(sql, params))[0] as T | undefined,
    rows: async <T>(sql: string, ...params: unknown[]) => plain(await execute(sql, params)) as T[],
    run: async (sql: string, ...params: unknown[]) => void (await execute(sql, params)),
    cleanup: () => {
      closeDatabase(db);
      raw.close();
    },
  };
}

/** Every table of the app emptied (failure types and the migrations record kept), children first. */
async function emptyAllTables(client: ReturnType<typeof createClient>): Promise<void> {
  const tables = (await client.execute("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%_fts%' AND name NOT IN ('__drizzle_migrations', 'failure_types')")).rows.map((row) => String(row.name));
  let left = tables;
  for (let round = 0; left.length > 0 && round < 10; round++) {
    const failed: string[] = [];
    for (const table of left) {
      try {
        await client.execute(`DELETE FROM "${table}"`);
      } catch {
        failed.push(table);
      }
    }
    left = failed;
  }
  if (left.length > 0) throw new Error(`Could not empty ${left.join(', ')}`);
}

/** Every SQL statement a raw SQLite connection prepares while fn runs (for query-plan tests). */
export async function statementsDuring(connection: Database.Database, fn: () => Promise<unknown>): Promise<string[]> {
  const statements: string[] = [];
  const original = connection.prepare.bind(connection);
  connection.prepare = ((source: string) => {
    statements.push(source);
    return original(source);
  }) as typeof connection.prepare;
  try {
    await fn();
  } finally {
    connection.prepare = original;
  }
  return statements;
}

/** SQLite's query plan for a statement, one step per line, with every parameter bound to 1. */
export function queryPlan(connection: Database.Database, statement: string): string {
  const parameters = Array.from({ length: (statement.match(/\?/g) ?? []).length }, () => 1);
  const steps = connection.prepare(`EXPLAIN QUERY PLAN ${statement}`).all(...parameters) as { detail: string }[];
  return steps.map((step) => step.detail).join('\n');
}
