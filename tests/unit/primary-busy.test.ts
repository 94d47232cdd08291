/**
 * A write through an embedded replica that sqld answers with SQLite's busy (it happens while sqld runs
 * its periodic WAL checkpoint, `--checkpoint-interval-s`) is a "try again" (503), not a crash (500).
 * The message is the one @libsql/client 0.18 gave against sqld 0.24 with a checkpoint every second.
 */
import { describe, expect, it } from 'vitest';
import { isDatabaseBusy } from '../../src/server/errors';

describe('the primary busy behind a replica', () => {
  it('counts RemoteSqliteFailure with SQLite’s busy or locked code as busy, also wrapped by drizzle', () => {
    const busy = new Error('RemoteSqliteFailure(3, 5, "database is locked")');
    expect(isDatabaseBusy(busy)).toBe(true);
    expect(isDatabaseBusy(new Error('Failed query: insert into "comments"', { cause: busy }))).toBe(true);
    expect(isDatabaseBusy(new Error('RemoteSqliteFailure(3, 6, "database table is locked")'))).toBe(true);
    expect(isDatabaseBusy(new Error('RemoteSqliteFailure(3, 517, "database is locked")'))).toBe(true);
  });

  it('leaves other failures of the primary alone', () => {
    expect(isDatabaseBusy(new Error('RemoteSqliteFailure(3, 19, "UNIQUE constraint failed: users.username")'))).toBe(false);
    expect(isDatabaseBusy(new Error('RemoteSqliteFailure(3, 1, "no such table: nope")'))).toBe(false);
  });
});
