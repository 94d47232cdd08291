/** Another process holding the write lock: reads go on, writes wait without blocking, then give up. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { createTestDb, type TestDb } from '../helpers/db';
import { waitForWriteLock, writeUnlessBusy } from '../../src/server/db';
import { registerUser } from '../../src/server/accounts';
import { createAuthSession, readSessionToken, validateSessionToken, SESSION_ABSOLUTE_LIFETIME_MS } from '../../src/server/auth/session';
import { busyAsServiceError, isDatabaseBusy, ServiceError, httpStatusFor } from '../../src/server/errors';

let t: TestDb;
let backup: Database.Database;
beforeEach(async () => {
  t = await createTestDb();
  backup = new Database(t.path);
});
afterEach(async () => {
  if (backup.inTransaction) backup.exec('ROLLBACK');
  backup.close();
  t.cleanup();
});

describe('while another connection holds the write lock', () => {
  it('lets the event loop run while a write waits, and says false when the lock is still held', async () => {
    backup.exec('BEGIN IMMEDIATE');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    const got = await waitForWriteLock(t.db, 300);
    clearInterval(timer);
    expect(got).toBe(false);
    expect(ticks).toBeGreaterThan(0);
  });

  it('gets the lock as soon as the other connection lets go', async () => {
    backup.exec('BEGIN IMMEDIATE');
    setTimeout(() => backup.exec('ROLLBACK'), 100);
    expect(await waitForWriteLock(t.db, 5_000)).toBe(true);
  });

  it('turns the busy error of a write into a 503 with Retry-After, and skips side writes', async () => {
    backup.exec('BEGIN IMMEDIATE');
    let caught: unknown;
    try {
      t.sqlite.exec("INSERT INTO reports (target_type, target_id, reason, state, created_at) VALUES ('story', 1, 'x', 'open', 1)");
    } catch (error) {
      caught = error;
    }
    expect(isDatabaseBusy(caught)).toBe(true);
    const explained = busyAsServiceError(caught);
    expect(explained).toBeInstanceOf(ServiceError);
    expect(httpStatusFor((explained as ServiceError).code)).toBe(503);
    expect((explained as ServiceError).retryAfterSeconds).toBeGreaterThan(0);
    expect(await writeUnlessBusy(() => t.sqlite.prepare('DELETE FROM reports').run().changes, -1)).toBe(-1);
  });

  it('still reads a login session without refreshing it', async () => {
    const user = await registerUser(t.db, 'night_owl', 'a long and unusual passphrase 42');
    const { token } = await createAuthSession(t.db, user.id);
    backup.exec('BEGIN IMMEDIATE');
    const read = await readSessionToken(t.db, token);
    expect(read?.user.username).toBe('night_owl');
    backup.exec('ROLLBACK');
    expect((await validateSessionToken(t.db, token))?.session.id).toBe(read?.session.id);
  });

  it('does not read a session past its absolute lifetime', async () => {
    const user = await registerUser(t.db, 'old_owl', 'a long and unusual passphrase 42');
    const { token } = await createAuthSession(t.db, user.id);
    expect(await readSessionToken(t.db, token, Date.now() + SESSION_ABSOLUTE_LIFETIME_MS + 1)).toBeNull();
    expect(await readSessionToken(t.db, 'not-a-token')).toBeNull();
  });
});
