// Every environment setting the server script reads (issue 11), read and checked in one place when
// it starts: scripts/serve.mjs, scripts/workers.mjs and scripts/page-cache.mjs get them from here
// and never read process.env themselves. A setting that cannot work throws SettingError with one
// line saying what to do. (The site's own settings, read inside the Astro bundle, live in src/server.)
import { readSiteSettings, SettingError } from './request-origin.mjs';

export { SettingError };

const DEFAULT_PORT = 4321;
const DEFAULT_DATABASE_PATH = 'data/rite-of-passage.db';
const DEFAULT_PAGE_CACHE_MB = 64;

/**
 * @typedef {object} PageCacheSettings
 * @property {boolean} enabled   PAGE_CACHE (on unless `off`), and only when a local SQLite file holds the site version
 * @property {string} databasePath  the SQLite file the site version is read from ('' when there is none)
 * @property {number} maxBytes   PAGE_CACHE_MB, per process
 * @property {string[]} purgeUrls  CACHE_PURGE_URLS, comma-separated
 * @property {boolean} walHeaderCheck  whether a hit may learn "nothing was written" from SQLite's own
 *   wal-index header instead of a query: our own database file yes, a libSQL replica (written by
 *   libSQL's sync) no
 * @property {boolean} libsqlReplica  the file is this server's libSQL embedded replica, so the cache
 *   opens it with libSQL's own SQLite library, never a second one in the same process
 */

/**
 * @typedef {object} ServerSettings
 * @property {string} host       HOST (default localhost)
 * @property {number} port       PORT (default 4321; 0 picks a free port)
 * @property {number} workers    WORKERS (default 1)
 * @property {ReturnType<typeof readSiteSettings>} site  SITE_URL, SITE_HOSTNAMES, TRUST_PROXY (see request-origin.mjs)
 * @property {string | null} localDatabasePath  the SQLite file this process can read directly, or null
 * @property {PageCacheSettings} pageCache
 */

/**
 * Reads and checks the server's settings from `env`.
 * @param {Record<string, string | undefined>} [env]
 * @returns {ServerSettings}
 */
export function readServerSettings(env = process.env) {
  const host = env.HOST ?? 'localhost';
  const port = Number(env.PORT ?? DEFAULT_PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new SettingError(`PORT="${env.PORT}" is not a port number (0–65535).`);
  const site = readSiteSettings(env);

  const workers = Math.max(1, Number.parseInt(env.WORKERS ?? '1', 10) || 1);
  if (workers > 1 && env.DATABASE_REPLICA_PATH?.trim()) {
    // An embedded replica file belongs to one process; workers sharing one would corrupt it.
    throw new SettingError(
      'WORKERS cannot be combined with DATABASE_REPLICA_PATH: a replica file belongs to one process. Run one server per replica (each with its own DATABASE_REPLICA_PATH and PORT) behind the load balancer instead.',
    );
  }

  const megabytes = Number(env.PAGE_CACHE_MB?.trim() || DEFAULT_PAGE_CACHE_MB);
  if (!(megabytes > 0)) throw new SettingError(`PAGE_CACHE_MB="${env.PAGE_CACHE_MB}" should be the cache's size in megabytes per process, e.g. PAGE_CACHE_MB=64 (PAGE_CACHE=off turns it off).`);
  const localDatabasePath = localDatabaseFile(env);
  return {
    host,
    port,
    workers,
    site,
    localDatabasePath,
    pageCache: {
      enabled: env.PAGE_CACHE !== 'off' && localDatabasePath !== null,
      databasePath: localDatabasePath ?? '',
      maxBytes: megabytes * 1024 * 1024,
      purgeUrls: (env.CACHE_PURGE_URLS ?? '').split(',').map((url) => url.trim()).filter(Boolean),
      walHeaderCheck: !env.DATABASE_URL?.trim() || env.DATABASE_URL.trim().startsWith('file:'),
      libsqlReplica: localDatabasePath !== null && !!env.DATABASE_URL?.trim() && !env.DATABASE_URL.trim().startsWith('file:'),
    },
  };
}

/**
 * The SQLite file this server reads the site version from (for the page cache): the database in the
 * default mode, the server's own embedded replica on libSQL (it receives every server's version
 * bumps), none with a libSQL URL and no replica (then pages are not cached here).
 * @param {Record<string, string | undefined>} env
 * @returns {string | null}
 */
function localDatabaseFile(env) {
  const url = env.DATABASE_URL?.trim();
  const path = env.DATABASE_PATH?.trim() || DEFAULT_DATABASE_PATH;
  if (!url) return path;
  if (url.startsWith('file:')) return decodeURIComponent(url.slice('file:'.length).replace(/^\/\/(?=\/)/, '')) || path;
  return env.DATABASE_REPLICA_PATH?.trim() || null;
}
