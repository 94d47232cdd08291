/**
 * Proof for issue 11: our schema, committed migrations (with the FTS5 triggers), transactions and an
 * embedded replica work through drizzle-orm/libsql against a real sqld. The last block pins down where
 * sqld differs from our better-sqlite3 connection, so an sqld upgrade that changes it shows up here.
 */
import { createClient, type Client } from '@libsql/client';
import { eq, sql } from 'drizzle-orm';
import { drizzle, type LibSQLDatabase } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as schema from '../../db/schema';
import { findMigrationsFolder } from '../../src/server/db';
import { startSqld, type TestSqld } from '../helpers/sqld';
import { createSqliteTestDb } from '../helpers/db';

let sqld: TestSqld;
let client: Client;
let db: LibSQLDatabase<typeof schema>;
const replicaDir = mkdtempSync(join(tmpdir(), 'rop-replica-'));

beforeAll(async () => {
  sqld = await startSqld();
  client = createClient({ url: sqld.url });
  db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder: findMigrationsFolder() });
});

afterAll(async () => {
  client?.close();
  await sqld?.stop();
  rmSync(replicaDir, { recursive: true, force: true });
});

let slugCounter = 0;
async function insertStory(title: string, body: string, target: LibSQLDatabase<typeof schema> = db) {
  const now = Date.now() - (Date.now() % 60_000);
  slugCounter += 1;
  const [row] = await target
    .insert(schema.stories)
    .values({ slug: `story-${slugCounter}`, title, bodyMarkdown: body, bodyHtml: `<p>${body}</p>`, createdAt: now, publishedAt: now })
    .returning({ id: schema.stories.id });
  return row.id;
}

async function searchStories(words: string): Promise<number[]> {
  const rows = await db.all<{ rowid: number }>(sql`SELECT rowid FROM stories_fts WHERE stories_fts MATCH ${words} ORDER BY rowid`);
  return rows.map((row) => Number(row.rowid));
}

