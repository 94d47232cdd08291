// npm run user:role -- <username> <member|moderator>: grants or removes the moderator role.
import { openDatabase } from '../src/server/db';
import { databasePath } from '../src/server/config';
import { setUserRole } from '../src/server/accounts';

const [username, role] = process.argv.slice(2);
if (!username || (role !== 'moderator' && role !== 'member')) {
  console.error('Usage: npm run user:role -- <username> <member|moderator>');
  process.exit(2);
}
const db = openDatabase(databasePath());
if (!setUserRole(db, username, role)) {
  console.error(`No account named "${username}".`);
  process.exit(1);
}
console.log(`${username} is now a ${role}.`);
