// npm run serve: start the already-built server (HOST and PORT respected; defaults localhost:4321).
//
// We run Astro's handler in our own HTTP server because some decisions belong to the moment the
// server starts, not to the build:
// - which host names the site answers to (SITE_URL, SITE_HOSTNAMES) and which address a client has
//   (TRUST_PROXY=N: the entry our own proxies appended to X-Forwarded-For, never one a client sent);
//   see scripts/lib/request-origin.mjs;
// - headers for the static files the node adapter sends before any middleware (HSTS, CSP, nosniff);
// - clear one-line errors at start (port taken, database unusable) and a clean database close on
//   SIGTERM/SIGINT, so no deleted text stays behind in the write-ahead log;
// - the page cache that answers anonymous readers before Astro runs (scripts/page-cache.mjs) and
//   WORKERS=N processes on one port (scripts/workers.mjs).
//
// The server migrates the database (and fills an empty one with demo stories) when it opens it;
// we open it straight away through /healthz, and render `/` once, on a private port before the
// public one opens, so the first visitors do not wait for that.
import { existsSync } from 'node:fs';
import http from 'node:http';
import cluster from 'node:cluster';
import { applyRequestOrigin, describeAddresses } from './lib/request-origin.mjs';
import { readServerSettings, SettingError } from './lib/server-settings.mjs';
import { applyBaselineHeaders, staticPathPrefixes } from './lib/response-headers.mjs';
import { createPageCache } from './page-cache.mjs';
import { runWorkers } from './workers.mjs';

// Process events shared with src/server/db.ts (the database lives inside the Astro bundle).
const DATABASE_OPENED = 'rite-of-passage:database-opened';
const DATABASE_FAILED = 'rite-of-passage:database-failed';
const SHUTDOWN = 'rite-of-passage:shutdown';

// Idle keep-alive connections close after 65 s: longer than a proxy's usual 60 s, so the proxy
// always gives up on a reused connection first and never sends a request into one we are closing.
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
const HEADERS_TIMEOUT_MS = 66_000;
const REQUEST_TIMEOUT_MS = 90_000;
/** A socket with no traffic at all for this long is closed, whatever state it is in. */
const SOCKET_IDLE_TIMEOUT_MS = 120_000;
/** On SIGTERM, requests under way get this long to finish before the database is closed anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

function fail(message) {
  console.error(message);
  process.exit(1);
}

if (!existsSync('dist/server/entry.mjs')) {
  fail('No build found. Run `npm start` (builds, then serves) or `npm run build` first.');
}
let settings;
try {
  settings = readServerSettings(process.env);
} catch (error) {
  if (error instanceof SettingError) fail(error.message);
  throw error;
}
const { host, port } = settings;

if (settings.workers > 1 && cluster.isPrimary) {
  // This process only supervises; the workers run the rest of this file. Never settles on purpose.
  runWorkers(settings.workers);
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

let database = null;
process.once(DATABASE_OPENED, (info) => (database = info));
process.once(DATABASE_FAILED, ({ path, reason }) =>
  fail(`Cannot use the database at ${path}: ${reason}. Set DATABASE_PATH to a file in a folder this user can write to.`),
);

process.env.ASTRO_NODE_AUTOSTART = 'disabled';
const { handler } = await import('../dist/server/entry.mjs');
const staticPrefixes = staticPathPrefixes();
const pageCache = createPageCache(settings.pageCache);

function handleRequest(req, res) {
  const { protocol } = applyRequestOrigin(req, settings.site);
  // Stored pages carry these headers already (kept from their render), so a hit sets none.
  pageCache.handle(req, res, () => {
    applyBaselineHeaders(res, (req.url ?? '/').split('?')[0], protocol, staticPrefixes);
    handler(req, res);
  });
}

function createSiteServer() {
  const server = http.createServer({ headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS }, handleRequest);
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.setTimeout(SOCKET_IDLE_TIMEOUT_MS, (socket) => socket.destroy());
  server.on('error', (error) => fail(listenErrorMessage(error)));
  return server;
}

function listenErrorMessage(error) {
  const where = `${host}:${port}`;
  switch (error.code) {
    case 'EADDRINUSE':
      return `Port ${port} on ${host} is already in use (is the site already running?). Stop the other program, or choose another port: PORT=${port + 1} npm run serve`;
    case 'EACCES':
      return `Not allowed to listen on ${where} (ports below 1024 need extra rights). Use a port of 1024 or more, e.g. PORT=4321, behind a reverse proxy.`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
      return `HOST=${host} is not an address of this machine. Use localhost, 0.0.0.0 (every interface) or one of this machine's addresses.`;
    default:
      return `Could not listen on ${where}: ${error.message}`;
  }
}

function shutDownOn(server, signal) {
  process.once(signal, () => {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      // The cache's read-only connection first: while it is open, the last writer cannot
      // checkpoint and remove the write-ahead log (with whatever deleted text it still holds).
      pageCache.close();
      process.emit(SHUTDOWN);
      process.exit(0);
    };
    server.close(finish);
    server.closeIdleConnections();
    setTimeout(finish, SHUTDOWN_GRACE_MS).unref();
  });
}

function describeDatabase(info) {
  if (!info) return 'Database: not opened yet';
  const seeded = info.demoStoriesAdded > 0 ? `${info.demoStoriesAdded} demo stories added now` : 'no demo stories added';
  return `Database: ${info.path} (${info.storyCount} stories, ${seeded})`;
}

async function openDatabaseNow(base) {
  try {
    const response = await fetch(`${base}/healthz`);
    if (!response.ok) fail(`The database could not be opened (health check answered ${response.status}); see the message above.`);
  } catch (error) {
    fail(`Could not reach the server to open the database: ${error.message}`);
  }
}

/**
 * Opens (and migrates) the database, then renders the front page once, on a private port before the
 * public one opens. A cold process renders its first pages slowly (code not yet optimised, database
 * pages not yet read: about half a second for `/` at 100,000 stories) while every reader who
 * arrived waits for it; with WORKERS=N each new worker would start that way under load.
 */
async function openAndWarm() {
  const warm = http.createServer(handleRequest);
  // exclusive: a cluster worker listens on its own, outside the shared public port.
  await new Promise((resolve) => warm.listen({ port: 0, host: '127.0.0.1', exclusive: true }, resolve));
  try {
    const base = `http://127.0.0.1:${warm.address().port}`;
    await openDatabaseNow(base);
    await new Promise((resolve) => {
      // Asked as the public address, so a reader's first `/` there is already stored.
      const publicHost = port === 0 ? undefined : `${host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host}:${port}`;
      const request = http.get(`${base}/`, { headers: publicHost ? { host: publicHost } : {} }, (response) => response.resume().on('end', resolve));
      request.on('error', resolve);
    });
  } finally {
    warm.close();
    warm.closeAllConnections();
  }
}

const server = createSiteServer();
for (const signal of ['SIGINT', 'SIGTERM']) shutDownOn(server, signal);

await openAndWarm();
server.listen(port, host, () => {
  const shown = host.includes(':') ? `[${host}]` : host;
  const base = `http://${host === '0.0.0.0' || host === '::' ? 'localhost' : shown}:${server.address().port}`;
  console.log(`Rite of Passage is ready at ${base}`);
  for (const line of [...describeAddresses(settings.site), describeDatabase(database)]) console.log(`  ${line}`);
  process.send?.('ready');
});
