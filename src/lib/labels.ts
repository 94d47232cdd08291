/** Reader-facing labels for stored fact values; unknown values fall back to null. */
import { DETECTION, EXPERIENCE, IMPACT, OUTCOME } from './facts';

const lookup = <T extends Record<string, string>>(table: T) => (value: string | null | undefined): string | null =>
  value && Object.hasOwn(table, value) ? table[value as keyof T] : null;

export const experienceLabel = lookup(EXPERIENCE);
export const impactLabel = lookup(IMPACT);
export const detectionLabel = lookup(DETECTION);
export const outcomeLabel = lookup(OUTCOME);

// Made once: toLocaleString builds a new formatter on every call, and cards call this often.
const COUNT_FORMAT = new Intl.NumberFormat('en');

/** Plural helper: "1 comment", "3 comments". */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${COUNT_FORMAT.format(count)} ${count === 1 ? one : many}`;
}

/** A same-site path to return to after a POST; anything else falls back (no open redirects). */
export function safeReturnPath(value: string | null | undefined, fallback: string): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return fallback;
  if (/[\u0000-\u001f]/.test(value) || value.length > 500) return fallback;
  // Parsed, then written back percent-encoded: a Location header carries only ASCII (a raw "€"
  // would fail after the write was done), and the parse proves the target stays on this site.
  const base = 'http://same-site.invalid';
  let url: URL;
  try {
    url = new URL(value, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base) return fallback;
  return url.pathname + url.search + url.hash;
}

/** "1 story and 2 comments": what a browser wrote without an account, for the offer to link it. */
export function storiesAndComments(work: { stories: number; comments: number }): { label: string; pronoun: 'it' | 'them' } {
  const parts = [work.stories ? plural(work.stories, 'story', 'stories') : '', work.comments ? plural(work.comments, 'comment') : ''];
  return { label: parts.filter(Boolean).join(' and '), pronoun: work.stories + work.comments === 1 ? 'it' : 'them' };
}
