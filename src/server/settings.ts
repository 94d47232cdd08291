/**
 * The server's settings: every environment variable the app reads is read here, in this one
 * module, and checked once (the first time it is asked for). Everything else imports from it.
 *
 * Database (issue 11):
 * - DATABASE_URL unset or `file:…`: the embedded default, better-sqlite3 on one SQLite file
 *   (`file:path/x.db`, or DATABASE_PATH / data/rite-of-passage.db when the URL names no path).
 * - DATABASE_URL `libsql://`, `http(s)://` or `ws(s)://`: a libSQL server (sqld or hosted) through
 *   @libsql/client, with DATABASE_AUTH_TOKEN when it asks for one. With DATABASE_REPLICA_PATH, an
 *   embedded replica file there, synced every DATABASE_SYNC_INTERVAL seconds (default 1).
 * Also SECRET, RATE_LIMIT and RATE_LIMIT_<BUCKET>, SEED_DEMO, MIGRATIONS_DIR and the benchmark's
 * BENCH_FLOOR / BENCH_FLOOR_FILE. (HOST, PORT, SITE_URL, TRUST_PROXY, WORKERS and the page cache
 * belong to scripts/serve.mjs, which starts the server around this bundle.)
 *
 * The parsers are pure (they take the environment as a parameter, for tests) and throw
 * DatabaseConfigError naming the variable.
 */
import { dirname, resolve } from 'node:path';
import { loadRateLimitConfig, type RateLimitConfig } from './rate-limit-config';

export const DEFAULT_DATABASE_PATH = 'data/rite-of-passage.db';
export const DEFAULT_SYNC_INTERVAL_SECONDS = 1;
/** A replica that syncs less often than hourly is a stale copy, not a replica: refuse the typo. */
export const MAX_SYNC_INTERVAL_SECONDS = 3600;

const LIBSQL_PROTOCOLS = ['libsql:', 'http:', 'https:', 'ws:', 'wss:'];

export type DatabaseConfig =
  | { driver: 'better-sqlite3'; path: string }
  | {
      driver: 'libsql';
      url: string;
      authToken: string | undefined;
      /** An embedded replica: reads answered from this local file, writes forwarded to `url`. */
      replica: { path: string; syncIntervalSeconds: number } | undefined;
    };

export class DatabaseConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DatabaseConfigError';
  }
}

export type Env = Record<string, string | undefined>;

/** An empty variable counts as unset, as in most shells' `VAR= command`. */
function read(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value ? value : undefined;
}

export function readDatabaseConfig(env: Env = process.env): DatabaseConfig {
  const url = read(env, 'DATABASE_URL');
  const databasePath = read(env, 'DATABASE_PATH');
  const authToken = read(env, 'DATABASE_AUTH_TOKEN');
  const replicaPath = read(env, 'DATABASE_REPLICA_PATH');
  const syncInterval = read(env, 'DATABASE_SYNC_INTERVAL');

  if (url === undefined || url.startsWith('file:')) {
    for (const [name, value] of [['DATABASE_AUTH_TOKEN', authToken], ['DATABASE_REPLICA_PATH', replicaPath], ['DATABASE_SYNC_INTERVAL', syncInterval]] as const) {
      if (value !== undefined) {
        throw new DatabaseConfigError(`${name} is only used with a libSQL DATABASE_URL (libsql://, http(s)://, ws(s)://); it is set while the database is a local file.`);
      }
    }
    return { driver: 'better-sqlite3', path: filePath(url, databasePath) };
  }

  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DatabaseConfigError(`DATABASE_URL is not a URL: "${url}". Use file:path/to.db, libsql://host, http(s)://host:port or ws(s)://host:port.`);
  }
  if (!LIBSQL_PROTOCOLS.includes(parsed.protocol)) {
    throw new DatabaseConfigError(`DATABASE_URL has the unsupported scheme "${parsed.protocol}". Use file:, libsql:, http:, https:, ws: or wss:.`);
  }
  if (!parsed.hostname) throw new DatabaseConfigError(`DATABASE_URL names no host: "${url}".`);
  if (databasePath !== undefined) {
    throw new DatabaseConfigError('DATABASE_PATH is not used when DATABASE_URL points at a libSQL server; unset it (DATABASE_REPLICA_PATH names the local replica file).');
  }
  if (syncInterval !== undefined && replicaPath === undefined) {
    throw new DatabaseConfigError('DATABASE_SYNC_INTERVAL only applies to an embedded replica; set DATABASE_REPLICA_PATH too.');
  }
  if (replicaPath !== undefined && (replicaPath === ':memory:' || replicaPath.includes('://'))) {
    throw new DatabaseConfigError(`DATABASE_REPLICA_PATH must be a file path for the local replica, not "${replicaPath}".`);
  }
  return {
    driver: 'libsql',
    url,
    authToken,
    replica: replicaPath === undefined ? undefined : { path: replicaPath, syncIntervalSeconds: parseSyncInterval(syncInterval) },
  };
}

