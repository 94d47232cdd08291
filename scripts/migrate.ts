// npm run db:migrate: applies the committed migrations to the database the server uses
// (DATABASE_URL, or DATABASE_PATH for the default file); the server also does this at start.
import { describeDatabaseConfig, openConfiguredDatabase } from '../src/server/db';
import { readDatabaseConfig } from '../src/server/database-config';
import { closeDatabase } from '../src/server/transaction';

const config = readDatabaseConfig();
closeDatabase(await openConfiguredDatabase(config));
console.log(`Migrated ${describeDatabaseConfig(config)}.`);
