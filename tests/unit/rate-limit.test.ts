import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadRateLimitConfig, type RateLimitBucket } from '../../src/server/rate-limit-config';
import { hashClientAddress, RateLimiter } from '../../src/server/rate-limit';
import { createTestDb, type TestDb } from '../helpers/db';

const DAY = 24 * 60 * 60 * 1000;

/** A limiter with a controllable clock and one bucket overridden to a small, easy rule. */
let open: TestDb[] = [];
afterEach(() => {
  for (const t of open) t.cleanup();
  open = [];
});

function setup(env: Record<string, string> = {}, options?: { sweepEvery?: number }, shared?: TestDb) {
  let t = 1_000_000;
  const clock = { advance: (ms: number) => (t += ms) };
  const testDb = shared ?? createTestDb();
  if (!shared) open.push(testDb);
  const limiter = new RateLimiter(testDb.db, loadRateLimitConfig({ RATE_LIMIT_COMMENT: '3/60', ...env }), () => t, options);
  return { limiter, clock, testDb };
}

function hitTimes(limiter: RateLimiter, bucket: RateLimitBucket, key: string, n: number) {
  return Array.from({ length: n }, () => limiter.hit(bucket, key));
}

describe('RateLimiter', () => {
  it('allows hits up to the limit, then refuses with a positive retryAfterSeconds', () => {
    const { limiter } = setup();
    const results = hitTimes(limiter, 'comment', 'u1', 4);
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false]);
    expect(results.map((r) => r.remaining)).toEqual([2, 1, 0, 0]);
    expect(results[3].retryAfterSeconds).toBeGreaterThan(0);
    expect(results[3].retryAfterSeconds).toBeLessThanOrEqual(60);
  });

  it('allows the full limit again once the window has passed', () => {
    const { limiter, clock } = setup();
    hitTimes(limiter, 'comment', 'u1', 3);
    expect(limiter.hit('comment', 'u1').ok).toBe(false);
    clock.advance(60_000);
    expect(hitTimes(limiter, 'comment', 'u1', 4).map((r) => r.ok)).toEqual([true, true, true, false]);
  });

  it('allows another hit as soon as the promised retryAfterSeconds has elapsed', () => {
    const { limiter, clock } = setup();
    hitTimes(limiter, 'comment', 'u1', 3);
    const refused = limiter.hit('comment', 'u1');
    clock.advance(refused.retryAfterSeconds * 1000 - 1);
    expect(limiter.hit('comment', 'u1').ok).toBe(false);
    clock.advance(1);
    expect(limiter.hit('comment', 'u1').ok).toBe(true);
  });

  it('keeps buckets and keys independent of each other', () => {
    const { limiter } = setup({ RATE_LIMIT_REACT: '3/60' });
    hitTimes(limiter, 'comment', 'u1', 3);
    expect(limiter.hit('comment', 'u1').ok).toBe(false);
    expect(limiter.hit('comment', 'u2').ok).toBe(true);
    expect(limiter.hit('react', 'u1').ok).toBe(true);
  });

  it('always allows when RATE_LIMIT=off', () => {
    const { limiter } = setup({ RATE_LIMIT: 'off' });
    expect(hitTimes(limiter, 'comment', 'u1', 1000).every((r) => r.ok)).toBe(true);
    expect(limiter.size).toBe(0);
  });

  it('does not count peeks', () => {
    const { limiter } = setup();
    for (let i = 0; i < 10; i++) expect(limiter.peek('comment', 'u1')).toEqual({ ok: true, retryAfterSeconds: 0, remaining: 3 });
    hitTimes(limiter, 'comment', 'u1', 3);
    expect(limiter.peek('comment', 'u1').ok).toBe(false);
  });

  it('forgets a key on reset', () => {
    const { limiter } = setup();
    hitTimes(limiter, 'comment', 'u1', 3);
    limiter.reset('comment', 'u1');
    expect(limiter.hit('comment', 'u1')).toEqual({ ok: true, retryAfterSeconds: 0, remaining: 2 });
  });

  it('shares one limit between limiters on the same database, as two server processes do', () => {
    const first = setup();
    const second = setup({}, undefined, first.testDb);
    const results = [first, second, first, second].map(({ limiter }) => limiter.hit('comment', 'u1').ok);
    expect(results).toEqual([true, true, true, false]);
  });

  it('leaves the connection durable (synchronous=FULL) after its own writes, which skip the fsync', () => {
    const { limiter, testDb } = setup();
    expect(testDb.db.$client.pragma('synchronous', { simple: true })).toBe(2);
    limiter.hit('comment', 'u1');
    limiter.reset('comment', 'u1');
    expect(testDb.db.$client.pragma('synchronous', { simple: true })).toBe(2);
  });

  it('stores only the bucket and a hash, never the raw address', () => {
    const { limiter, testDb } = setup();
    limiter.hit('comment', hashClientAddress('203.0.113.7'));
    const keys = testDb.db.$client.prepare('SELECT key FROM rate_limit_buckets').all() as { key: string }[];
    expect(keys).toHaveLength(1);
    expect(keys[0].key).toMatch(/^comment:[0-9a-f]{64}$/);
  });

  it('sweeps drained keys so the table follows current traffic', () => {
    const { limiter, clock } = setup({}, { sweepEvery: 10 });
    for (let i = 0; i < 50; i++) limiter.hit('comment', `k${i}`);
    expect(limiter.size).toBe(50);
    clock.advance(60_000);
    for (let i = 0; i < 10; i++) limiter.hit('comment', 'other');
    expect(limiter.size).toBe(1);
  });
});

