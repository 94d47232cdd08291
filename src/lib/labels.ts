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
  return value;
}
