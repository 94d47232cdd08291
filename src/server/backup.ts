/**
 * Online backup of the default mode's SQLite file through SQLite's backup API (better-sqlite3's
 * .backup()): a consistent copy taken while the server keeps reading and writing, unlike copying the
 * file, which can catch a half-checkpointed WAL. In libSQL mode the primary owns the data; back it up
 * there (README, "Running on more than one machine").
 */
import Database from 'better-sqlite3';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';

export class BackupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

export interface BackupOptions {
  /** Replace an existing file at the target (otherwise refused, so a typo cannot destroy a backup). */
  overwrite?: boolean;
}

/** Copies the database at `sourcePath` to `targetPath`; resolves with the number of pages copied. */
export async function backupDatabase(sourcePath: string, targetPath: string, options: BackupOptions = {}): Promise<number> {
  if (!existsSync(sourcePath)) throw new BackupError(`No database at ${sourcePath} to back up.`);
  if (resolve(sourcePath) === resolve(targetPath)) throw new BackupError('The backup must go to another file than the database itself.');
  if (existsSync(targetPath) && !options.overwrite) {
    throw new BackupError(`${targetPath} already exists; choose a new file name, or add --force to replace it.`);
  }
  // Written beside the target under a temporary name and renamed when complete, so the target is
  // never a half-written copy, even when replacing an older backup.
  const partial = `${targetPath}.partial-${randomBytes(6).toString('hex')}`;
  const source = new Database(sourcePath, { fileMustExist: true });
  try {
    // busy_timeout: the backup waits for a writer's lock instead of failing on a busy site.
    source.pragma('busy_timeout = 5000');
    const progress = await source.backup(partial);
    renameSync(partial, targetPath);
    return progress.totalPages;
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  } finally {
    source.close();
  }
}
