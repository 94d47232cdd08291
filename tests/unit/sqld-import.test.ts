/**
 * `npm run db:server -- --import` (scripts/sqld-import.mjs) copies live rows only: text deleted in
 * the source, still lying in its free space, does not travel into the new primary. The README's
 * "erase it at once" relies on this.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importIntoSqld } from '../../scripts/sqld-import.mjs';

const dir = mkdtempSync(join(tmpdir(), 'rop-sqld-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('importing a database into a new sqld data folder', () => {
  it('brings every live row and user_version, and none of the deleted text left in free space', async () => {
    const sourcePath = join(dir, 'source.db');
    const source = new Database(sourcePath);
    source.pragma('journal_mode = WAL');
    source.pragma('secure_delete = OFF');
    source.pragma('user_version = 7');
    source.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    const insert = source.prepare('INSERT INTO notes (body) VALUES (?)');
    for (let i = 0; i < 200; i++) insert.run(`kept note ${i} ${'x'.repeat(200)}`);
    const secret = `wibblesecret${Math.random().toString(36).slice(2, 10)}`;
    for (let i = 0; i < 50; i++) insert.run(`${secret} ${'y'.repeat(300)}`);
    source.prepare('DELETE FROM notes WHERE body LIKE ?').run(`${secret}%`);
    source.pragma('wal_checkpoint(TRUNCATE)');
    expect(readFileSync(sourcePath).includes(Buffer.from(secret))).toBe(true);

    // The source stays open, as on a running site.
    const target = await importIntoSqld(sourcePath, join(dir, 'data.sqld'));
    source.close();

    expect(readFileSync(target).includes(Buffer.from(secret))).toBe(false);
    const copy = new Database(target, { readonly: true });
    try {
      expect(copy.prepare('SELECT count(*) AS n FROM notes').get()).toEqual({ n: 200 });
      expect(copy.pragma('user_version', { simple: true })).toBe(7);
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      copy.close();
    }
  });
});
