/**
 * The built server as it is deployed: a public host name set when it starts, behind a proxy that
 * appends to X-Forwarded-For, with clear start-up errors, and the transport headers a real
 * deployment needs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, startAppendingProxy, serverExitFor, Browser, testDriver, type TestServer, type TestProxy } from '../helpers/server';
import { storyFormFields } from '../helpers/factories';

const PUBLIC = 'https://stories.example.org';

describe('a public host name set when the server starts (SITE_URL)', () => {
  let server: TestServer;
  let proxy: TestProxy;
  beforeAll(async () => {
    server = await startServer({ SITE_URL: PUBLIC, TRUST_PROXY: '1', SEED_DEMO: '1' });
    proxy = await startAppendingProxy(server.origin, { publicHost: 'stories.example.org', scheme: 'https' });
  });
  afterAll(async () => {
    await proxy?.stop();
    await server?.stop();
  });

  it('says at start which addresses it answers to, where the database is and that demo stories were added', () => {
    expect(server.output()).toContain('stories.example.org');
    expect(server.output()).toContain(`Public address: ${PUBLIC}`);
    expect(server.output()).toContain(server.databasePath);
    expect(server.output()).toMatch(/34 demo stories added/);
  });

  it('accepts a story posted from a page on the public address, and links it with that address', async () => {
    const person = new Browser(proxy.origin, { origin: PUBLIC });
    const posted = await person.post('/new', storyFormFields());
    expect(posted.status).toBe(303);
    const location = posted.headers.get('location')!;
    const page = await (await person.get(location)).text();
    expect(page).toContain(`<link rel="canonical" href="${PUBLIC}/stories/`);
    expect(page).toContain(`${PUBLIC}/manage/`);
  });

  it('names the public address in the RSS feed, the sitemap and robots.txt', async () => {
    const person = new Browser(proxy.origin);
    const rss = await (await person.get('/rss.xml')).text();
    expect(rss).toContain(`<link>${PUBLIC}/stories/`);
    expect(rss).not.toContain('localhost');
    const sitemap = await (await person.get('/sitemap.xml')).text();
    expect(sitemap).toContain(`<loc>${PUBLIC}/</loc>`);
    expect(await (await person.get('/robots.txt')).text()).toContain(`Sitemap: ${PUBLIC}/sitemap.xml`);
  });

  it('never writes a host name it does not answer to into its links', async () => {
    const stranger = await startAppendingProxy(server.origin, { publicHost: 'evil.example', scheme: 'https' });
    try {
      const page = await (await fetch(`${stranger.origin}/`)).text();
      expect(page).not.toContain('evil.example');
      expect(page).toContain(`<link rel="canonical" href="${PUBLIC}/">`);
    } finally {
      await stranger.stop();
    }
  });

  it('sends HSTS on pages and on static files when the proxy says the visit is https', async () => {
    const page = await fetch(`${proxy.origin}/`);
    expect(page.headers.get('strict-transport-security')).toMatch(/max-age=\d{7,}/);
    const favicon = await fetch(`${proxy.origin}/favicon.svg`);
    expect(favicon.headers.get('strict-transport-security')).toMatch(/max-age=\d{7,}/);
    const direct = await fetch(`${server.origin}/`);
    expect(direct.headers.get('strict-transport-security')).toBeNull();
  });
});

describe('SITE_URL without a proxy that forwards anything', () => {
  it('accepts a post whose Host and Origin are the public address', async () => {
    const server = await startServer({ SITE_URL: PUBLIC });
    const plain = await startAppendingProxy(server.origin, { publicHost: 'stories.example.org', forwardHeaders: false });
    try {
      const person = new Browser(plain.origin, { origin: PUBLIC });
      const posted = await person.post('/new', storyFormFields());
      expect(posted.status).toBe(303);
      expect(server.output()).toContain('no demo stories added');
    } finally {
      await plain.stop();
      await server.stop();
    }
  });
});

describe('TRUST_PROXY=1 behind a proxy that appends to X-Forwarded-For', () => {
  let server: TestServer;
  let proxy: TestProxy;
  beforeAll(async () => {
    server = await startServer({ TRUST_PROXY: '1', RATE_LIMIT: 'on' });
    proxy = await startAppendingProxy(server.origin, { publicHost: new URL(server.origin).host });
  });
  afterAll(async () => {
    await proxy?.stop();
    await server?.stop();
  });

  it('keeps a client who makes up its own X-Forwarded-For to five stories an hour', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      // A fresh made-up address and a fresh cookie jar every time: only the proxy's entry is real.
      const cheat = new Browser(proxy.origin, { origin: server.origin, 'x-forwarded-for': `203.0.113.${i + 1}` });
      statuses.push((await cheat.post('/new', storyFormFields())).status);
    }
    expect(statuses.slice(0, 5)).toEqual([303, 303, 303, 303, 303]);
    expect(statuses.slice(5)).toEqual([429, 429]);
  });
});

describe('TRUST_PROXY=2: two proxies, each appending', () => {
  it('keys limits on the entry the outer proxy appended, not on one the client sent nor on the inner proxy', async () => {
    const server = await startServer({ TRUST_PROXY: '2', RATE_LIMIT: 'on', RATE_LIMIT_POST_STORY: '2/3600' });
    const host = new URL(server.origin).host;
    const inner = await startAppendingProxy(server.origin, { publicHost: host });
    const outerSeesA = await startAppendingProxy(inner.origin, { publicHost: host, clientAddress: '192.0.2.7' });
    const outerSeesB = await startAppendingProxy(inner.origin, { publicHost: host, clientAddress: '192.0.2.8' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const cheat = new Browser(outerSeesA.origin, { origin: server.origin, 'x-forwarded-for': `198.51.100.${i + 1}` });
        statuses.push((await cheat.post('/new', storyFormFields())).status);
      }
      expect(statuses).toEqual([303, 303, 429]);
      const someoneElse = new Browser(outerSeesB.origin, { origin: server.origin });
      expect((await someoneElse.post('/new', storyFormFields())).status).toBe(303);
    } finally {
      await outerSeesA.stop();
      await outerSeesB.stop();
      await inner.stop();
      await server.stop();
    }
  });
});

describe('start-up errors', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rop-start-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says the port is taken and what to do, without a stack trace, and exits non-zero', async () => {
    const blocker: TcpServer = createTcpServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const { code, output } = await serverExitFor({ PORT: String(port), DATABASE_PATH: join(dir, 'port.db') });
      expect(code).not.toBe(0);
      expect(output).toContain(`Port ${port}`);
      expect(output).toContain('already in use');
      expect(output).toContain('PORT=');
      expect(output).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  });

  it('names a database path it cannot create and exits non-zero', async () => {
    const aFile = join(dir, 'not-a-folder');
    writeFileSync(aFile, 'plain file');
    const impossible = join(aFile, 'site.db');
    const { code, output } = await serverExitFor({ PORT: '0', DATABASE_PATH: impossible });
    expect(code).not.toBe(0);
    expect(output).toContain(`Cannot use the database at ${impossible}`);
    expect(output).toContain('DATABASE_PATH');
    expect(output).not.toMatch(/\n\s+at /);
  });

  it('names a database path that is a folder and exits non-zero', async () => {
    const { code, output } = await serverExitFor({ PORT: '0', DATABASE_PATH: dir });
    expect(code).not.toBe(0);
    expect(output).toContain(`Cannot use the database at ${dir}`);
  });

  it('refuses a SITE_URL that is not an address, saying what it should look like', async () => {
    const { code, output } = await serverExitFor({ PORT: '0', DATABASE_PATH: join(dir, 'url.db'), SITE_URL: 'stories.example.org/x' });
    expect(code).not.toBe(0);
    expect(output).toContain('SITE_URL');
    expect(output).toContain('https://stories.example.org');
  });

  it('refuses a TRUST_PROXY that is not a number of proxies', async () => {
    const { code, output } = await serverExitFor({ PORT: '0', DATABASE_PATH: join(dir, 'proxy.db'), TRUST_PROXY: 'yes' });
    expect(code).not.toBe(0);
    expect(output).toContain('TRUST_PROXY');
  });
});

describe('connections and static files', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('keeps idle connections open longer than a proxy would (65 s), so a proxy never reuses a closing one', async () => {
    const response = await fetch(`${server.origin}/healthz`);
    expect(response.headers.get('keep-alive')).toBe('timeout=65');
  });

  it('sends a Content-Security-Policy and nosniff with files under /_astro/ and the favicon', async () => {
    const page = await (await fetch(`${server.origin}/`)).text();
    const asset = /href="(\/_astro\/[^"]+\.css)"/.exec(page)![1];
    for (const path of [asset, '/favicon.svg']) {
      const response = await fetch(`${server.origin}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  // Default mode only: the write-ahead log is the SQLite file's.
  it.skipIf(testDriver === 'libsql')('closes the database and exits 0 on SIGTERM, leaving no write-ahead log behind', async () => {
    const other = await startServer();
    try {
      // A cached read opens the page cache's own connection, which must not keep the log alive.
      expect((await fetch(`${other.origin}/about`)).headers.get('x-cache')).toMatch(/HIT|MISS/);
      expect(await other.shutdown()).toBe(0);
      expect(existsSync(`${other.databasePath}-wal`)).toBe(false);
    } finally {
      await other.stop();
    }
  });

});
