import { describe, expect, it } from 'vitest';
import { DatabaseConfigError, DEFAULT_DATABASE_PATH, readDatabaseConfig } from '../../src/server/settings';

describe('readDatabaseConfig', () => {
  it('uses better-sqlite3 on the default file when nothing is set', () => {
    expect(readDatabaseConfig({})).toEqual({ driver: 'better-sqlite3', path: DEFAULT_DATABASE_PATH });
  });

  it('uses better-sqlite3 on DATABASE_PATH when DATABASE_URL is unset, empty or a bare file:', () => {
    for (const url of [undefined, '', 'file:']) {
      expect(readDatabaseConfig({ DATABASE_URL: url, DATABASE_PATH: '/srv/site.db' })).toEqual({ driver: 'better-sqlite3', path: '/srv/site.db' });
    }
  });

  it('takes the file from a file: URL, relative or absolute', () => {
    expect(readDatabaseConfig({ DATABASE_URL: 'file:data/x.db' })).toEqual({ driver: 'better-sqlite3', path: 'data/x.db' });
    expect(readDatabaseConfig({ DATABASE_URL: 'file:///srv/x.db' })).toEqual({ driver: 'better-sqlite3', path: '/srv/x.db' });
    expect(readDatabaseConfig({ DATABASE_URL: 'file:/srv/x.db', DATABASE_PATH: '/srv/x.db' })).toEqual({ driver: 'better-sqlite3', path: '/srv/x.db' });
  });

  it('refuses a file: URL and DATABASE_PATH that name different files', () => {
    expect(() => readDatabaseConfig({ DATABASE_URL: 'file:a.db', DATABASE_PATH: 'b.db' })).toThrow(/different files/);
  });

  it('uses libSQL for libsql, http(s) and ws(s) URLs, with the auth token when given', () => {
    for (const url of ['libsql://db.example.org', 'http://127.0.0.1:8080', 'https://db.example.org', 'ws://127.0.0.1:8080', 'wss://db.example.org']) {
      expect(readDatabaseConfig({ DATABASE_URL: url, DATABASE_AUTH_TOKEN: 'token' })).toEqual({ driver: 'libsql', url, authToken: 'token', replica: undefined });
    }
  });

  it('adds an embedded replica synced every second by default, or at DATABASE_SYNC_INTERVAL', () => {
    expect(readDatabaseConfig({ DATABASE_URL: 'http://127.0.0.1:8080', DATABASE_REPLICA_PATH: 'data/replica.db' })).toEqual({
      driver: 'libsql',
      url: 'http://127.0.0.1:8080',
      authToken: undefined,
      replica: { path: 'data/replica.db', syncIntervalSeconds: 1 },
    });
    const config = readDatabaseConfig({ DATABASE_URL: 'libsql://db.example.org', DATABASE_REPLICA_PATH: 'r.db', DATABASE_SYNC_INTERVAL: '0.5' });
    expect(config.driver === 'libsql' && config.replica?.syncIntervalSeconds).toBe(0.5);
  });

  it('refuses sync intervals that are not a positive number of seconds up to an hour', () => {
    for (const value of ['0', '-1', 'abc', '1s', '1e3', '3601', 'NaN', 'Infinity']) {
      expect(() => readDatabaseConfig({ DATABASE_URL: 'http://h:1', DATABASE_REPLICA_PATH: 'r.db', DATABASE_SYNC_INTERVAL: value }), value).toThrow(
        /DATABASE_SYNC_INTERVAL must be a number of seconds/,
      );
    }
  });

  it('refuses unknown schemes and text that is not a URL, naming the variable', () => {
    expect(() => readDatabaseConfig({ DATABASE_URL: 'postgres://h/db' })).toThrow(/DATABASE_URL has the unsupported scheme "postgres:"/);
    expect(() => readDatabaseConfig({ DATABASE_URL: 'data/site.db' })).toThrow(/DATABASE_URL is not a URL/);
    expect(() => readDatabaseConfig({ DATABASE_URL: 'data/site.db' })).toThrow(DatabaseConfigError);
  });

  it('refuses libSQL-only settings when the database is a local file', () => {
    expect(() => readDatabaseConfig({ DATABASE_AUTH_TOKEN: 't' })).toThrow(/DATABASE_AUTH_TOKEN is only used with a libSQL DATABASE_URL/);
    expect(() => readDatabaseConfig({ DATABASE_URL: 'file:x.db', DATABASE_REPLICA_PATH: 'r.db' })).toThrow(/DATABASE_REPLICA_PATH is only used/);
    expect(() => readDatabaseConfig({ DATABASE_SYNC_INTERVAL: '1' })).toThrow(/DATABASE_SYNC_INTERVAL is only used/);
  });

  it('refuses DATABASE_PATH beside a libSQL URL, and a sync interval without a replica', () => {
    expect(() => readDatabaseConfig({ DATABASE_URL: 'http://h:1', DATABASE_PATH: 'x.db' })).toThrow(/DATABASE_PATH is not used/);
    expect(() => readDatabaseConfig({ DATABASE_URL: 'http://h:1', DATABASE_SYNC_INTERVAL: '1' })).toThrow(/set DATABASE_REPLICA_PATH too/);
  });

  it('refuses a replica path that is not a file', () => {
    expect(() => readDatabaseConfig({ DATABASE_URL: 'http://h:1', DATABASE_REPLICA_PATH: ':memory:' })).toThrow(/must be a file path/);
  });
});
