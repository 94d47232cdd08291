/**
 * Keyset cursors for paginated lists: two integers, "<sortKey>_<id>". Page 1000 costs what page 1
 * costs because the query seeks to the key instead of skipping rows.
 */
export interface Cursor {
  key: number;
  id: number;
}

export function encodeCursor(cursor: Cursor): string {
  return `${cursor.key}_${cursor.id}`;
}

/** Null for a missing or malformed cursor (a hand-edited URL is not an error worth a 500). */
export function decodeCursor(value: string | null | undefined): Cursor | null {
  const match = /^(-?\d{1,16})_(\d{1,12})$/.exec(value ?? '');
  if (!match) return null;
  const key = Number(match[1]);
  const id = Number(match[2]);
  if (!Number.isSafeInteger(key) || !Number.isSafeInteger(id)) return null;
  return { key, id };
}
