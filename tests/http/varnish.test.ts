/**
 * deploy/varnish/default.vcl in front of the built server (issue 10): pages are Varnish hits on
 * the second read, personal requests pass, and a comment posted through Varnish shows through
 * Varnish on the very next read (the site names what to purge; the VCL purges before answering).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Browser, freePort, type TestServer } from '../helpers/server';

const VARNISHD = '/usr/sbin/varnishd';
const XKEY = '/usr/lib/x86_64-linux-gnu/varnish/vmods/libvmod_xkey.so';
const hasVarnish = existsSync(VARNISHD) && existsSync(XKEY);
if (!hasVarnish) {
  console.warn(`Skipping the Varnish tests: ${VARNISHD} or the xkey module is missing (apt-get install varnish varnish-modules).`);
}

describe.skipIf(!hasVarnish)('the site behind Varnish', () => {
  let server: TestServer;
  let varnish: ChildProcess;
  let varnishDir: string;
  let front: string;
  let log = '';

  beforeAll(async () => {
    server = await startServer();
    const backendPort = new URL(server.origin).port;
    varnishDir = mkdtempSync(join(tmpdir(), 'rop-varnish-'));
    const vcl = readFileSync('deploy/varnish/default.vcl', 'utf8').replace('.port = "4321"', `.port = "${backendPort}"`);
    expect(vcl).toContain(`.port = "${backendPort}"`);
    writeFileSync(join(varnishDir, 'site.vcl'), vcl);
    const port = await freePort();
    front = `http://127.0.0.1:${port}`;
    varnish = spawn(
      VARNISHD,
      ['-F', '-j', 'none', '-a', `127.0.0.1:${port}`, '-f', join(varnishDir, 'site.vcl'), '-n', join(varnishDir, 'work'), '-s', 'malloc,32m'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    varnish.stdout?.on('data', (chunk) => (log += chunk));
    varnish.stderr?.on('data', (chunk) => (log += chunk));
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        if ((await fetch(`${front}/healthz`)).ok) break;
      } catch {
        // not listening yet
      }
      if (varnish.exitCode !== null || Date.now() > deadline) throw new Error(`Varnish did not start:\n${log}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  afterAll(async () => {
    if (varnish && varnish.exitCode === null) {
      varnish.kill('SIGTERM');
      await new Promise((r) => varnish.once('exit', r));
    }
    await server?.stop();
    if (varnishDir) rmSync(varnishDir, { recursive: true, force: true });
  });

  async function postStory(browser: Browser, title: string) {
    const response = await browser.post('/new', {
      title,
      body: '## What happened\n\nI rotated the TLS certificate on the load balancer and forgot the intermediate, so every phone refused us for an hour.',
      tags: ['cache'],
      lessons: 'Check the whole chain',
      outcome: 'talk',
      intent: 'publish',
    });
    expect(response.status).toBe(303);
    const url = response.headers.get('location')!;
    await browser.get(url);
    return url;
  }

  it('answers the second anonymous read of a page from Varnish', async () => {
    const url = await postStory(new Browser(front), 'A certificate story read twice through Varnish');
    const first = await fetch(`${front}${url}`);
    expect(first.status).toBe(200);
    await first.text();
    const second = await fetch(`${front}${url}`);
    expect(second.headers.get('x-varnish-cache')).toBe('HIT');
    expect(await second.text()).toContain('A certificate story read twice through Varnish');
    expect(second.headers.get('xkey')).toBeNull();
  });

  it('passes readers who carry our cookies straight to the site', async () => {
    await (await fetch(`${front}/`)).text();
    const personal = await fetch(`${front}/`, { headers: { cookie: 'rop_author=someone' } });
    expect(personal.headers.get('x-varnish-cache')).toBe('MISS');
    expect(personal.headers.get('cache-control')).toBe('private, no-store');
  });

  it('shows a comment posted through Varnish on the next read through Varnish', async () => {
    const author = new Browser(front);
    const url = await postStory(author, 'A certificate story that gets a comment');
    for (const path of [url, '/']) {
      await (await fetch(`${front}${path}`)).text();
      expect((await fetch(`${front}${path}`)).headers.get('x-varnish-cache')).toBe('HIT');
    }
    const reader = new Browser(front);
    const response = await reader.post(url, { intent: 'comment', body: 'Same here, with a missing intermediate', parent: '' });
    expect(response.status).toBe(303);
    const page = await fetch(`${front}${url}`);
    expect(await page.text()).toContain('Same here, with a missing intermediate');
    // The feed's comment count changed too, so it was purged as well.
    expect((await fetch(`${front}/`)).headers.get('x-varnish-cache')).toBe('MISS');
  });
});
