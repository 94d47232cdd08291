/** The server script's environment, read and checked in one place (scripts/lib/server-settings.mjs). */
import { describe, expect, it } from 'vitest';
import { readServerSettings, SettingError } from '../../scripts/lib/server-settings.mjs';
import { readDatabaseConfig } from '../../src/server/settings';

describe('the server settings', () => {
  it('fall back to localhost:4321, one worker and a 64 MB page cache on the default database', () => {
    const settings = readServerSettings({});
    expect(settings).toMatchObject({ host: 'localhost', port: 4321, workers: 1, localDatabasePath: 'data/rite-of-passage.db' });
    expect(settings.pageCache).toEqual({ enabled: true, databasePath: 'data/rite-of-passage.db', maxBytes: 64 * 1024 * 1024, purgeUrls: [], walHeaderCheck: true, libsqlReplica: false });
    expect(settings.site.trustedProxies).toBe(0);
  });

  it('read every setting the server script uses', () => {
    const settings = readServerSettings({
      HOST: '0.0.0.0',
      PORT: '8080',
      WORKERS: '2',
      DATABASE_PATH: '/srv/site.db',
      PAGE_CACHE: 'off',
      PAGE_CACHE_MB: '16',
      CACHE_PURGE_URLS: 'http://127.0.0.1:6081/, http://10.0.0.2:6081/',
      TRUST_PROXY: '1',
    });
    expect(settings).toMatchObject({ host: '0.0.0.0', port: 8080, workers: 2, localDatabasePath: '/srv/site.db' });
    expect(settings.pageCache).toEqual({
      enabled: false,
      databasePath: '/srv/site.db',
      maxBytes: 16 * 1024 * 1024,
      purgeUrls: ['http://127.0.0.1:6081/', 'http://10.0.0.2:6081/'],
      walHeaderCheck: true,
      libsqlReplica: false,
    });
    expect(settings.site.trustedProxies).toBe(1);
  });

  it('keep pages uncached on a libSQL server with no local replica to read the site version from', () => {
    expect(readServerSettings({ DATABASE_URL: 'libsql://db.example.org' }).pageCache.enabled).toBe(false);
    expect(readServerSettings({ DATABASE_URL: 'libsql://db.example.org', DATABASE_REPLICA_PATH: '/srv/replica.db' }).pageCache).toMatchObject({
      enabled: true,
      databasePath: '/srv/replica.db',
      walHeaderCheck: false,
      // Opened with libSQL's own SQLite, never a second library on the client's file.
      libsqlReplica: true,
    });
    expect(readServerSettings({ DATABASE_URL: 'file:///srv/site.db' }).localDatabasePath).toBe('/srv/site.db');
    expect(readServerSettings({ DATABASE_URL: 'file:///srv/site.db' }).pageCache.libsqlReplica).toBe(false);
    expect(readServerSettings({}).pageCache.libsqlReplica).toBe(false);
  });

  // server-settings.mjs works out the file on its own (plain Node cannot import the TypeScript
  // module): if the two ever disagree, the page cache watches a file the app does not write.
  it.each([
    {},
    { DATABASE_PATH: '/srv/site.db' },
    { DATABASE_URL: 'file:data/other.db' },
    { DATABASE_URL: 'file:///srv/site%20two.db' },
    { DATABASE_URL: 'file:', DATABASE_PATH: '/srv/site.db' },
    { DATABASE_URL: 'libsql://db.example.org', DATABASE_REPLICA_PATH: '/srv/replica.db' },
  ])('name the same database file as the app does for %j', (env) => {
    const app = readDatabaseConfig(env);
    const expected = app.driver === 'better-sqlite3' ? app.path : app.replica?.path;
    expect(readServerSettings(env).pageCache.databasePath).toBe(expected);
  });

  it.each([
    [{ PORT: 'http' }, 'PORT="http" is not a port number (0–65535).'],
    [{ PORT: '70000' }, 'PORT="70000" is not a port number (0–65535).'],
    [{ WORKERS: '2', DATABASE_URL: 'libsql://db.example.org', DATABASE_REPLICA_PATH: '/srv/r.db' }, 'WORKERS cannot be combined with DATABASE_REPLICA_PATH'],
    [{ PAGE_CACHE_MB: 'lots' }, 'PAGE_CACHE_MB="lots" should be'],
    [{ PAGE_CACHE_MB: '0' }, 'PAGE_CACHE_MB="0" should be'],
    [{ TRUST_PROXY: 'yes' }, 'TRUST_PROXY="yes"'],
  ])('refuse %j with one line saying what to do', (env, message) => {
    expect(() => readServerSettings(env)).toThrow(SettingError);
    expect(() => readServerSettings(env)).toThrow(message);
  });
});
