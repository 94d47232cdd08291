// npm run db:seed: fills an empty database with the demo stories (does nothing when stories exist).
// Follows the same settings as the server (DATABASE_URL, or DATABASE_PATH for the default file).
import { describeDatabaseConfig, openConfiguredDatabase } from '../src/server/db';
import { readDatabaseConfig } from '../src/server/database-config';
import { closeDatabase } from '../src/server/transaction';
import { seedDemoContent } from '../src/server/seed';

const config = readDatabaseConfig();
const db = await openConfiguredDatabase(config);
const added = await seedDemoContent(db);
closeDatabase(db);
console.log(added > 0 ? `Added ${added} demo stories to ${describeDatabaseConfig(config)}.` : 'The database already has stories; nothing added.');