describe('drizzle over @libsql/client against sqld', () => {
  it('applies every committed migration once, in the same migrations table the default mode uses', async () => {
    const applied = await db.all<{ hash: string }>(sql`SELECT hash FROM __drizzle_migrations`);
    const journal = (await import('../../db/migrations/meta/_journal.json', { with: { type: 'json' } })).default;
    expect(applied).toHaveLength(journal.entries.length);
    await migrate(db, { migrationsFolder: findMigrationsFolder() });
    expect(await db.all(sql`SELECT hash FROM __drizzle_migrations`)).toHaveLength(journal.entries.length);
    const tables = await db.all<{ name: string }>(sql`SELECT name FROM sqlite_schema WHERE type = 'table' AND name IN ('stories', 'stories_fts', 'rate_limit_buckets')`);
    expect(tables.map((t) => t.name).sort()).toEqual(['rate_limit_buckets', 'stories', 'stories_fts']);
  });

  it('keeps the FTS5 index in step through the search triggers: indexed on insert, gone when hidden', async () => {
    const id = await insertStory('Dropped the orders table', 'A migration ran against production instead of staging.');
    expect(await searchStories('staging')).toContain(id);
    await db.update(schema.stories).set({ state: 'hidden' }).where(eq(schema.stories.id, id));
    expect(await searchStories('staging')).not.toContain(id);
  });

  it('rolls back a transaction that calls rollback(), and one that throws', async () => {
    await expect(
      db.transaction(async (tx) => {
        await insertStory('Never committed', 'rolled back on purpose', tx as unknown as LibSQLDatabase<typeof schema>);
        tx.rollback();
      }),
    ).rejects.toThrow(/rollback/i);
    await expect(
      db.transaction(async (tx) => {
        await insertStory('Never committed either', 'rolled back by an error', tx as unknown as LibSQLDatabase<typeof schema>);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    const leftovers = await db.select().from(schema.stories).where(sql`${schema.stories.title} LIKE 'Never committed%'`);
    expect(leftovers).toEqual([]);
    expect(await searchStories('rolled')).toEqual([]);
  });

  it('commits a transaction whose nested savepoint rolled back, keeping only the outer write', async () => {
    const outerId = await db.transaction(async (tx) => {
      const id = await insertStory('Outer write kept', 'the outer part of the transaction', tx as unknown as LibSQLDatabase<typeof schema>);
      await expect(
        tx.transaction(async (inner) => {
          await insertStory('Inner write dropped', 'the savepoint part', inner as unknown as LibSQLDatabase<typeof schema>);
          inner.rollback();
        }),
      ).rejects.toThrow(/rollback/i);
      return id;
    });
    const titles = (await db.select({ id: schema.stories.id, title: schema.stories.title }).from(schema.stories)).map((s) => s.title);
    expect(titles).toContain('Outer write kept');
    expect(titles).not.toContain('Inner write dropped');
    expect(outerId).toBeGreaterThan(0);
  });

  it('an embedded replica sees a write made on the primary after sync(), and its own write at once', async () => {
    const replicaClient = createClient({ url: `file:${join(replicaDir, 'replica.db')}`, syncUrl: sqld.url, syncInterval: 60 });
    try {
      const replica = drizzle(replicaClient, { schema });
      await replicaClient.sync();
      const id = await insertStory('Written on the primary', 'the replica needs a sync to see this');
      await replicaClient.sync();
      const seen = await replica.select({ id: schema.stories.id }).from(schema.stories).where(eq(schema.stories.id, id));
      expect(seen).toEqual([{ id }]);
      // A write through the replica goes to the primary, and the writer reads it back without waiting.
      const ownId = await insertStory('Written through the replica', 'read your own writes', replica);
      expect(await replica.select({ id: schema.stories.id }).from(schema.stories).where(eq(schema.stories.id, ownId))).toEqual([{ id: ownId }]);
      expect(await db.select({ id: schema.stories.id }).from(schema.stories).where(eq(schema.stories.id, ownId))).toEqual([{ id: ownId }]);
    } finally {
      replicaClient.close();
    }
  });
});

describe('where sqld differs from the default better-sqlite3 connection', () => {
  it('refuses to set journal_mode, synchronous, secure_delete and busy_timeout, but accepts foreign_keys = ON', async () => {
    for (const pragma of ['journal_mode = WAL', 'synchronous = FULL', 'secure_delete = ON', 'busy_timeout = 5000']) {
      await expect(client.execute(`PRAGMA ${pragma}`), pragma).rejects.toThrow(/unsupported statement/);
    }
    await expect(client.execute('PRAGMA foreign_keys = ON')).resolves.toBeDefined();
  });

  it('runs with WAL, synchronous NORMAL, foreign keys on and secure_delete off', async () => {
    const read = async (pragma: string) => Object.values((await client.execute(`PRAGMA ${pragma}`)).rows[0])[0];
    expect(await read('journal_mode')).toBe('wal');
    expect(Number(await read('synchronous'))).toBe(1);
    expect(Number(await read('foreign_keys'))).toBe(1);
    expect(Number(await read('secure_delete'))).toBe(0);
  });

  it('keeps FTS5 secure-delete set by migration 0002, so deleted words leave the index itself', async () => {
    const rows = await client.execute("SELECT v FROM stories_fts_config WHERE k = 'secure-delete'");
    expect(Number(rows.rows[0]?.v)).toBe(1);
  });

  it('refuses VACUUM and checkpoints, and keeps a deleted row’s text in its replication log', async () => {
    for (const statement of ['VACUUM', 'PRAGMA wal_checkpoint(TRUNCATE)']) {
      await expect(client.execute(statement), statement).rejects.toThrow(/unsupported statement/);
    }
    const marker = `deleted-words-${Date.now()}`;
    await client.execute({ sql: 'INSERT INTO rate_limit_buckets (key, paid_up_at) VALUES (?, 0)', args: [marker] });
    await client.execute({ sql: 'DELETE FROM rate_limit_buckets WHERE key = ?', args: [marker] });
    const folder = join(sqld.dataDir, 'data.sqld', 'dbs', 'default');
    const holding = readdirSync(folder).filter((name) => {
      const path = join(folder, name);
      return statSync(path).isFile() && readFileSync(path).includes(marker);
    });
    // Phase 2 must answer this before "deleted text really gone" holds in libSQL mode.
    expect(holding).toContain('wallog');
  });

  it('enforces foreign keys, and drizzle wraps the driver error: its code is on error.cause', async () => {
    const error = await db
      .insert(schema.stories)
      .values({ slug: 'orphan', title: 'x', bodyMarkdown: 'x', bodyHtml: 'x', authorId: 999_999, createdAt: 0, publishedAt: 0 })
      .then(() => null, (caught: Error) => caught);
    expect(error?.message).toMatch(/^Failed query/);
    expect((error?.cause as { code?: string } | undefined)?.code).toMatch(/SQLITE_CONSTRAINT/);
    expect(String(error?.cause)).toMatch(/FOREIGN KEY/i);
  });
});

describe('moving an existing default-mode database to a sqld primary', () => {
  it('starts a primary from the file with every story searchable, migrations up to date, and a replica receiving it all', async () => {
    const source = await createSqliteTestDb({ seedDemo: true });
    const titles = (source.sqlite.prepare('SELECT title FROM stories ORDER BY id').all() as { title: string }[]).map((row) => row.title);
    const indexed = (source.sqlite.prepare('SELECT count(*) AS n FROM stories_fts').get() as { n: number }).n;
    // The source stays open (and not checkpointed) while it is copied, as on a running site.
    const moved = await startSqld({ importFrom: source.path });
    const primaryClient = createClient({ url: moved.url });
    const replicaClient = createClient({ url: `file:${join(replicaDir, 'moved-replica.db')}`, syncUrl: moved.url, syncInterval: 60 });
    try {
      const primary = drizzle(primaryClient, { schema });
      const before = await primary.all(sql`SELECT hash FROM __drizzle_migrations`);
      await migrate(primary, { migrationsFolder: findMigrationsFolder() });
      expect(await primary.all(sql`SELECT hash FROM __drizzle_migrations`)).toHaveLength(before.length);
      expect(titles.length).toBeGreaterThan(0);
      expect((await primary.select({ title: schema.stories.title }).from(schema.stories).orderBy(schema.stories.id)).map((s) => s.title)).toEqual(titles);
      expect(Number((await primaryClient.execute('SELECT count(*) AS n FROM stories_fts')).rows[0].n)).toBe(indexed);
      await replicaClient.sync();
      expect(Number((await replicaClient.execute('SELECT count(*) AS n FROM stories')).rows[0].n)).toBe(titles.length);
    } finally {
      replicaClient.close();
      primaryClient.close();
      await moved.stop();
      source.cleanup();
    }
  }, 120_000);
});
