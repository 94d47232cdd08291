/** The database settings, for the command-line scripts that import them from here; they live in settings.ts. */
export { readDatabaseConfig, DatabaseConfigError, DEFAULT_SYNC_INTERVAL_SECONDS, MAX_SYNC_INTERVAL_SECONDS, type DatabaseConfig } from './settings';
