// npm run db:seed: fills an empty database with the demo stories (does nothing when stories exist).
import { openDatabase } from '../src/server/db';
import { databasePath } from '../src/server/config';
import { seedDemoContent } from '../src/server/seed';

const db = openDatabase(databasePath());
const added = seedDemoContent(db);
console.log(added > 0 ? `Added ${added} demo stories to ${databasePath()}.` : 'The database already has stories; nothing added.');
