// The page cache in front of Astro (issue 10): anonymous readers get stored pages without entering
// Astro at all. A page is stored only when it was rendered for a request that carried no cookie (or
// only the content-notes preference, which gets its own entry per value), answered 200 or 404, set
// no cookie and did not forbid storing. It is served only while the site_version row it was
// rendered at is still current (every write bumps it, in any process) and before the next delayed
// story becomes public. When only its short lifetime (for "3 hours ago" labels) has run out, one
// reader renders it again while the others still get it, so a busy page never stalls everyone.
//
// The same place labels responses for an outer cache (Varnish, a CDN): anonymous cacheable pages get
// `Cache-Control: public` with a short s-maxage and `xkey` surrogate keys; everything else
// `private, no-store`. After a write it names the keys to purge in an `xkey-purge` response header
// (our Varnish configuration purges them before the answer reaches the writer) and, when
// CACHE_PURGE_URLS is set, sends PURGE requests there without making the writer wait.
import Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, readSync, realpathSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';

/** Cookies whose presence makes a page personal: session, author key, new-story flash, Astro's own. */
const PREFERENCE_COOKIE = 'rop_hide_notes';
/** Pages never cached: personal, forms that issue cookies, writes' landing pages, health checks. */
const NEVER_CACHED = /^\/(manage|me|mod|login|logout|register|new|preferences|random|healthz|_actions|_image|_server-islands)(\/|$)/;
/** In-process lifetime: "3 hours ago" labels drift at most this much. */
const ENTRY_LIFETIME_MS = 60_000;
/** Outer caches keep a page this long (purges end it sooner); browsers always revalidate. */
const OUTER_MAX_AGE_S = 60;
const OUTER_STALE_S = 30;
const CACHEABLE_TYPES = /^(text\/html|application\/(rss\+)?xml|text\/xml|application\/json|text\/plain)/;
/** Headers of Astro's answer that must not be replayed from the store. */
const NOT_STORED = new Set(['content-length', 'date', 'connection', 'keep-alive', 'transfer-encoding', 'set-cookie', 'etag', 'x-cache', 'cache-control', 'vary', 'xkey']);

/**
 * Which cache entry a request may use: '' for no cookie, 'notes=N' for only the preference cookie,
 * null when it carries anything else (a session, an author key…): then it is personal.
 */
export function cookieVariant(cookieHeader) {
  if (!cookieHeader || !cookieHeader.trim()) return '';
  const pairs = cookieHeader.split(';').map((part) => part.trim()).filter(Boolean);
  if (pairs.length !== 1) return null;
  const [name, value] = pairs[0].split('=');
  if (name === PREFERENCE_COOKIE && /^\d{1,4}$/.test(value ?? '')) return `notes=${value}`;
  return null;
}

/** Surrogate keys of a public page: `site` for all, plus what the page shows. */
export function pageKeys(pathname, storyTags = []) {
  const keys = ['site'];
  const story = /^\/stories\/(\d+)/.exec(pathname);
  const tag = /^\/(?:tags|lessons)\/([a-z0-9-]+)/.exec(pathname);
  if (story) keys.push(`story-${story[1]}`, ...storyTags.map((slug) => `tag-${slug}`));
  else if (tag) keys.push(`tag-${tag[1]}`);
  else keys.push('feed');
  return keys;
}

/** Which encoding to send: brotli, gzip or none, by the client's Accept-Encoding (q=0 refuses). */
const ACCEPTS_BR = /(^|,)\s*br\s*(;\s*q=(?!0(\.0*)?\s*(,|$))[\d.]+)?\s*(,|$)/i;
const ACCEPTS_GZIP = /(^|,)\s*gzip\s*(;\s*q=(?!0(\.0*)?\s*(,|$))[\d.]+)?\s*(,|$)/i;
export function chooseEncoding(acceptEncoding = '') {
  if (ACCEPTS_BR.test(acceptEncoding)) return 'br';
  if (ACCEPTS_GZIP.test(acceptEncoding)) return 'gzip';
  return 'identity';
}

