// npm run serve: start the already-built server (HOST and PORT respected; defaults localhost:4321).
// The server migrates the database (and fills an empty one with demo stories) when it opens it;
// we open it straight away through /healthz so the first visitor does not wait for that.
import { existsSync } from 'node:fs';

if (!existsSync('dist/server/entry.mjs')) {
  console.error('No build found. Run `npm start` (builds, then serves) or `npm run build` first.');
  process.exit(1);
}
process.env.HOST ??= 'localhost';
process.env.PORT ??= '4321';
await import('../dist/server/entry.mjs');

const host = process.env.HOST.includes(':') ? `[${process.env.HOST}]` : process.env.HOST;
const base = `http://${host === '0.0.0.0' || host === '[::]' ? 'localhost' : host}:${process.env.PORT}`;
try {
  const response = await fetch(`${base}/healthz`);
  console.log(response.ok ? `Rite of Passage is ready at ${base}` : `Database check failed (${response.status}); see the log above.`);
} catch (error) {
  console.error('Could not reach the server to open the database:', error.message);
}
