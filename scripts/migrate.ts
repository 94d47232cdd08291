// npm run db:migrate: applies the committed migrations to DATABASE_PATH (the server also does this at start).
import { openDatabase } from '../src/server/db';
import { databasePath } from '../src/server/config';

openDatabase(databasePath());
console.log(`Migrated ${databasePath()}.`);
