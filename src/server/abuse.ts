/**
 * Abuse protection at the edge of every write: rate limits keyed by a rotating hash of the
 * address (never the address itself) and a honeypot field that people never fill in.
 */
import { rateLimiter, hashClientAddress } from './rate-limit';
import type { RateLimitBucket } from './rate-limit-config';
import { ServiceError } from './errors';

export const HONEYPOT_FIELD = 'website';

/** The hashed client address, or a constant when the adapter cannot tell (tests, proxies). */
export function clientKey(context: { clientAddress?: string; request: Request }): string {
  let address = 'unknown';
  try {
    address = context.clientAddress ?? 'unknown';
  } catch {
    // Astro throws when the adapter has no address; everyone unknown shares one bucket.
  }
  return hashClientAddress(address);
}

/** Counts one write against a bucket and refuses with a 429 message when over the limit. */
export async function enforceRateLimit(bucket: RateLimitBucket, key: string): Promise<void> {
  const result = await rateLimiter.hit(bucket, key);
  if (!result.ok) {
    const minutes = Math.max(1, Math.ceil(result.retryAfterSeconds / 60));
    throw new ServiceError(
      'rate_limited',
      `You are doing that a lot. Please wait about ${minutes} minute${minutes === 1 ? '' : 's'} and try again. Anything you typed is still in the form.`,
      undefined,
      result.retryAfterSeconds,
    );
  }
}

/** Refuses a form whose hidden honeypot field was filled in (bots fill every field). */
export function rejectHoneypot(form: FormData): void {
  const value = form.get(HONEYPOT_FIELD);
  if (typeof value === 'string' && value.trim() !== '') {
    throw new ServiceError('invalid', 'This form could not be accepted. If you are a person, leave the “website” field empty.');
  }
}
