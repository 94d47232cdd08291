// npm run user:role -- <username> <member|moderator>: grants or removes the moderator role.
import { openConfiguredDatabase } from '../src/server/db';
import { closeDatabase } from '../src/server/transaction';
import { setUserRole } from '../src/server/accounts';

const [username, role] = process.argv.slice(2);
if (!username || (role !== 'moderator' && role !== 'member')) {
  console.error('Usage: npm run user:role -- <username> <member|moderator>');
  process.exit(2);
}
const db = await openConfiguredDatabase();
const changed = await setUserRole(db, username, role);
closeDatabase(db);
if (!changed) {
  console.error(`No account named "${username}".`);
  process.exit(1);
}
console.log(`${username} is now a ${role}.`);
