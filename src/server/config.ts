/** Where the server keeps its state; read from the environment once per call. */
import { dirname, resolve } from 'node:path';

export const DEFAULT_DATABASE_PATH = 'data/rite-of-passage.db';

export function databasePath(): string {
  return process.env.DATABASE_PATH?.trim() || DEFAULT_DATABASE_PATH;
}

/** The folder beside the database, for server-generated files such as the secret. */
export function dataFolder(): string {
  const path = databasePath();
  return path === ':memory:' ? resolve('data') : dirname(resolve(path));
}