class ByteLru {
  constructor(maxBytes) {
    this.maxBytes = maxBytes;
    this.bytes = 0;
    this.map = new Map();
  }
  get(key) {
    const entry = this.map.get(key);
    if (entry) {
      this.map.delete(key);
      this.map.set(key, entry);
    }
    return entry;
  }
  delete(key) {
    const entry = this.map.get(key);
    if (!entry) return;
    this.bytes -= entry.size;
    entry.stored = false;
    this.map.delete(key);
  }
  set(key, entry) {
    this.delete(key);
    if (entry.size > this.maxBytes / 4) return;
    this.map.set(key, entry);
    this.bytes += entry.size;
    for (const [oldKey] of this.map) {
      if (this.bytes <= this.maxBytes) break;
      this.delete(oldKey);
    }
  }
  clear() {
    for (const entry of this.map.values()) entry.stored = false;
    this.map.clear();
    this.bytes = 0;
  }
  /** Adds bytes to an entry already stored (a compressed variant made later). */
  grow(entry, bytes) {
    entry.size += bytes;
    this.bytes += bytes;
  }
}

/** Bytes of the write-ahead log index header at the start of the -shm file (sqlite.org/walformat.html). */
const WAL_INDEX_HEADER_BYTES = 48;

/**
 * Reads the site version and the next delayed publication through a read-only connection.
 *
 * Every hit asks for the version, and an SQL read costs a read transaction (file locks, several
 * system calls: about half of what a whole hit costs). In WAL mode SQLite rewrites the wal-index
 * header in the -shm file at every commit, from any process, before the commit is visible to any
 * reader; so while those 48 bytes are unchanged since the last SQL read, no commit has happened
 * and the version read then is still current. One pread of the header replaces the query; any
 * change (a commit, a checkpoint, a torn read) sends us to SQL again.
 */
/**
 * The SQLite library that opens a libSQL embedded replica: the very copy @libsql/client uses for it.
 * Two SQLite libraries in one process must not open one file: POSIX locks belong to the process, so
 * one library's unlock (or close) silently drops the other's locks on the same file.
 */
function libsqlDatabase() {
  const fromClient = createRequire(createRequire(import.meta.url).resolve('@libsql/client'));
  return fromClient('libsql');
}

class VersionReader {
  constructor(databasePath, { walHeaderCheck = true, libsqlReplica = false } = {}) {
    this.databasePath = databasePath;
    this.walHeaderCheck = walHeaderCheck && !libsqlReplica;
    this.libsqlReplica = libsqlReplica;
    this.db = null;
    this.retryAt = 0;
    /** The -shm file, when the database is in WAL mode. */
    this.shm = null;
    this.header = Buffer.alloc(WAL_INDEX_HEADER_BYTES);
    this.headerAtLastRead = Buffer.alloc(WAL_INDEX_HEADER_BYTES);
    this.lastVersion = null;
    this.sqlReads = 0;
  }
  open() {
    if (this.db) return true;
    if (Date.now() < this.retryAt) return false;
    try {
      const db = this.libsqlReplica ? this.openReplica() : new Database(this.databasePath, { readonly: true, fileMustExist: true });
      // Rows as arrays (.raw()): both libraries have it, while libSQL's ignores .pluck() in get().
      this.version = db.prepare('SELECT version FROM site_version WHERE id = 1').raw();
      this.nextPublication = db.prepare('SELECT min(published_at) FROM stories WHERE published_at > ?').raw();
      this.tagsOf = db
        .prepare('SELECT f.slug FROM story_failure_types s JOIN failure_types f ON f.id = s.failure_type_id WHERE s.story_id = ?')
        .raw();
      if (this.walHeaderCheck && db.pragma('journal_mode', { simple: true }) === 'wal') {
        try {
          // Beside the file SQLite opened: it follows symbolic links, so a -shm beside a link is a stranger's.
          this.shm = openSync(`${realpathSync(this.databasePath)}-shm`, 'r');
        } catch {
          this.shm = null;
        }
      }
      this.db = db;
      return true;
    } catch {
      // Not migrated yet (the first request migrates it): try again shortly.
      this.retryAt = Date.now() + 1000;
      return false;
    }
  }
  /** The replica through libSQL's own library (it opens read-write, and would create a missing file). */
  openReplica() {
    if (!existsSync(this.databasePath)) throw new Error('The replica has not been made yet');
    const LibsqlDatabase = libsqlDatabase();
    return new LibsqlDatabase(this.databasePath);
  }
  current() {
    if (!this.open()) return null;
    try {
      if (this.shm !== null) {
        const read = readSync(this.shm, this.header, 0, WAL_INDEX_HEADER_BYTES, 0);
        if (read === WAL_INDEX_HEADER_BYTES && this.lastVersion !== null && this.header.equals(this.headerAtLastRead)) return this.lastVersion;
        // Kept from before the query: a commit landing during it changes the header we compare with next.
        this.header.copy(this.headerAtLastRead);
        if (read !== WAL_INDEX_HEADER_BYTES) this.headerAtLastRead.fill(0xff);
      }
      this.sqlReads++;
      this.lastVersion = this.version.get()?.[0] ?? null;
      return this.lastVersion;
    } catch {
      this.lastVersion = null;
      return null;
    }
  }
  nextPublicationAfter(now) {
    return this.nextPublication.get(now)?.[0] ?? Infinity;
  }
  storyTags(storyId) {
    if (!this.open()) return [];
    return this.tagsOf.all(storyId).map((row) => row[0]);
  }
  close() {
    if (this.shm !== null) closeSync(this.shm);
    this.shm = null;
    this.db?.close();
    this.db = null;
  }
}

