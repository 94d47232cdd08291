// npm run db:server: a local libSQL primary (sqld) for trying DATABASE_URL on one machine.
// Data under data/sqld/; listens on 127.0.0.1:8080 (SQLD_HTTP_LISTEN_ADDR changes it). Not for
// production: there, run sqld from libSQL's own releases (or a hosted libSQL) under a process manager.
// `npm run db:server -- --import data/rite-of-passage.db` first copies an existing database into a
// new data folder (scripts/sqld-import.mjs), to move a site from the default mode to libSQL.
// sqld runs with secure_delete on every connection and checkpoints its WAL every 60 s
// (scripts/sqld-extensions.mjs), so deleted text leaves its database files (not its replication
// log: see the README); SQLD_FORGET=off starts it without (no C compiler needed then).
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { sqldBinary } from './sqld-binary.mjs';
import { importIntoSqld } from './sqld-import.mjs';
import { forgettingSqldArgs } from './sqld-extensions.mjs';

const dataDir = process.env.SQLD_DATA_DIR ?? 'data/sqld';
const listen = process.env.SQLD_HTTP_LISTEN_ADDR ?? '127.0.0.1:8080';
mkdirSync(dataDir, { recursive: true });

const args = process.argv.slice(2);
if (args[0] === '--import') {
  if (!args[1]) {
    console.error('Usage: npm run db:server -- [--import <existing .db file>]');
    process.exit(2);
  }
  try {
    await importIntoSqld(args[1], `${dataDir}/data.sqld`);
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
  console.log(`Imported ${args[1]} into ${dataDir}/data.sqld.`);
} else if (args.length > 0) {
  console.error('Usage: npm run db:server -- [--import <existing .db file>]');
  process.exit(2);
}

let forgetting = [];
if (process.env.SQLD_FORGET !== 'off') {
  try {
    forgetting = forgettingSqldArgs(`${dataDir}/extensions`);
  } catch (error) {
    console.error(`${error.message}\nOr start with SQLD_FORGET=off: deleted text then stays in sqld's files (see the README).`);
    process.exit(1);
  }
}
const child = spawn(sqldBinary(), ['--db-path', `${dataDir}/data.sqld`, '--http-listen-addr', listen, '--no-welcome', ...forgetting], {
  stdio: 'inherit',
});
console.log(`sqld on http://${listen} (data in ${dataDir}). Point the app at it: DATABASE_URL=http://${listen}`);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
