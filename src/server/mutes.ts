/**
 * Muted pseudonyms (issue 12): a reader folds away one participant's comments within one story.
 * Kept only in the reader's own cookie, never on the server; pseudonyms are per story anyway.
 */
import type { AstroCookies } from 'astro';
import { cookieOptions } from './visitor';
import { LIMITS } from '../lib/limits';

export const MUTE_COOKIE = 'rop_muted';
const YEAR_SECONDS = 365 * 24 * 60 * 60;
/** What a pseudonym looks like ("Sleepy Pager 42"); anything else is not stored in the cookie. */
const PSEUDONYM_SHAPE = /^[A-Z][a-z]{1,15} [A-Z][a-z]{1,15} \d{1,2}$/;

/** Entries "storyId:pseudonym" from the cookie value, oldest first; malformed ones dropped. */
export function parseMutes(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split('|')
    .filter((entry) => /^\d{1,12}:/.test(entry) && PSEUDONYM_SHAPE.test(entry.slice(entry.indexOf(':') + 1)))
    .slice(-LIMITS.mutedPseudonymsMax);
}

/** The cookie value with this pseudonym muted (added last) or unmuted, capped in size. */
export function updateMutes(entries: string[], storyId: number, pseudonym: string, mute: boolean): string[] {
  const entry = `${storyId}:${pseudonym}`;
  const rest = entries.filter((existing) => existing !== entry);
  if (!mute) return rest;
  if (!PSEUDONYM_SHAPE.test(pseudonym)) return rest;
  return [...rest, entry].slice(-LIMITS.mutedPseudonymsMax);
}

/** Pseudonyms this reader muted in this story. */
export function mutedIn(cookies: AstroCookies, storyId: number): Set<string> {
  const prefix = `${storyId}:`;
  return new Set(parseMutes(cookies.get(MUTE_COOKIE)?.value).filter((e) => e.startsWith(prefix)).map((e) => e.slice(prefix.length)));
}

/** Mutes or unmutes a pseudonym in a story for this reader (cookie only). */
export function setMuted(cookies: AstroCookies, url: URL, storyId: number, pseudonym: string, mute: boolean): void {
  const entries = updateMutes(parseMutes(cookies.get(MUTE_COOKIE)?.value), storyId, pseudonym, mute);
  if (entries.length === 0) cookies.delete(MUTE_COOKIE, { path: '/stories' });
  else cookies.set(MUTE_COOKIE, entries.join('|'), cookieOptions(url, YEAR_SECONDS, '/stories'));
}
