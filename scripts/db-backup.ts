// npm run db:backup -- <file> [--force]: an online backup of the default mode's SQLite database
// (DATABASE_PATH), safe while the server runs. --force replaces an existing file.
import { BackupError, backupDatabase } from '../src/server/backup';
import { DatabaseConfigError, readDatabaseConfig } from '../src/server/database-config';

const args = process.argv.slice(2);
const overwrite = args.includes('--force');
const targets = args.filter((arg) => arg !== '--force');
if (targets.length !== 1 || targets[0].startsWith('-')) {
  console.error('Usage: npm run db:backup -- <file> [--force]');
  process.exit(2);
}

try {
  const config = readDatabaseConfig();
  if (config.driver !== 'better-sqlite3') {
    console.error('DATABASE_URL points at a libSQL server: back up the primary there (see the README, "Running on more than one machine"), not a replica.');
    process.exit(2);
  }
  const pages = await backupDatabase(config.path, targets[0], { overwrite });
  console.log(`Backed up ${config.path} to ${targets[0]} (${pages} pages).`);
} catch (error) {
  if (error instanceof BackupError || error instanceof DatabaseConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
