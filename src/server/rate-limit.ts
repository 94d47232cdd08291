import { createHmac } from 'node:crypto';
import type { RateLimitBucket, RateLimitConfig } from './rate-limit-config';
import { rateLimitSettings } from './settings';
import { sql } from 'drizzle-orm';
import { getDb } from './db';
import { firstRow, write, type Db, type WriteOptions } from './transaction';
import { getServerSecret } from './secret';

/** Outcome of a check: whether to proceed, how long to wait if not, and how many hits are left. */
export interface RateLimitResult {
  ok: boolean;
  retryAfterSeconds: number;
  remaining: number;
}

/** Tuning for the sweep; the default suits production. */
export interface RateLimiterOptions {
  /** Delete drained keys once every this many calls, so the table follows traffic without a timer. */
  sweepEvery?: number;
}

/**
 * A counter lost in a power cut costs nothing, while an fsync per hit (synchronous=FULL) blocked the
 * event loop for ~4 ms: rate-limit writes commit without waiting for the disk (default mode).
 */
const RELAXED: WriteOptions = { durability: 'relaxed' };

// Floating-point slack so that e.g. 7 hits of 3_600_000/7 ms each still fit a one-hour window.
const EPSILON = 1e-6;

/**
 * Token bucket (GCRA form), keyed by bucket + key, kept in the database so that every server
 * process (WORKERS=N, or two servers on one file) shares one limit.
 *
 * Each hit adds windowMs/limit of "debt" that drains in real time; a hit is allowed while the
 * debt stays within windowMs. So `limit` hits can burst at once, then one more every
 * windowMs/limit, and a full window of quiet restores the whole allowance. Per key we keep a
 * single number: the time the debt reaches zero, after which the row is swept.
 */
export class RateLimiter {
  private readonly sweepEvery: number;
  private calls = 0;

  /** Creates a limiter over a database (or a getter, so the connection opens on first use); `now` is injectable so tests can move time. */
  constructor(
    private readonly database: Db | (() => Db | Promise<Db>),
    private readonly config: RateLimitConfig,
    private readonly now: () => number = Date.now,
    options: RateLimiterOptions = {},
  ) {
    this.sweepEvery = options.sweepEvery ?? 1_000;
  }

  private async db(): Promise<Db> {
    return typeof this.database === 'function' ? this.database() : this.database;
  }

  /** Number of keys currently stored (for tests and diagnostics). */
  async count(): Promise<number> {
    const row = await firstRow<{ n: number }>((await this.db()), sql`SELECT count(*) AS n FROM rate_limit_buckets`);
    return Number(row?.n ?? 0);
  }

  /** Counts one hit and says whether it is allowed. */
  async hit(bucket: RateLimitBucket, key: string): Promise<RateLimitResult> {
    const { limit, windowMs } = this.config.rules[bucket];
    if (!this.config.enabled) return { ok: true, retryAfterSeconds: 0, remaining: limit };
    const db = await this.db();
    const now = this.now();
    await this.maybeSweep(db, now);
    const interval = windowMs / limit;
    const id = mapKey(bucket, key);
    // One statement, so two processes (or servers) hitting the same key at once cannot both slip
    // through: the new debt is written only when it stays within the window. Refused hits change
    // nothing, so hammering while blocked does not extend the block.
    const row = await write(
      db,
      (w) =>
        firstRow<{ paidUpAt: number }>(w, sql`
          INSERT INTO rate_limit_buckets (key, paid_up_at) VALUES (${id}, ${now} + ${interval})
          ON CONFLICT (key) DO UPDATE SET paid_up_at = max(paid_up_at, ${now}) + ${interval}
            WHERE max(paid_up_at, ${now}) + ${interval} - ${now} <= ${windowMs} + ${EPSILON}
          RETURNING paid_up_at AS paidUpAt`),
      RELAXED,
    );
    if (!row) return this.check(db, bucket, key, now);
    const debt = Number(row.paidUpAt) - now;
    return { ok: true, retryAfterSeconds: 0, remaining: Math.max(Math.floor((windowMs - debt) / interval + EPSILON), 0) };
  }

  /** Checks without counting (for "failed logins": check before verifying, hit only on failure). */
  async peek(bucket: RateLimitBucket, key: string): Promise<RateLimitResult> {
    const { limit } = this.config.rules[bucket];
    if (!this.config.enabled) return { ok: true, retryAfterSeconds: 0, remaining: limit };
    return this.check(await this.db(), bucket, key, this.now());
  }

  /** Forgets a key, e.g. clears login failures after a successful login. */
  async reset(bucket: RateLimitBucket, key: string): Promise<void> {
    if (!this.config.enabled) return;
    const id = mapKey(bucket, key);
    await write(await this.db(), (w) => w.run(sql`DELETE FROM rate_limit_buckets WHERE key = ${id}`), RELAXED);
  }

  private async check(db: Db, bucket: RateLimitBucket, key: string, now: number): Promise<RateLimitResult> {
    const { limit, windowMs } = this.config.rules[bucket];
    const interval = windowMs / limit;
    const row = await firstRow<{ paidUpAt: number }>(db, sql`SELECT paid_up_at AS paidUpAt FROM rate_limit_buckets WHERE key = ${mapKey(bucket, key)}`);
    const debt = Math.max((row ? Number(row.paidUpAt) : now) - now, 0);
    const remaining = Math.max(Math.floor((windowMs - debt) / interval + EPSILON), 0);
    if (remaining >= 1) return { ok: true, retryAfterSeconds: 0, remaining };
    // Wait until one interval's worth of debt has drained; never say 0 to a refused caller.
    const waitMs = debt + interval - windowMs;
    return { ok: false, retryAfterSeconds: Math.max(Math.ceil(waitMs / 1000 - EPSILON), 1), remaining: 0 };
  }

  private async maybeSweep(db: Db, now: number): Promise<void> {
    if (++this.calls % this.sweepEvery !== 0) return;
    await write(db, (w) => w.run(sql`DELETE FROM rate_limit_buckets WHERE paid_up_at <= ${now}`), RELAXED);
  }
}

// Bucket names contain no ':', so the prefix cannot collide with another bucket's keys.
function mapKey(bucket: RateLimitBucket, key: string): string {
  return `${bucket}:${key}`;
}

const SALT_PERIOD_MS = 24 * 60 * 60 * 1000;
let salt: { period: number; key: Buffer } | null = null;

/**
 * HMAC-SHA256 (hex) of a client address under a salt that rotates daily, so no IP reaches storage
 * or logs. The salt is derived from the server secret and the day (never stored), so every process
 * computes the same key for the same client; the stored keys live only until their debt drains.
 */
export function hashClientAddress(address: string, now: number = Date.now()): string {
  const period = Math.floor(now / SALT_PERIOD_MS);
  if (salt?.period !== period) {
    salt = { period, key: createHmac('sha256', getServerSecret()).update(`rate-limit-salt:${period}`).digest() };
  }
  // The same IPv4 client may show up bare or IPv4-mapped depending on the socket; count it once.
  const normalized = address.trim().toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  return createHmac('sha256', salt.key).update(normalized).digest('hex');
}

/** The process-wide limiter, configured from the settings, over the one database connection. */
export const rateLimiter = new RateLimiter(() => getDb(), rateLimitSettings());
