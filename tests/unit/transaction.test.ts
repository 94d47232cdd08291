/**
 * The one write helper (issue 11) on both drivers: a transaction commits or rolls back as a whole,
 * a nested one is a savepoint, and on the default driver readers never see uncommitted rows while
 * concurrent writers queue instead of joining each other's transactions.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteTestDb, type TestDb } from '../helpers/db';
import { startSqld, type TestSqld } from '../helpers/sqld';
import { openLibsqlDatabase, type Db } from '../../src/server/db';
import { closeDatabase, driverOf, inTransaction, write } from '../../src/server/transaction';

const reasons = async (db: Db) =>
  (await db.all<{ reason: string }>(sql`SELECT reason FROM reports ORDER BY id`)).map((row) => row.reason);
const fileReport = (db: Db, reason: string) =>
  db.run(sql`INSERT INTO reports (target_type, target_id, reason, state, created_at) VALUES ('story', 1, ${reason}, 'open', 1)`);

const drivers: { name: string; open: () => Promise<{ db: Db; close: () => Promise<void> }> }[] = [
  {
    name: 'better-sqlite3',
    open: async () => {
      const t: TestDb = await createSqliteTestDb({});
      return { db: t.db, close: async () => t.cleanup() };
    },
  },
  {
    name: 'libSQL (sqld)',
    open: async () => {
      const db = await openLibsqlDatabase({ driver: 'libsql', url: sqld.url, authToken: undefined, replica: undefined });
      await write(db, (w) => w.run(sql`DELETE FROM reports`));
      return { db, close: async () => closeDatabase(db) };
    },
  },
];

let sqld: TestSqld;
beforeAll(async () => {
  sqld = await startSqld();
});
afterAll(async () => {
  await sqld?.stop();
});

describe.each(drivers)('writing through the helper on $name', ({ name, open }) => {
  let db: Db;
  let close: () => Promise<void>;
  beforeEach(async () => {
    ({ db, close } = await open());
    return () => close();
  });

  it('knows which driver it is on', () => {
    expect(driverOf(db)).toBe(name.startsWith('libSQL') ? 'libsql' : 'better-sqlite3');
  });

  it('commits every write of a transaction together, and none of them when it throws', async () => {
    await inTransaction(db, async (tx) => {
      await fileReport(tx, 'first');
      await fileReport(tx, 'second');
    });
    await expect(
      inTransaction(db, async (tx) => {
        await fileReport(tx, 'lost');
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await reasons(db)).toEqual(['first', 'second']);
  });

  it('makes a nested transaction a savepoint: its failure undoes only its own writes', async () => {
    await inTransaction(db, async (tx) => {
      await fileReport(tx, 'outer');
      await expect(
        inTransaction(tx, async (inner) => {
          await fileReport(inner, 'inner');
          throw new Error('inner fails');
        }),
      ).rejects.toThrow('inner fails');
      await inTransaction(tx, (inner) => fileReport(inner, 'inner kept'));
    });
    expect(await reasons(db)).toEqual(['outer', 'inner kept']);
  });

  it('runs overlapping writers one after the other without losing any', async () => {
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        inTransaction(db, async (tx) => {
          await fileReport(tx, `a${i}`);
          await new Promise((resolve) => setTimeout(resolve, 1));
          await fileReport(tx, `b${i}`);
        }),
      ),
    );
    const all = await reasons(db);
    expect(all).toHaveLength(20);
    // Each transaction's two rows are next to each other: no writer joined another's transaction.
    for (let i = 0; i < all.length; i += 2) expect(all[i + 1]).toBe(`b${all[i].slice(1)}`);
  });

  it('hides a transaction’s rows from readers until it commits', async () => {
    let seenInside: string[] = [];
    await inTransaction(db, async (tx) => {
      await fileReport(tx, 'pending');
      seenInside = await reasons(db);
      expect(await reasons(tx)).toEqual(['pending']);
    });
    expect(seenInside).toEqual([]);
    expect(await reasons(db)).toEqual(['pending']);
  });
});
