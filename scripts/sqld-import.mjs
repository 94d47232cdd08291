// Moves an existing SQLite database (the default mode's data/*.db) into a new sqld primary's data
// folder. sqld 0.24, finding a database file without a replication log at its first start, logs
// "replication log not found, recovering from database file" and builds the log from it, so
// replicas receive every row. The copy is taken with VACUUM INTO, which reads the source in one
// transaction (so it may be in use) and writes only live rows: free pages, where deleted text can
// linger, are not carried over. Refuses when the folder already holds a database: sqld would
// ignore or clash with it.
import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** sqldDbPath is what sqld gets as --db-path (e.g. data/sqld/data.sqld). */
export async function importIntoSqld(sourcePath, sqldDbPath) {
  if (!existsSync(sourcePath)) throw new Error(`No database at ${sourcePath} to import.`);
  if (existsSync(sqldDbPath)) throw new Error(`${sqldDbPath} already exists; import only into a new sqld data folder.`);
  const target = join(sqldDbPath, 'dbs', 'default', 'data');
  mkdirSync(join(sqldDbPath, 'dbs', 'default'), { recursive: true });
  const source = new Database(sourcePath, { fileMustExist: true });
  try {
    source.pragma('busy_timeout = 5000');
    source.prepare('VACUUM INTO ?').run(target);
  } finally {
    source.close();
  }
  return target;
}