function staticRoots(clientDir) {
  try {
    return new Set(readdirSync(clientDir));
  } catch {
    return new Set();
  }
}

function storyIdOf(pathname) {
  const match = /^\/stories\/(\d+)/.exec(pathname);
  return match ? Number(match[1]) : null;
}

/** Sends PURGE with the keys to each outer cache; failures are logged, never waited for. */
function sendPurges(urls, keys) {
  for (const url of urls) {
    try {
      const target = new URL(url);
      const request = (target.protocol === 'https:' ? https : http).request(target, {
        method: 'PURGE',
        headers: { 'xkey-purge': keys.join(' ') },
        timeout: 5000,
      });
      request.on('response', (response) => response.resume());
      request.on('timeout', () => request.destroy(new Error('timed out')));
      request.on('error', (error) => console.warn(`Cache purge at ${target.origin} failed: ${error.message}`));
      request.end();
    } catch (error) {
      console.warn(`Cache purge URL ${url} is not usable: ${error.message}`);
    }
  }
}

/**
 * The cache for one process. `handle(req, res, render)` answers from the store or calls render()
 * (Astro), watching what it writes.
 * @param {Partial<import('./lib/server-settings.mjs').PageCacheSettings> & { databasePath: string, clientDir?: string, lifetimeMs?: number }} options
 *   the page-cache part of readServerSettings(); lifetimeMs only for tests
 */
