/**
 * Site-wide counts kept between requests while nothing they count can have changed (issue 10):
 * "N more stories about X" and how stories like the author's ended cost about 50 ms each at
 * 100,000 stories, on every story page a reader with a session opens and every page-cache miss.
 *
 * A kept count is used only while
 * - the site_version row is unchanged: every write bumps it in its own transaction, in any process
 *   (triggers, migration 0008), so a write is seen by the very next read anywhere; and
 * - the time asked about lies between the same two publication times: a delayed story going public
 *   changes the counts without any write.
 */
import { preparedAll } from './statements';
import type { Db } from './transaction';

interface Memo {
  version: number;
  /** The counts hold for any `now` in [from, until): no story's publication time lies between. */
  from: number;
  until: number;
  values: Map<string, unknown>;
}

const memos = new WeakMap<Db, Memo>();
/** Keys are per failure type and experience (a few hundred at most); this only bounds the memory. */
const KEPT_COUNTS_MAX = 1000;

async function siteVersion(db: Db): Promise<number> {
  const [row] = await preparedAll<{ version: number }>(db, 'SELECT version FROM site_version WHERE id = 1');
  return row?.version ?? -1;
}

/** The memo valid at `now`, started afresh when a write or a publication time came between. */
async function memoAt(db: Db, now: number): Promise<Memo> {
  const version = await siteVersion(db);
  const memo = memos.get(db);
  if (memo && memo.version === version && memo.from <= now && now < memo.until) return memo;
  // Both through stories_feed_idx (published_at, id): one step each.
  const [before] = await preparedAll<{ at: number | null }>(db, 'SELECT max(published_at) AS at FROM stories WHERE published_at <= ?', now);
  const [after] = await preparedAll<{ at: number | null }>(db, 'SELECT min(published_at) AS at FROM stories WHERE published_at > ?', now);
  const fresh: Memo = { version, from: before?.at ?? -Infinity, until: after?.at ?? Infinity, values: new Map() };
  memos.set(db, fresh);
  return fresh;
}

/** `compute()`, or the value it gave for the same key while nothing it counts has changed. */
export async function keptCount<T>(db: Db, key: string, now: number, compute: () => Promise<T>): Promise<T> {
  const memo = await memoAt(db, now);
  if (memo.values.has(key)) return memo.values.get(key) as T;
  const value = await compute();
  // Another request may have started a newer memo meanwhile; the value belongs to this one.
  if (memo.values.size >= KEPT_COUNTS_MAX) memo.values.clear();
  memo.values.set(key, value);
  return value;
}
