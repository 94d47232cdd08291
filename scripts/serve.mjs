// npm run serve: start the already-built server (HOST and PORT respected; defaults localhost:4321).
//
// We run Astro's handler in our own HTTP server for one reason: Astro takes the client address
// from X-Forwarded-For whenever it is present, so anyone could pick a fresh "address" per request
// and walk around the per-address rate limits. Unless TRUST_PROXY=1 says a reverse proxy sets that
// header, we drop it and the socket address is used.
//
// The server migrates the database (and fills an empty one with demo stories) when it opens it;
// we open it straight away through /healthz so the first visitor does not wait for that.
import { existsSync } from 'node:fs';
import http from 'node:http';
import cluster from 'node:cluster';
import { createPageCache } from './page-cache.mjs';
import { runWorkers } from './workers.mjs';

if (!existsSync('dist/server/entry.mjs')) {
  console.error('No build found. Run `npm start` (builds, then serves) or `npm run build` first.');
  process.exit(1);
}
const host = process.env.HOST ?? 'localhost';
const port = Number(process.env.PORT ?? 4321);
const trustProxy = process.env.TRUST_PROXY === '1';

const workerCount = Math.max(1, Number.parseInt(process.env.WORKERS ?? '1', 10) || 1);
if (workerCount > 1 && cluster.isPrimary) {
  // This process only supervises; the workers run the rest of this file. Never settles on purpose.
  runWorkers(workerCount);
  await new Promise(() => {});
}

// A page that fails to render is logged with its URL; for /manage/{token} that would write a private
// token into the log. Logs keep the path shape and lose the token.
const MANAGE_TOKEN = /\/manage\/[A-Za-z0-9_-]{20,}/g;
for (const method of ['log', 'info', 'warn', 'error']) {
  const original = console[method].bind(console);
  console[method] = (...args) =>
    original(...args.map((arg) => (typeof arg === 'string' ? arg.replace(MANAGE_TOKEN, '/manage/[token]') : arg)));
}

process.env.ASTRO_NODE_AUTOSTART = 'disabled';
const { handler } = await import('../dist/server/entry.mjs');
const pageCache = createPageCache({
  databasePath: process.env.DATABASE_PATH ?? 'data/rite-of-passage.db',
  enabled: process.env.PAGE_CACHE !== 'off',
  maxBytes: Number(process.env.PAGE_CACHE_MB ?? 64) * 1024 * 1024,
  purgeUrls: (process.env.CACHE_PURGE_URLS ?? '').split(',').map((url) => url.trim()).filter(Boolean),
});

const server = http.createServer((req, res) => {
  if (!trustProxy) {
    delete req.headers['x-forwarded-for'];
    delete req.headers['x-forwarded-host'];
    delete req.headers['x-forwarded-proto'];
    delete req.headers['x-forwarded-port'];
  }
  pageCache.handle(req, res, () => handler(req, res));
});
// Slow or idle clients must not hold sockets forever.
server.requestTimeout = 30_000;
server.headersTimeout = 15_000;

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}

server.listen(port, host, async () => {
  const shown = host.includes(':') ? `[${host}]` : host;
  const base = `http://${host === '0.0.0.0' || host === '::' ? 'localhost' : shown}:${port}`;
  try {
    const response = await fetch(`${base}/healthz`);
    console.log(response.ok ? `Rite of Passage is ready at ${base}` : `Database check failed (${response.status}); see the log above.`);
    if (response.ok) process.send?.('ready');
  } catch (error) {
    console.error('Could not reach the server to open the database:', error.message);
  }
});
