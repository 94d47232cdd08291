/** One rule: at most `limit` hits per `windowMs`. */
export interface RateLimitRule {
  limit: number;
  windowMs: number;
}

/** Every action that is rate limited; each has its own rule and counters. */
export type RateLimitBucket =
  | 'post-story'
  | 'edit-story'
  | 'comment'
  | 'react'
  | 'report'
  | 'register'
  | 'login-ip'
  | 'login-user'
  | 'preview'
  | 'mod-action';

/** The resolved configuration the limiter runs with. */
export interface RateLimitConfig {
  enabled: boolean;
  rules: Record<RateLimitBucket, RateLimitRule>;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Defaults: generous for a person, tight for a script. */
export const DEFAULT_RATE_LIMITS: Readonly<Record<RateLimitBucket, RateLimitRule>> = {
  'post-story': { limit: 5, windowMs: HOUR },
  'edit-story': { limit: 30, windowMs: HOUR },
  'comment': { limit: 30, windowMs: 10 * MINUTE },
  'react': { limit: 120, windowMs: 10 * MINUTE },
  'report': { limit: 10, windowMs: HOUR },
  'register': { limit: 5, windowMs: HOUR },
  'login-ip': { limit: 30, windowMs: 15 * MINUTE },
  // Failed logins per (hashed address, username): slows the guesser, never the owner elsewhere.
  // Counts failures only, so a user who types correctly is never slowed down.
  'login-user': { limit: 10, windowMs: 15 * MINUTE },
  'preview': { limit: 60, windowMs: 10 * MINUTE },
  'mod-action': { limit: 300, windowMs: 10 * MINUTE },
};

/** "20/600" → 20 hits per 600 s; anything else (zero, decimals, junk) → null. */
function parseRule(value: string): RateLimitRule | null {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  if (!match) return null;
  const limit = Number(match[1]);
  const seconds = Number(match[2]);
  if (!Number.isSafeInteger(limit) || !Number.isSafeInteger(seconds) || limit < 1 || seconds < 1) return null;
  return { limit, windowMs: seconds * 1000 };
}

/** Reads RATE_LIMIT (off disables everything) and RATE_LIMIT_<BUCKET>="limit/seconds" overrides; bad overrides keep the default. */
export function loadRateLimitConfig(env: Record<string, string | undefined>): RateLimitConfig {
  const enabled = env.RATE_LIMIT?.trim().toLowerCase() !== 'off';
  const rules = {} as Record<RateLimitBucket, RateLimitRule>;
  for (const bucket of Object.keys(DEFAULT_RATE_LIMITS) as RateLimitBucket[]) {
    const name = `RATE_LIMIT_${bucket.toUpperCase().replaceAll('-', '_')}`;
    const raw = env[name];
    const override = raw === undefined ? null : parseRule(raw);
    // Say so once at startup rather than silently running with a limit nobody asked for.
    if (raw !== undefined && !override) console.warn(`[rate-limit] ignoring ${name}: expected "limit/seconds", keeping default`);
    rules[bucket] = override ?? { ...DEFAULT_RATE_LIMITS[bucket] };
  }
  return { enabled, rules };
}
