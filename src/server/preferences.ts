/** Reader preferences kept in a cookie (no account needed): content notes to hide from the feed. */
import type { AstroCookies } from 'astro';
import { CONTENT_NOTE_VALUES, contentNotesToMask, maskToContentNotes, type ContentNote } from '../lib/facts';
import { cookieOptions } from './visitor';

export const HIDE_NOTES_COOKIE = 'rop_hide_notes';

/** The content notes this reader chose to hide. */
export function hiddenContentNotes(cookies: AstroCookies): ContentNote[] {
  const raw = Number(cookies.get(HIDE_NOTES_COOKIE)?.value ?? '0');
  return Number.isInteger(raw) && raw > 0 ? maskToContentNotes(raw) : [];
}

export function saveHiddenContentNotes(cookies: AstroCookies, url: URL, values: string[]): void {
  const notes = values.filter((value): value is ContentNote => (CONTENT_NOTE_VALUES as string[]).includes(value));
  const mask = contentNotesToMask(notes);
  if (mask === 0) cookies.delete(HIDE_NOTES_COOKIE, { path: '/' });
  else cookies.set(HIDE_NOTES_COOKIE, String(mask), cookieOptions(url, 365 * 24 * 60 * 60));
}
