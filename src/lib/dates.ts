/** Human dates for readers: "3 hours ago", "12 March 2025". Deliberately coarse for anonymity. */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export function timeAgo(timestamp: number, now = Date.now()): string {
  const elapsed = Math.max(0, now - timestamp);
  if (elapsed < HOUR) return 'within the hour';
  if (elapsed < DAY) {
    const hours = Math.floor(elapsed / HOUR);
    return `${hours} hour${hours === 1 ? '' : 's'} ago`;
  }
  if (elapsed < 30 * DAY) {
    const days = Math.floor(elapsed / DAY);
    return `${days} day${days === 1 ? '' : 's'} ago`;
  }
  return formatDate(timestamp);
}

// Made once: toLocaleDateString builds a new formatter on every call (7% of the feed's time).
const DATE_FORMAT = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

export function formatDate(timestamp: number): string {
  return DATE_FORMAT.format(timestamp);
}

/**
 * Every time shown or served publicly is cut to the minute (and publication times are stored so):
 * finer timestamps add nothing a reader needs and help match a post to the moment it was written.
 * A minute rather than an hour keeps "newest first" honest: stories within one minute are ordered
 * by their random ids, so their order tells nothing either.
 */
export const PUBLIC_TIME_PRECISION_MS = MINUTE;

/** A time cut down to the public precision (the start of its minute). */
export function publicTime(timestamp: number): number {
  return timestamp - (((timestamp % PUBLIC_TIME_PRECISION_MS) + PUBLIC_TIME_PRECISION_MS) % PUBLIC_TIME_PRECISION_MS);
}

/** ISO 8601 for `datetime`, JSON and the sitemap, at the public precision: "2025-03-12T14:07:00Z". */
export function isoDate(timestamp: number): string {
  return new Date(publicTime(timestamp)).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The edit time readers may see: none for an edit made while a delayed story was still waiting,
 * which would show that the story existed before its publication time.
 */
export function publicEditedAt(editedAt: number | null, publishedAt: number): number | null {
  return editedAt !== null && editedAt > publishedAt ? editedAt : null;
}
