import { createHmac, randomBytes } from 'node:crypto';
import { loadRateLimitConfig, type RateLimitBucket, type RateLimitConfig } from './rate-limit-config';

/** Outcome of a check: whether to proceed, how long to wait if not, and how many hits are left. */
export interface RateLimitResult {
  ok: boolean;
  retryAfterSeconds: number;
  remaining: number;
}

/** Tuning for memory bounds; the defaults suit production. */
export interface RateLimiterOptions {
  /** Hard cap on tracked keys; the least recently hit key is dropped first. */
  maxEntries?: number;
  /** Sweep expired keys once every this many calls, so memory follows traffic without a timer. */
  sweepEvery?: number;
}

// Floating-point slack so that e.g. 7 hits of 3_600_000/7 ms each still fit a one-hour window.
const EPSILON = 1e-6;

/**
 * In-memory token bucket (GCRA form), keyed by bucket + key.
 *
 * Each hit adds windowMs/limit of "debt" that drains in real time; a hit is allowed while the
 * debt stays within windowMs. So `limit` hits can burst at once, then one more every
 * windowMs/limit, and a full window of quiet restores the whole allowance. Per key we keep a
 * single number: the time the debt reaches zero, after which the key is forgotten.
 */
export class RateLimiter {
  private readonly paidUpAt = new Map<string, number>();
  private readonly maxEntries: number;
  private readonly sweepEvery: number;
  private calls = 0;

  /** Creates a limiter; `now` is injectable so tests can move time. */
  constructor(
    private readonly config: RateLimitConfig,
    private readonly now: () => number = Date.now,
    options: RateLimiterOptions = {},
  ) {
    this.maxEntries = options.maxEntries ?? 100_000;
    this.sweepEvery = options.sweepEvery ?? 1_000;
  }

  /** Number of keys currently tracked (for tests and diagnostics). */
  get size(): number {
    return this.paidUpAt.size;
  }

  /** Counts one hit and says whether it is allowed. */
  hit(bucket: RateLimitBucket, key: string): RateLimitResult {
    const result = this.check(bucket, key);
    // Refused hits are not counted, so hammering while blocked does not extend the block.
    if (!this.config.enabled || !result.ok) return result;
    const { limit, windowMs } = this.config.rules[bucket];
    const id = mapKey(bucket, key);
    const now = this.now();
    const debt = Math.max((this.paidUpAt.get(id) ?? now) - now, 0);
    // Delete then set so Map order is least-recently-hit first, which is what eviction drops.
    this.paidUpAt.delete(id);
    if (this.paidUpAt.size >= this.maxEntries) this.evictOldest();
    this.paidUpAt.set(id, now + debt + windowMs / limit);
    return { ok: true, retryAfterSeconds: 0, remaining: result.remaining - 1 };
  }

  /** Checks without counting (for "failed logins": check before verifying, hit only on failure). */
  peek(bucket: RateLimitBucket, key: string): RateLimitResult {
    return this.check(bucket, key);
  }

  /** Forgets a key, e.g. clears login-user failures after a successful login. */
  reset(bucket: RateLimitBucket, key: string): void {
    this.paidUpAt.delete(mapKey(bucket, key));
  }

  private check(bucket: RateLimitBucket, key: string): RateLimitResult {
    const { limit, windowMs } = this.config.rules[bucket];
    if (!this.config.enabled) return { ok: true, retryAfterSeconds: 0, remaining: limit };
    const now = this.now();
    if (++this.calls % this.sweepEvery === 0) this.sweep(now);
    const interval = windowMs / limit;
    const debt = Math.max((this.paidUpAt.get(mapKey(bucket, key)) ?? now) - now, 0);
    const remaining = Math.max(Math.floor((windowMs - debt) / interval + EPSILON), 0);
    if (remaining >= 1) return { ok: true, retryAfterSeconds: 0, remaining };
    // Wait until one interval's worth of debt has drained; never say 0 to a refused caller.
    const waitMs = debt + interval - windowMs;
    return { ok: false, retryAfterSeconds: Math.max(Math.ceil(waitMs / 1000 - EPSILON), 1), remaining: 0 };
  }

  private sweep(now: number): void {
    for (const [id, at] of this.paidUpAt) if (at <= now) this.paidUpAt.delete(id);
  }

  private evictOldest(): void {
    // O(1) on purpose: sweeping here would let a flood of fresh keys cost a full scan each.
    const oldest = this.paidUpAt.keys().next();
    if (!oldest.done) this.paidUpAt.delete(oldest.value);
  }
}

// Bucket names contain no ':', so the prefix cannot collide with another bucket's keys.
function mapKey(bucket: RateLimitBucket, key: string): string {
  return `${bucket}:${key}`;
}

const SALT_PERIOD_MS = 24 * 60 * 60 * 1000;
let salt: { period: number; key: Buffer } | null = null;

/** HMAC-SHA256 (hex) of a client address under an in-memory salt that rotates daily and is never stored, so no IP reaches storage or logs. */
export function hashClientAddress(address: string, now: number = Date.now()): string {
  const period = Math.floor(now / SALT_PERIOD_MS);
  if (salt?.period !== period) salt = { period, key: randomBytes(32) };
  // The same IPv4 client may show up bare or IPv4-mapped depending on the socket; count it once.
  const normalized = address.trim().toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  return createHmac('sha256', salt.key).update(normalized).digest('hex');
}

/** The process-wide limiter, configured once from process.env. */
export const rateLimiter = new RateLimiter(loadRateLimitConfig());