function filePath(url: string | undefined, databasePath: string | undefined): string {
  const fromUrl = url === undefined ? '' : decodeURIComponent(url.slice('file:'.length).replace(/^\/\/(?=\/)/, ''));
  if (fromUrl.includes('?')) throw new DatabaseConfigError(`DATABASE_URL takes no query options for a local file: "${url}".`);
  if (fromUrl && databasePath !== undefined && fromUrl !== databasePath) {
    throw new DatabaseConfigError(`DATABASE_URL (${fromUrl}) and DATABASE_PATH (${databasePath}) name different files; set only one.`);
  }
  return fromUrl || databasePath || DEFAULT_DATABASE_PATH;
}

function parseSyncInterval(value: string | undefined): number {
  if (value === undefined) return DEFAULT_SYNC_INTERVAL_SECONDS;
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(seconds > 0) || seconds > MAX_SYNC_INTERVAL_SECONDS) {
    throw new DatabaseConfigError(`DATABASE_SYNC_INTERVAL must be a number of seconds above 0 and at most ${MAX_SYNC_INTERVAL_SECONDS}, like 1 or 0.5; got "${value}".`);
  }
  return seconds;
}

/** Remembers one setting after its first read: the environment is read and checked once. */
function once<T>(read: () => T): () => T {
  let value: { read: T } | null = null;
  return () => (value ??= { read: read() }).read;
}

/** The database the app talks to (see the top of this file). */
export const databaseSettings = once(() => readDatabaseConfig(process.env));

/** The folder beside the database file, for server-generated files such as the secret. */
export const dataFolder = once(() => {
  const database = databaseSettings();
  if (database.driver !== 'better-sqlite3' || database.path === ':memory:') return resolve('data');
  return dirname(resolve(database.path));
});

/** SECRET, when it is long enough to key hashes with (16 characters); else undefined (see secret.ts). */
export const secretSetting = once(() => {
  const secret = process.env.SECRET;
  return secret && secret.length >= 16 ? secret : undefined;
});

/** RATE_LIMIT (off disables every limit) and RATE_LIMIT_<BUCKET>="limit/seconds" overrides. */
export const rateLimitSettings = once((): RateLimitConfig => loadRateLimitConfig(process.env));

/** Whether an empty database gets the demo stories at start (SEED_DEMO=0 starts with an empty site). */
export const seedDemoSetting = once(() => process.env.SEED_DEMO !== '0');

/** MIGRATIONS_DIR: where the committed migrations are, when not found beside the code. */
export const migrationsDirSetting = once(() => {
  const dir = process.env.MIGRATIONS_DIR;
  return dir ? resolve(dir) : undefined;
});

/** The benchmark's floor page: the file to answer with, only when the benchmark started the server with BENCH_FLOOR=1. */
export const benchFloorFile = once(() => (process.env.BENCH_FLOOR === '1' && process.env.BENCH_FLOOR_FILE) || undefined);
