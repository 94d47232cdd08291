/**
 * A libSQL primary (sqld) for a test file: a random loopback port, its own temporary data folder,
 * ready when its /health answers. One per test file is enough; stop() ends it and removes the data.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { freePort } from './server';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sqldBinary } from '../../scripts/sqld-binary.mjs';
import { importIntoSqld } from '../../scripts/sqld-import.mjs';
import { forgettingSqldArgs } from '../../scripts/sqld-extensions.mjs';

export interface TestSqld {
  /** http://127.0.0.1:<port>, for DATABASE_URL or a replica's syncUrl. */
  url: string;
  dataDir: string;
  output: () => string;
  /** Sends SIGTERM and waits for the exit; the data folder stays, to be inspected. */
  shutdown: () => Promise<void>;
  stop: () => Promise<void>;
  /** Ends it at once, for a process 'exit' handler (which cannot wait). */
  killNow: () => void;
}

export interface SqldOptions {
  /** An existing SQLite database to start the primary from, as `npm run db:server -- --import` does. */
  importFrom?: string;
  /**
   * Start it as `npm run db:server` does, set up to forget deleted text (secure_delete on every
   * connection), with a WAL checkpoint every this many seconds (60 there).
   */
  checkpointEverySeconds?: number;
}

export async function startSqld(options: SqldOptions = {}): Promise<TestSqld> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rop-sqld-'));
  if (options.importFrom) await importIntoSqld(options.importFrom, join(dataDir, 'data.sqld'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let log = '';
  const forgetting =
    options.checkpointEverySeconds === undefined ? [] : forgettingSqldArgs(join(dataDir, 'extensions'), options.checkpointEverySeconds, {});
  const child: ChildProcess = spawn(
    sqldBinary(),
    ['--db-path', join(dataDir, 'data.sqld'), '--http-listen-addr', `127.0.0.1:${port}`, '--no-welcome', ...forgetting],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: 'warn' } },
  );
  child.stdout?.on('data', (chunk) => (log += chunk));
  child.stderr?.on('data', (chunk) => (log += chunk));
  const shutdown = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  };
  const stop = async () => {
    await shutdown();
    rmSync(dataDir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`sqld did not start (exit ${child.exitCode}):\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const killNow = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { url, dataDir, output: () => log, shutdown, stop, killNow };
}
