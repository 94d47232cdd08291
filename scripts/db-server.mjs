// npm run db:server: a local libSQL primary (sqld) for trying DATABASE_URL on one machine.
// Data under data/sqld/; listens on 127.0.0.1:8080 (SQLD_HTTP_LISTEN_ADDR changes it). Not for
// production: there, run sqld from libSQL's own releases (or a hosted libSQL) under a process manager.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { sqldBinary } from './sqld-binary.mjs';

const dataDir = process.env.SQLD_DATA_DIR ?? 'data/sqld';
const listen = process.env.SQLD_HTTP_LISTEN_ADDR ?? '127.0.0.1:8080';
mkdirSync(dataDir, { recursive: true });

const child = spawn(sqldBinary(), ['--db-path', `${dataDir}/data.sqld`, '--http-listen-addr', listen, '--no-welcome'], {
  stdio: 'inherit',
});
console.log(`sqld on http://${listen} (data in ${dataDir}). Point the app at it: DATABASE_URL=http://${listen}`);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
