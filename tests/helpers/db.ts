/** A fresh, migrated SQLite database per test (a temp file, so WAL and pragmas behave as in production). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../src/server/db';

process.env.SECRET ??= 'test-secret-for-unit-tests-only-0123456789';

export interface TestDb {
  db: Db;
  path: string;
  cleanup: () => void;
}

export function createTestDb(options: { seedDemo?: boolean } = {}): TestDb {
  const dir = mkdtempSync(join(tmpdir(), 'rop-test-'));
  const path = join(dir, 'test.db');
  const db = openDatabase(path, { seedDemo: options.seedDemo ?? false });
  return {
    db,
    path,
    cleanup: () => {
      db.$client.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
