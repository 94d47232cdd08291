/** npm run db:backup: an online copy of the default mode's database, taken while the server runs. */
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDb, startServer, type TestServer } from '../helpers/server';

let server: TestServer;

beforeAll(async () => {
  server = await startServer({ SEED_DEMO: '1' });
});

afterAll(async () => {
  await server?.stop();
});

function runBackup(args: string[], env: Record<string, string> = {}) {
  const { DATABASE_URL, DATABASE_AUTH_TOKEN, DATABASE_REPLICA_PATH, DATABASE_SYNC_INTERVAL, ...inherited } = process.env;
  void [DATABASE_URL, DATABASE_AUTH_TOKEN, DATABASE_REPLICA_PATH, DATABASE_SYNC_INTERVAL];
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/db-backup.ts', ...args], {
    env: { ...inherited, DATABASE_PATH: server.databasePath, ...env },
    encoding: 'utf8',
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function storyTitles(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    return (db.prepare('SELECT title FROM stories ORDER BY id').all() as { title: string }[]).map((row) => row.title);
  } finally {
    db.close();
  }
}

describe('npm run db:backup', () => {
  it('copies the live database while the server runs, and the copy opens with every story in it', async () => {
    const target = join(server.dataDir, 'backup-1.db');
    const home = fetch(`${server.origin}/`);
    const result = runBackup([target]);
    expect((await home).status).toBe(200);
    expect(result.output).toMatch(/Backed up .* \(\d+ pages\)/);
    expect(result.status).toBe(0);
    const live = readDb(server, (db) => (db.prepare('SELECT title FROM stories ORDER BY id').all() as { title: string }[]).map((row) => row.title));
    expect(live.length).toBeGreaterThan(0);
    expect(storyTitles(target)).toEqual(live);
    expect((await fetch(`${server.origin}/healthz`)).status).toBe(200);
  });

  it('refuses to overwrite an existing file and leaves it untouched', () => {
    const target = join(server.dataDir, 'keep-me.db');
    writeFileSync(target, 'an older backup');
    const result = runBackup([target]);
    expect(result.status).toBe(1);
    expect(result.output).toContain('already exists');
    expect(result.output).toContain('--force');
    expect(readFileSync(target, 'utf8')).toBe('an older backup');
  });

  it('replaces an existing file with --force', () => {
    const target = join(server.dataDir, 'replace-me.db');
    writeFileSync(target, 'an older backup');
    const result = runBackup([target, '--force']);
    expect(result.status).toBe(0);
    expect(storyTitles(target).length).toBeGreaterThan(0);
  });

  it('refuses in libSQL mode, pointing at the primary for backups', () => {
    const result = runBackup([join(server.dataDir, 'never.db')], { DATABASE_URL: 'http://127.0.0.1:9', DATABASE_PATH: '' });
    expect(result.status).toBe(2);
    expect(result.output).toContain('back up the primary');
  });

  it('explains its usage when no file is named', () => {
    const result = runBackup([]);
    expect(result.status).toBe(2);
    expect(result.output).toContain('Usage: npm run db:backup -- <file> [--force]');
  });
});
