/**
 * Full-text search over stories, lessons and comments (SQLite FTS5, ranked with bm25). User text
 * never reaches MATCH as syntax: parseSearchQuery quotes every term first.
 */
import { sql } from 'drizzle-orm';
import type { Db } from './db';
import { parseSearchQuery } from '../lib/search-query';
import { storyPath } from '../lib/slug';

export const SEARCH_RESULT_LIMIT = 50;

export interface SearchHit {
  kind: 'story' | 'lesson' | 'comment';
  storyId: number;
  storyTitle: string;
  url: string;
  /** Escaped text with <mark> around the matched terms: safe for set:html. */
  snippetHtml: string;
}

export type SearchOutcome =
  | { status: 'empty' }
  | { status: 'invalid'; message: string }
  | { status: 'tags-only'; tags: string[] }
  | { status: 'ok'; hits: SearchHit[]; terms: string[]; tags: string[]; excluded: string[] };

// Private-use markers FTS5 puts around matches; replaced by <mark> after HTML escaping.
const OPEN = '\u0002';
const CLOSE = '\u0003';

function snippetToHtml(snippet: string): string {
  const escaped = snippet
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
  return escaped.split(OPEN).join('<mark>').split(CLOSE).join('</mark>');
}

interface HitRow {
  kind: SearchHit['kind'];
  storyId: number;
  storySlug: string;
  storyTitle: string;
  itemId: number;
  snippet: string;
  rank: number;
}

/** Runs a reader's query; any input gives results, an empty list, or a message — never a throw. */
export function searchAll(db: Db, rawQuery: string, options: { tag?: string; now?: number } = {}): SearchOutcome {
  const parsed = parseSearchQuery(rawQuery);
  if (parsed.error) return { status: 'invalid', message: parsed.error };
  const tags = [...new Set([...parsed.tags, ...(options.tag ? [options.tag] : [])])].filter((t) => /^[a-z0-9-]{1,40}$/.test(t));
  if (!parsed.match) return tags.length > 0 ? { status: 'tags-only', tags } : { status: 'empty' };
  const now = options.now ?? Date.now();
  const tagFilter = tags.length
    ? sql`AND s.id IN (SELECT sft.story_id FROM story_failure_types sft JOIN failure_types ft ON ft.id = sft.failure_type_id WHERE ft.slug IN (${sql.join(tags.map((t) => sql`${t}`), sql`, `)}))`
    : sql``;
  const visible = sql`s.state = 'visible' AND s.published_at <= ${now} ${tagFilter}`;
  const match = parsed.match;
  // Stories first, then lessons, then comments, each ranked by bm25 (scores from three indexes
  // are not comparable: a short lesson always beats a long story). One query per kind, asked only
  // while places are left: one query over all three had SQLite score and snippet every match of
  // every kind before keeping 50 (1–2 s for a common word at 100,000 stories).
  const kinds = [
    (limit: number) => db.all<HitRow>(sql`
      SELECT 'story' AS kind, s.id AS storyId, s.slug AS storySlug, s.title AS storyTitle, s.id AS itemId,
        snippet(stories_fts, -1, ${OPEN}, ${CLOSE}, '…', 28) AS snippet, bm25(stories_fts, 8.0, 1.0) AS rank
      FROM stories_fts JOIN stories s ON s.id = stories_fts.rowid
      WHERE stories_fts MATCH ${match} AND ${visible}
      ORDER BY rank LIMIT ${limit}`),
    (limit: number) => db.all<HitRow>(sql`
      SELECT 'lesson' AS kind, s.id AS storyId, s.slug AS storySlug, s.title AS storyTitle, l.id AS itemId,
        snippet(lessons_fts, 0, ${OPEN}, ${CLOSE}, '…', 28) AS snippet, bm25(lessons_fts) AS rank
      FROM lessons_fts JOIN lessons l ON l.id = lessons_fts.rowid JOIN stories s ON s.id = l.story_id
      WHERE lessons_fts MATCH ${match} AND ${visible}
      ORDER BY rank LIMIT ${limit}`),
    (limit: number) => db.all<HitRow>(sql`
      SELECT 'comment' AS kind, s.id AS storyId, s.slug AS storySlug, s.title AS storyTitle, c.id AS itemId,
        snippet(comments_fts, 0, ${OPEN}, ${CLOSE}, '…', 28) AS snippet, bm25(comments_fts) AS rank
      FROM comments_fts JOIN comments c ON c.id = comments_fts.rowid JOIN stories s ON s.id = c.story_id
      WHERE comments_fts MATCH ${match} AND c.state = 'visible' AND ${visible}
      ORDER BY rank LIMIT ${limit}`),
  ];
  const rows: HitRow[] = [];
  for (const query of kinds) {
    if (rows.length >= SEARCH_RESULT_LIMIT) break;
    rows.push(...query(SEARCH_RESULT_LIMIT - rows.length));
  }
  const hits = rows.map((row) => {
    const base = storyPath({ id: row.storyId, slug: row.storySlug });
    return {
      kind: row.kind,
      storyId: row.storyId,
      storyTitle: row.storyTitle,
      url: row.kind === 'comment' ? `${base}#c${row.itemId}` : row.kind === 'lesson' ? `${base}#l${row.itemId}` : base,
      snippetHtml: snippetToHtml(row.snippet),
    };
  });
  return { status: 'ok', hits, terms: parsed.terms, tags, excluded: parsed.excluded };
}

/**
 * A random visible story for the bad-day button, preferring ones that ended well. Seeks from a
 * random id instead of ORDER BY random(), so it stays cheap on a large table.
 */
export function pickRandomStory(db: Db, options: { random?: () => number; now?: number } = {}): { id: number; slug: string } | null {
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now();
  const bounds = db.get<{ lo: number | null; hi: number | null }>(sql`SELECT min(id) AS lo, max(id) AS hi FROM stories`);
  if (!bounds?.lo || !bounds.hi) return null;
  const pivot = bounds.lo + Math.floor(random() * (bounds.hi - bounds.lo + 1));
  const goodOutcome = sql`AND outcome IN ('nothing', 'talk', 'postmortem')`;
  const attempts = [goodOutcome, sql``];
  for (const filter of attempts) {
    for (const [comparison, order] of [[sql`>=`, sql`ASC`], [sql`<`, sql`DESC`]] as const) {
      const row = db.get<{ id: number; slug: string }>(sql`
        SELECT id, slug FROM stories
        WHERE id ${comparison} ${pivot} AND state = 'visible' AND published_at <= ${now} ${filter}
        ORDER BY id ${order} LIMIT 1`);
      if (row) return row;
    }
  }
  return null;
}