describe('loadRateLimitConfig', () => {
  it('uses sensible defaults and is enabled unless told otherwise', () => {
    const config = loadRateLimitConfig({});
    expect(config.enabled).toBe(true);
    expect(config.rules['post-story']).toEqual({ limit: 5, windowMs: 3_600_000 });
    expect(config.rules['login-user']).toEqual({ limit: 10, windowMs: 900_000 });
  });

  it('parses a "limit/seconds" override for a dashed bucket name', () => {
    const config = loadRateLimitConfig({ RATE_LIMIT_LOGIN_IP: '20/600', RATE_LIMIT_COMMENT: ' 7 / 30 ' });
    expect(config.rules['login-ip']).toEqual({ limit: 20, windowMs: 600_000 });
    expect(config.rules.comment).toEqual({ limit: 7, windowMs: 30_000 });
  });

  it('ignores an invalid override and keeps the default', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const defaults = loadRateLimitConfig({}).rules;
    for (const bad of ['abc', '0/60', '10/0', '1.5/60', '-3/60', '10', '']) {
      expect(loadRateLimitConfig({ RATE_LIMIT_REPORT: bad }).rules.report).toEqual(defaults.report);
    }
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });

  it('treats RATE_LIMIT=off case-insensitively and anything else as enabled', () => {
    expect(loadRateLimitConfig({ RATE_LIMIT: 'OFF' }).enabled).toBe(false);
    expect(loadRateLimitConfig({ RATE_LIMIT: 'on' }).enabled).toBe(true);
  });
});

describe('hashClientAddress', () => {
  const start = 20_000 * DAY + 1_000;

  it('is stable within a salt period', () => {
    expect(hashClientAddress('203.0.113.7', start)).toBe(hashClientAddress('203.0.113.7', start + DAY - 2_000));
  });

  it('gives the same hash in a fresh copy of the module, as another server process computes it', async () => {
    const before = hashClientAddress('203.0.113.7', start);
    vi.resetModules();
    const fresh = await import('../../src/server/rate-limit');
    expect(fresh.hashClientAddress('203.0.113.7', start)).toBe(before);
  });

  it('changes after the salt rotates', () => {
    const before = hashClientAddress('203.0.113.7', start);
    expect(hashClientAddress('203.0.113.7', start + DAY)).not.toBe(before);
  });

  it('never contains the address and looks like a SHA-256 hex digest', () => {
    for (const address of ['203.0.113.7', '2001:db8::1', '::ffff:198.51.100.2']) {
      const hashed = hashClientAddress(address, start);
      expect(hashed).toMatch(/^[0-9a-f]{64}$/);
      expect(hashed).not.toContain(address);
    }
  });

  it('gives different hashes for different addresses', () => {
    expect(hashClientAddress('203.0.113.7', start)).not.toBe(hashClientAddress('203.0.113.8', start));
  });

  it('counts an IPv4-mapped IPv6 address as the same client as the bare IPv4 address', () => {
    expect(hashClientAddress('::ffff:203.0.113.7', start)).toBe(hashClientAddress('203.0.113.7', start));
  });
});
