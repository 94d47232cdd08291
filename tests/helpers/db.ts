/** A fresh, migrated SQLite database per test (a temp file, so WAL and pragmas behave as in production). */
import type Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../src/server/db';
import { closeDatabase, sqliteReaderOf, sqliteWriterOf } from '../../src/server/transaction';

process.env.SECRET ??= 'test-secret-for-unit-tests-only-0123456789';

export interface TestDb {
  db: Db;
  path: string;
  /** The raw writer connection, for tests that set up or inspect rows below the services. */
  sqlite: Database.Database;
  /** The raw reader connection, where services' reads run. */
  reader: Database.Database;
  cleanup: () => void;
}

export async function createTestDb(options: { seedDemo?: boolean } = {}): Promise<TestDb> {
  const dir = mkdtempSync(join(tmpdir(), 'rop-test-'));
  const path = join(dir, 'test.db');
  const db = await openDatabase(path, { seedDemo: options.seedDemo ?? false });
  return {
    db,
    path,
    sqlite: sqliteWriterOf(db)!,
    reader: sqliteReaderOf(db)!,
    cleanup: () => {
      closeDatabase(db);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
