/**
 * The embedded replica's checkpoints (src/server/replica-checkpoint.ts): run from a child process
 * while the libSQL client keeps the file open, they empty its write-ahead log, and the replica
 * goes on reading and syncing as before.
 */
import { createClient, type Client } from '@libsql/client';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReplicaCheckpoints } from '../../src/server/replica-checkpoint';
import { startSqld, type TestSqld } from '../helpers/sqld';

let sqld: TestSqld;
let primary: Client;
let replica: Client;
const dir = mkdtempSync(join(tmpdir(), 'rop-replica-checkpoint-'));
const replicaPath = join(dir, 'replica.db');

beforeAll(async () => {
  sqld = await startSqld();
  primary = createClient({ url: sqld.url });
  await primary.execute('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  replica = createClient({ url: `file:${replicaPath}`, syncUrl: sqld.url });
});
afterAll(async () => {
  if (!replica?.closed) replica?.close();
  primary?.close();
  await sqld?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const walBytes = () => {
  try {
    return statSync(`${replicaPath}-wal`).size;
  } catch {
    return 0;
  }
};

describe('replica checkpoints', () => {
  it('empty the replica’s write-ahead log while the client has it open, and the replica keeps syncing', async () => {
    for (let i = 0; i < 20; i++) await primary.execute({ sql: 'INSERT INTO notes (body) VALUES (?)', args: [`note ${i}`] });
    await replica.sync();
    expect((await replica.execute('SELECT count(*) AS n FROM notes')).rows[0].n).toBe(20);
    expect(walBytes()).toBeGreaterThan(0);

    const checkpoints = startReplicaCheckpoints(replicaPath, 60_000);
    try {
      checkpoints.soon();
      await expect.poll(walBytes, { timeout: 15_000 }).toBe(0);
    } finally {
      checkpoints.close();
    }

    expect((await replica.execute('SELECT count(*) AS n FROM notes')).rows[0].n).toBe(20);
    await primary.execute({ sql: 'INSERT INTO notes (body) VALUES (?)', args: ['after the checkpoint'] });
    await replica.sync();
    expect((await replica.execute('SELECT count(*) AS n FROM notes')).rows[0].n).toBe(21);
    // Another SQLite library may open the file only once this process's client has let go of it.
    replica.close();
    const file = new Database(replicaPath, { readonly: true });
    try {
      expect(file.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(file.prepare('SELECT count(*) AS n FROM notes').get()).toEqual({ n: 21 });
    } finally {
      file.close();
    }
  });
});
