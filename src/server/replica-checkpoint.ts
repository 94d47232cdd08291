/**
 * Deleted text on an embedded replica (libSQL mode). The replica file's write-ahead log keeps every
 * page image the replica received, the text of a deleted story included, until a checkpoint copies
 * the newest images into the file (where the primary's secure_delete has zeroed the deleted rows)
 * and truncates the log. The libSQL client refuses `PRAGMA wal_checkpoint`, and a second SQLite
 * library must not open the file in this process (POSIX locks belong to the process, so the two
 * libraries would not see each other's locks: a documented way to corrupt a database). So a short
 * child process runs the checkpoint with better-sqlite3, as any other process may.
 */
import { spawn, spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';

/** How often a replica checks for page images to drop that another server's deletion left (the WAL is empty otherwise). */
export const REPLICA_CHECKPOINT_INTERVAL_MS = 30_000;
/** A checkpoint that found the log in use is tried again this much later. */
const BUSY_RETRY_MS = 1_000;
const EXIT_BUSY = 75;

const CHECKPOINT_PROGRAM = `
const Database = require(process.argv[1]);
const db = new Database(process.argv[2], { fileMustExist: true });
try {
  db.pragma('busy_timeout = 2000');
  const [result] = db.pragma('wal_checkpoint(TRUNCATE)');
  process.exitCode = result && result.busy === 0 ? 0 : ${EXIT_BUSY};
} finally {
  db.close();
}`;

function checkpointArgs(path: string): string[] {
  const betterSqlite = createRequire(import.meta.url).resolve('better-sqlite3');
  return ['-e', CHECKPOINT_PROGRAM, betterSqlite, path];
}

function walHoldsFrames(path: string): boolean {
  try {
    return statSync(`${path}-wal`).size > 0;
  } catch {
    return false;
  }
}

/** Checkpoints the replica file in a child process: 'done' when its log is now empty, 'busy' when in use. */
function checkpointReplica(path: string): Promise<'done' | 'busy' | 'failed'> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, checkpointArgs(path), { stdio: ['ignore', 'ignore', 'pipe'] });
    let errors = '';
    child.stderr?.on('data', (chunk) => (errors += chunk));
    child.once('error', (error) => {
      console.error(`Replica checkpoint of ${path} could not start: ${error.message}`);
      resolve('failed');
    });
    child.once('exit', (code) => {
      if (code === 0) return resolve('done');
      if (code === EXIT_BUSY) return resolve('busy');
      console.error(`Replica checkpoint of ${path} failed (exit ${code}): ${errors.trim().split('\n').at(-1)}`);
      resolve('failed');
    });
  });
}

export interface ReplicaCheckpoints {
  /** After a deletion: checkpoint as soon as possible, again while the log is busy. */
  soon(): void;
  /** Ends the periodic checks and, with the client closed, checkpoints one last time (shutdown). */
  close(): void;
}

/** Checkpoints the replica at `path` after our deletions and every `everyMs` for everybody else's. */
export function startReplicaCheckpoints(path: string, everyMs = REPLICA_CHECKPOINT_INTERVAL_MS): ReplicaCheckpoints {
  let running: Promise<void> | null = null;
  let queued = false;
  let retry: NodeJS.Timeout | null = null;
  let closed = false;

  const run = (): void => {
    if (closed) return;
    if (running) {
      queued = true;
      return;
    }
    running = checkpointReplica(path).then((outcome) => {
      running = null;
      if (outcome === 'busy' && !closed && !retry) {
        retry = setTimeout(() => {
          retry = null;
          run();
        }, BUSY_RETRY_MS);
        retry.unref();
      }
      if (queued) {
        queued = false;
        run();
      }
    });
  };
  const periodic = setInterval(() => {
    if (walHoldsFrames(path)) run();
  }, everyMs);
  periodic.unref();

  return {
    soon: run,
    close() {
      closed = true;
      clearInterval(periodic);
      if (retry) clearTimeout(retry);
      if (walHoldsFrames(path)) spawnSync(process.execPath, checkpointArgs(path), { stdio: 'ignore', timeout: 10_000 });
    },
  };
}
