import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadRateLimitConfig, type RateLimitBucket } from '../../src/server/rate-limit-config';
import { hashClientAddress, RateLimiter } from '../../src/server/rate-limit';
import { createTestDb, type TestDb, onLibsql } from '../helpers/db';

const DAY = 24 * 60 * 60 * 1000;

/** A limiter with a controllable clock and one bucket overridden to a small, easy rule. */
let open: TestDb[] = [];
afterEach(async () => {
  for (const t of open) t.cleanup();
  open = [];
});

async function setup(env: Record<string, string> = {}, options?: { sweepEvery?: number }, shared?: TestDb) {
  let t = 1_000_000;
  const clock = { advance: (ms: number) => (t += ms) };
  const testDb = shared ?? await createTestDb();
  if (!shared) open.push(testDb);
  const limiter = new RateLimiter(testDb.db, loadRateLimitConfig({ RATE_LIMIT_COMMENT: '3/60', ...env }), () => t, options);
  return { limiter, clock, testDb };
}

async function hitTimes(limiter: RateLimiter, bucket: RateLimitBucket, key: string, n: number) {
  const results = [];
  for (let i = 0; i < n; i++) results.push(await limiter.hit(bucket, key));
  return results;
}

describe('RateLimiter', () => {
  it('allows hits up to the limit, then refuses with a positive retryAfterSeconds', async () => {
    const { limiter } = await setup();
    const results = await hitTimes(limiter, 'comment', 'u1', 4);
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false]);
    expect(results.map((r) => r.remaining)).toEqual([2, 1, 0, 0]);
    expect(results[3].retryAfterSeconds).toBeGreaterThan(0);
    expect(results[3].retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it('allows the full limit again once the window has passed', async () => {
    const { limiter, clock } = await setup();
    await hitTimes(limiter, 'comment', 'u1', 3);
    expect((await limiter.hit('comment', 'u1')).ok).toBe(false);
    clock.advance(60_000);
    expect((await hitTimes(limiter, 'comment', 'u1', 4)).map((r) => r.ok)).toEqual([true, true, true, false]);
  });

  it('allows another hit as soon as the promised retryAfterSeconds has elapsed', async () => {
    const { limiter, clock } = await setup();
    await hitTimes(limiter, 'comment', 'u1', 3);
    const refused = await limiter.hit('comment', 'u1');
    clock.advance(refused.retryAfterSeconds * 1000 - 1);
    expect((await limiter.hit('comment', 'u1')).ok).toBe(false);
    clock.advance(1);
    expect((await limiter.hit('comment', 'u1')).ok).toBe(true);
  });

  it('keeps buckets and keys independent of each other', async () => {
    const { limiter } = await setup({ RATE_LIMIT_REACT: '3/60' });
    await hitTimes(limiter, 'comment', 'u1', 3);
    expect((await limiter.hit('comment', 'u1')).ok).toBe(false);
    expect((await limiter.hit('comment', 'u2')).ok).toBe(true);
    expect((await limiter.hit('react', 'u1')).ok).toBe(true);
  });

  it('always allows when RATE_LIMIT=off', async () => {
    const { limiter } = await setup({ RATE_LIMIT: 'off' });
    expect((await hitTimes(limiter, 'comment', 'u1', 1000)).every((r) => r.ok)).toBe(true);
    expect((await limiter.count())).toBe(0);
  });

  it('does not count peeks', async () => {
    const { limiter } = await setup();
    for (let i = 0; i < 10; i++) expect(await limiter.peek('comment', 'u1')).toEqual({ ok: true, retryAfterSeconds: 0, remaining: 3 });
    await hitTimes(limiter, 'comment', 'u1', 3);
    expect((await limiter.peek('comment', 'u1')).ok).toBe(false);
  });

  it('forgets a key on reset', async () => {
    const { limiter } = await setup();
    await hitTimes(limiter, 'comment', 'u1', 3);
    await limiter.reset('comment', 'u1');
    expect(await limiter.hit('comment', 'u1')).toEqual({ ok: true, retryAfterSeconds: 0, remaining: 2 });
  });

  it('shares one limit between limiters on the same database, as two server processes do', async () => {
    const first = await setup();
    const second = await setup({}, undefined, first.testDb);
    const results = [];
    for (const { limiter } of [first, second, first, second]) results.push((await limiter.hit('comment', 'u1')).ok);
    expect(results).toEqual([true, true, true, false]);
  });

  // Default mode only: it watches the SQLite connection or file itself.
  it.skipIf(onLibsql)('leaves the connection durable (synchronous=FULL) after its own writes, which skip the fsync', async () => {
    const { limiter, testDb } = await setup();
    expect(testDb.sqlite.pragma('synchronous', { simple: true })).toBe(2);
    await limiter.hit('comment', 'u1');
    await limiter.reset('comment', 'u1');
    expect(testDb.sqlite.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('stores only the bucket and a hash, never the raw address', async () => {
    const { limiter, testDb } = await setup();
    await limiter.hit('comment', hashClientAddress('203.0.113.7'));
    const keys = await testDb.rows<{ key: string }>('SELECT key FROM rate_limit_buckets');
    expect(keys).toHaveLength(1);
    expect(keys[0].key).toMatch(/^comment:[0-9a-f]{64}$/);
  });

  it('sweeps drained keys so the table follows current traffic', async () => {
    const { limiter, clock } = await setup({}, { sweepEvery: 10 });
    for (let i = 0; i < 50; i++) await limiter.hit('comment', `k${i}`);
    expect((await limiter.count())).toBe(50);
    clock.advance(60_000);
    for (let i = 0; i < 10; i++) await limiter.hit('comment', 'other');
    expect((await limiter.count())).toBe(1);
  });
});

describe('loadRateLimitConfig', () => {
  it('uses sensible defaults and is enabled unless told otherwise', async () => {
    const config = loadRateLimitConfig({});
    expect(config.enabled).toBe(true);
    expect(config.rules['post-story']).toEqual({ limit: 5, windowMs: 3_600_000 });
    expect(config.rules['login-user']).toEqual({ limit: 10, windowMs: 900_000 });
  });

  it('parses a "limit/seconds" override for a dashed bucket name', async () => {
    const config = loadRateLimitConfig({ RATE_LIMIT_LOGIN_IP: '20/600', RATE_LIMIT_COMMENT: ' 7 / 30 ' });
    expect(config.rules['login-ip']).toEqual({ limit: 20, windowMs: 600_000 });
    expect(config.rules.comment).toEqual({ limit: 7, windowMs: 30_000 });
  });

  it('ignores an invalid override and keeps the default', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const defaults = loadRateLimitConfig({}).rules;
    for (const bad of ['abc', '0/60', '10/0', '1.5/60', '-3/60', '10', '']) {
      expect(loadRateLimitConfig({ RATE_LIMIT_REPORT: bad }).rules.report).toEqual(defaults.report);
    }
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });

  it('treats RATE_LIMIT=off case-insensitively and anything else as enabled', async () => {
    expect(loadRateLimitConfig({ RATE_LIMIT: 'OFF' }).enabled).toBe(false);
    expect(loadRateLimitConfig({ RATE_LIMIT: 'on' }).enabled).toBe(true);
  });
});

describe('hashClientAddress', () => {
  const start = 20_000 * DAY + 1_000;

  it('is stable within a salt period', async () => {
    expect(hashClientAddress('203.0.113.7', start)).toBe(hashClientAddress('203.0.113.7', start + DAY - 2_000));
  });

  it('gives the same hash in a fresh copy of the module, as another server process computes it', async () => {
    const before = hashClientAddress('203.0.113.7', start);
    vi.resetModules();
    const fresh = await import('../../src/server/rate-limit');
    expect(fresh.hashClientAddress('203.0.113.7', start)).toBe(before);
  });

  it('changes after the salt rotates', async () => {
    const before = hashClientAddress('203.0.113.7', start);
    expect(hashClientAddress('203.0.113.7', start + DAY)).not.toBe(before);
  });

  it('never contains the address and looks like a SHA-256 hex digest', async () => {
    for (const address of ['203.0.113.7', '2001:db8::1', '::ffff:198.51.100.2']) {
      const hashed = hashClientAddress(address, start);
      expect(hashed).toMatch(/^[0-9a-f]{64}$/);
      expect(hashed).not.toContain(address);
    }
  });

  it('gives different hashes for different addresses', async () => {
    expect(hashClientAddress('203.0.113.7', start)).not.toBe(hashClientAddress('203.0.113.8', start));
  });

  it('counts an IPv4-mapped IPv6 address as the same client as the bare IPv4 address', async () => {
    expect(hashClientAddress('::ffff:203.0.113.7', start)).toBe(hashClientAddress('203.0.113.7', start));
  });
});