export function createPageCache({
  databasePath,
  clientDir = 'dist/client',
  maxBytes = 64 * 1024 * 1024,
  enabled = true,
  purgeUrls = [],
  lifetimeMs = ENTRY_LIFETIME_MS,
  walHeaderCheck = true,
  libsqlReplica = false,
}) {
  const store = new ByteLru(maxBytes);
  /** Answers since start: stored pages served fresh, served while their one refresh renders, rendered. */
  const counts = { hits: 0, stale: 0, misses: 0 };
  /** Renders under way, by cache key, with the readers waiting for them. */
  const inFlight = new Map();
  let currentVersion = null;
  const versions = new VersionReader(databasePath, { walHeaderCheck, libsqlReplica });
  const staticNames = staticRoots(clientDir);

  function isStatic(pathname) {
    const first = pathname.split('/')[1] ?? '';
    return first !== '' && staticNames.has(first);
  }

  /**
   * The header lines of a stored page for one encoding, built once: a hit hands Node a ready flat
   * array instead of copying and re-checking an object of headers per request.
   */
  function headLines(entry, encoding) {
    let lines = entry.heads[encoding];
    if (!lines) {
      const body = variantBody(entry, encoding);
      lines = [];
      for (const [name, value] of Object.entries(entry.headers)) {
        if (Array.isArray(value)) for (const item of value) lines.push(name, item);
        else lines.push(name, value);
      }
      lines.push('etag', entry.etags[encoding], 'x-cache', 'HIT', 'content-length', String(body.length));
      if (encoding !== 'identity') lines.push('content-encoding', encoding);
      entry.heads[encoding] = lines;
    }
    return lines;
  }

  function variantBody(entry, encoding) {
    if (encoding === 'identity') return entry.body;
    if (!entry.encoded[encoding]) {
      entry.encoded[encoding] =
        encoding === 'br'
          ? zlib.brotliCompressSync(entry.body, {
              params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: entry.body.length },
            })
          : zlib.gzipSync(entry.body, { level: 6 });
      if (entry.stored) store.grow(entry, entry.encoded[encoding].length);
    }
    return entry.encoded[encoding];
  }

  function serveEntry(req, res, entry) {
    const encoding = chooseEncoding(req.headers['accept-encoding']);
    const inm = req.headers['if-none-match'];
    if (inm && Object.values(entry.etags).some((etag) => inm.includes(etag))) {
      res.writeHead(304, {
        etag: entry.etags[encoding],
        'cache-control': entry.headers['cache-control'],
        vary: entry.headers.vary,
        ...(entry.headers['strict-transport-security'] ? { 'strict-transport-security': entry.headers['strict-transport-security'] } : {}),
        'x-cache': 'HIT',
      });
      res.end();
      return;
    }
    const lines = headLines(entry, encoding);
    res.writeHead(entry.status, lines);
    res.end(req.method === 'HEAD' ? undefined : entry.encoded[encoding] ?? entry.body);
  }

  function outerCacheControl(now, nextPublication) {
    const untilNext = Math.floor((nextPublication - now) / 1000);
    if (untilNext < OUTER_MAX_AGE_S + OUTER_STALE_S) {
      return `public, max-age=0, s-maxage=${Math.max(0, Math.min(OUTER_MAX_AGE_S, untilNext))}`;
    }
    return `public, max-age=0, s-maxage=${OUTER_MAX_AGE_S}, stale-while-revalidate=${OUTER_STALE_S}`;
  }

  /** Replaces res.writeHead/write/end so Astro's answer is collected, then finished by `finish`. */
  function collect(res, finish) {
    const original = { writeHead: res.writeHead, write: res.write, end: res.end };
    let status = 200;
    let headLine = {};
    const chunks = [];
    const toBuffer = (chunk, encoding) =>
      typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8') : Buffer.from(chunk);
    res.writeHead = (code, ...rest) => {
      status = code;
      const headers = rest.find((arg) => arg && typeof arg === 'object');
      if (headers) headLine = Array.isArray(headers) ? Object.fromEntries(toPairs(headers)) : headers;
      return res;
    };
    res.write = (chunk, encoding, callback) => {
      if (chunk != null) chunks.push(toBuffer(chunk, encoding));
      const done = typeof encoding === 'function' ? encoding : callback;
      if (done) process.nextTick(done);
      return true;
    };
    res.end = (chunk, encoding, callback) => {
      if (chunk != null && typeof chunk !== 'function') chunks.push(toBuffer(chunk, encoding));
      Object.assign(res, original);
      const headers = {};
      for (const [name, value] of Object.entries(res.getHeaders())) headers[name.toLowerCase()] = value;
      for (const [name, value] of Object.entries(headLine)) headers[name.toLowerCase()] = value;
      for (const name of res.getHeaderNames()) res.removeHeader(name);
      finish({ status, headers, body: Buffer.concat(chunks) });
      return res;
    };
  }

  function toPairs(flat) {
    const pairs = [];
    for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i], flat[i + 1]]);
    return pairs;
  }

  /** Labels a response no shared cache may keep, unless the page already chose its policy. */
  function markPrivate(res) {
    const writeHead = res.writeHead;
    res.writeHead = function (code, ...rest) {
      const headers = rest.find((arg) => arg && typeof arg === 'object' && !Array.isArray(arg));
      const has = (name) => res.hasHeader(name) || Object.keys(headers ?? {}).some((key) => key.toLowerCase() === name);
      if (!has('cache-control')) res.setHeader('cache-control', 'private, no-store');
      return writeHead.call(this, code, ...rest);
    };
  }

  /** After a write: name what to purge, to our Varnish (response header) and to CACHE_PURGE_URLS. */
  function watchWrite(req, res, pathname) {
    const before = versions.current();
    const storyId = storyIdOf(pathname);
    const tagsBefore = storyId ? versions.storyTags(storyId) : [];
    const writeHead = res.writeHead;
    res.writeHead = function (code, ...rest) {
      const after = versions.current();
      if (after !== null && after !== before) {
        const keys = storyId
          ? [...new Set([`story-${storyId}`, 'feed', ...[...tagsBefore, ...versions.storyTags(storyId)].map((slug) => `tag-${slug}`)])]
          : ['site'];
        res.setHeader('xkey-purge', keys.join(' '));
        if (purgeUrls.length > 0) setImmediate(() => sendPurges(purgeUrls, keys));
      }
      return writeHead.call(this, code, ...rest);
    };
  }

  function handle(req, res, render) {
    const pathname = (req.url ?? '/').split('?')[0];
    if (isStatic(pathname)) return render();
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      watchWrite(req, res, pathname);
      markPrivate(res);
      return render();
    }
    const variant = cookieVariant(req.headers.cookie);
    if (variant === null || NEVER_CACHED.test(pathname)) {
      markPrivate(res);
      return render();
    }
    const version = versions.current();
    if (version === null) {
      markPrivate(res);
      return render();
    }
    // Every stored page was rendered before this version: drop them all now, so memory is freed and
    // text that a write deleted does not linger here.
    if (version !== currentVersion) {
      store.clear();
      currentVersion = version;
    }
    const key = `${req.headers.host ?? ''}|${req.headers['x-forwarded-proto'] ?? ''}|${req.headers['x-forwarded-host'] ?? ''}|${req.url}|${variant}`;
    const now = Date.now();
    const entry = enabled ? store.get(key) : undefined;
    // An entry of an older version never exists here (the store was cleared above); past the next
    // delayed publication it is never served, since that story must appear on time.
    const usable = entry && entry.version === version && now < entry.publicUntil ? entry : undefined;
    if (entry && !usable) store.delete(key);
    if (usable && now < usable.expiresAt) {
      counts.hits++;
      return serveEntry(req, res, usable);
    }
    // Readers asking for a page that is being rendered wait for it instead of rendering it again:
    // right after a write, a busy page would otherwise be rendered once per waiting reader.
    const flight = enabled && method === 'GET' ? inFlight.get(key) : undefined;
    if (flight && flight.version === version) {
      // Only its lifetime ran out (nothing was written since): the stored page is still the
      // current one, so it is served while this one render refreshes the "3 hours ago" labels.
      if (usable) {
        counts.stale++;
        return serveEntry(req, res, usable);
      }
      flight.waiters.push({ req, res, render });
      return;
    }
    counts.misses++;
    const ownFlight = { version, waiters: [] };
    if (enabled && method === 'GET') inFlight.set(key, ownFlight);
    // Its waiters are this render's alone, even when a write since then put a newer render under
    // the same key (they asked before that write); handed over once, to whichever comes first.
    const land = () => {
      if (inFlight.get(key) === ownFlight) inFlight.delete(key);
      return ownFlight.waiters.splice(0);
    };
    // A render that never finishes (an error mid-page): the waiters render for themselves.
    res.once('close', () => {
      for (const waiter of land()) handle(waiter.req, waiter.res, waiter.render);
    });
    const nextPublication = versions.nextPublicationAfter(now);
    collect(res, ({ status, headers, body }) => {
      const waiters = land();
      const cacheable =
        (status === 200 || status === 404) &&
        !headers['set-cookie'] &&
        !/no-store|private/i.test(String(headers['cache-control'] ?? '')) &&
        CACHEABLE_TYPES.test(String(headers['content-type'] ?? ''));
      if (!cacheable) {
        if (!headers['cache-control']) headers['cache-control'] = 'private, no-store';
        headers['content-length'] = String(body.length);
        res.writeHead(status, headers);
        res.end(method === 'HEAD' ? undefined : body);
        for (const waiter of waiters) handle(waiter.req, waiter.res, waiter.render);
        return;
      }
      const kept = {};
      for (const [name, value] of Object.entries(headers)) if (!NOT_STORED.has(name)) kept[name] = value;
      const storyId = storyIdOf(pathname);
      kept['cache-control'] = variant === '' ? outerCacheControl(now, nextPublication) : 'private, no-store';
      kept.vary = 'Accept-Encoding, Cookie';
      if (variant === '') kept.xkey = pageKeys(pathname, storyId ? versions.storyTags(storyId) : []).join(' ');
      const hash = createHash('sha1').update(body).digest('base64url').slice(0, 20);
      const entry = {
        version,
        expiresAt: Math.min(now + lifetimeMs, nextPublication),
        publicUntil: nextPublication,
        status,
        headers: kept,
        body,
        encoded: {},
        heads: {},
        etags: { identity: `"${hash}"`, gzip: `"${hash}-gz"`, br: `"${hash}-br"` },
        size: body.length + key.length + 512,
      };
      // HEAD answers have no body to keep; a GET will store the page.
      if (enabled && method === 'GET' && version === currentVersion) {
        store.set(key, entry);
        entry.stored = store.map.get(key) === entry;
      }
      for (const waiter of waiters) serveEntry(waiter.req, waiter.res, entry);
      const encoding = chooseEncoding(req.headers['accept-encoding']);
      const out = { ...kept, etag: entry.etags[encoding], 'x-cache': 'MISS' };
      if (encoding !== 'identity') out['content-encoding'] = encoding;
      const payload = variantBody(entry, encoding);
      out['content-length'] = String(payload.length);
      res.writeHead(status, out);
      res.end(method === 'HEAD' ? undefined : payload);
    });
    return render();
  }

  return { handle, close: () => versions.close(), stats: () => ({ entries: store.map.size, bytes: store.bytes, ...counts, versionQueries: versions.sqlReads }) };
}
