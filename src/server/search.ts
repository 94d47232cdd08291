/**
 * Full-text search over stories, lessons and comments (SQLite FTS5, ranked with bm25). User text
 * never reaches MATCH as syntax: parseSearchQuery quotes every term first.
 */
import { sql } from 'drizzle-orm';
import { firstRow, type Db } from './transaction';
import { preparedAll } from './statements';
import { parseSearchQuery } from '../lib/search-query';
import { storyPath } from '../lib/slug';
import { ENDED_WELL_OUTCOMES } from '../lib/facts';

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

/**
 * The index holds raw Markdown, so snippets would show "## What happened" and "**bold**": keep the
 * words, drop the syntax (headings, emphasis, code ticks, link targets, quote and list markers).
 */
function stripMarkdown(snippet: string): string {
  return snippet
    .replace(/!?\[([^\]\n]*)\]\([^)\s]*\)/g, '$1')
    .replace(/(^|\n)[ \t]*(?:#{1,6}|>|[-*+]|\d{1,3}[.)])[ \t]+/g, '$1')
    .replace(/\*\*|__|~~|`+/g, '')
    .replace(/(^|[\s(\u0002])[*_]([^\s*_])/g, '$1$2')
    .replace(/([^\s*_])[*_](?=$|[\s).,;:!?\u0003])/g, '$1')
    .replace(/\s*\n\s*/g, ' ');
}

function snippetToHtml(snippet: string): string {
  const escaped = stripMarkdown(snippet)
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
}

/**
 * Ordering by the FTS5 `rank` column (not by a bm25() expression) lets FTS5 sort the matches by
 * score itself and hand them over best first, so the join, the visibility check and snippet() run
 * only for the rows kept, not for every match: ORDER BY bm25(…) made SQLite join every match to
 * its story (whose state and publication time sit after the long bodies, in overflow pages),
 * snippet it, then sort (29 ms for "migration" at 100,000 stories, seconds for a common word).
 */
function hitQuery(kind: SearchHit['kind'], tagFilter: string): string {
  const visible = `s.state = 'visible' AND s.published_at <= ? ${tagFilter}`;
  switch (kind) {
    case 'story':
      return `SELECT 'story' AS kind, s.id AS storyId, s.slug AS storySlug, s.title AS storyTitle, s.id AS itemId,
        snippet(stories_fts, -1, ?, ?, '…', 28) AS snippet
      FROM stories_fts JOIN stories s ON s.id = stories_fts.rowid
      WHERE stories_fts MATCH ? AND stories_fts.rank MATCH 'bm25(8.0, 1.0)' AND ${visible}
      ORDER BY stories_fts.rank LIMIT ?`;
    case 'lesson':
      return `SELECT 'lesson' AS kind, s.id AS storyId, s.slug AS storySlug, s.title AS storyTitle, l.id AS itemId,
        snippet(lessons_fts, 0, ?, ?, '…', 28) AS snippet
      FROM lessons_fts JOIN lessons l ON l.id = lessons_fts.rowid JOIN stories s ON s.id = l.story_id
      WHERE lessons_fts MATCH ? AND ${visible}
      ORDER BY lessons_fts.rank LIMIT ?`;
    case 'comment':
      return `SELECT 'comment' AS kind, s.id AS storyId, s.slug AS storySlug, s.title AS storyTitle, c.id AS itemId,
        snippet(comments_fts, 0, ?, ?, '…', 28) AS snippet
      FROM comments_fts JOIN comments c ON c.id = comments_fts.rowid JOIN stories s ON s.id = c.story_id
      WHERE comments_fts MATCH ? AND c.state = 'visible' AND ${visible}
      ORDER BY comments_fts.rank LIMIT ?`;
  }
}

const IN_TAGS = `AND s.id IN (SELECT sft.story_id FROM story_failure_types sft JOIN failure_types ft ON ft.id = sft.failure_type_id
        WHERE ft.slug IN (SELECT value FROM json_each(?)))`;
const KINDS: SearchHit['kind'][] = ['story', 'lesson', 'comment'];
/** Parameters of each: OPEN, CLOSE, MATCH expression, now, [tags as JSON], limit. */
const HIT_QUERIES = KINDS.map((kind) => hitQuery(kind, ''));
const HIT_QUERIES_IN_TAGS = KINDS.map((kind) => hitQuery(kind, IN_TAGS));

/** Runs a reader's query; any input gives results, an empty list, or a message — never a throw. */
export async function searchAll(db: Db, rawQuery: string, options: { tag?: string; now?: number } = {}): Promise<SearchOutcome> {
  const parsed = parseSearchQuery(rawQuery);
  if (parsed.error) return { status: 'invalid', message: parsed.error };
  const tags = [...new Set([...parsed.tags, ...(options.tag ? [options.tag] : [])])].filter((t) => /^[a-z0-9-]{1,40}$/.test(t));
  if (!parsed.match) return tags.length > 0 ? { status: 'tags-only', tags } : { status: 'empty' };
  const now = options.now ?? Date.now();
  // Stories first, then lessons, then comments, each ranked by bm25 (scores from three indexes
  // are not comparable: a short lesson always beats a long story). One query per kind, asked only
  // while places are left.
  const tagList = tags.length ? [JSON.stringify(tags)] : [];
  const rows: HitRow[] = [];
  for (const source of tags.length ? HIT_QUERIES_IN_TAGS : HIT_QUERIES) {
    if (rows.length >= SEARCH_RESULT_LIMIT) break;
    rows.push(...(await preparedAll<HitRow>(db, source, OPEN, CLOSE, parsed.match, now, ...tagList, SEARCH_RESULT_LIMIT - rows.length)));
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

export interface RandomPick {
  id: number;
  slug: string;
  outcome: string | null;
}

export interface RandomOptions {
  random?: () => number;
  now?: number;
  /** The story just shown: never picked again right away ("Another one" never repeats). */
  excludeId?: number | null;
  /** The reader's own situation, when known: preferred, then dropped if nothing matches. */
  failureTypeId?: number;
  experience?: string;
}

/**
 * A random visible story for the bad-day button: one that ended well, like the reader's own when
 * filters are given, else one that ended well, else any. Seeks from a random id instead of
 * ORDER BY random(), so it stays cheap on a large table.
 */
export async function pickRandomStory(db: Db, options: RandomOptions = {}): Promise<RandomPick | null> {
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now();
  // Two subqueries: SQLite answers a lone min() or max() from the key, but scans for both at once.
  const bounds = await firstRow<{ lo: number | null; hi: number | null }>(db, sql`SELECT (SELECT min(id) FROM stories) AS lo, (SELECT max(id) FROM stories) AS hi`);
  if (!bounds?.lo || !bounds.hi) return null;
  const pivot = bounds.lo + Math.floor(random() * (bounds.hi - bounds.lo + 1));
  // The unary + keeps SQLite on the rowid walk from the pivot: with an index on outcome or
  // experience it would otherwise collect every matching story and sort them by id.
  const endedWell = sql`AND +outcome IN (${sql.join(ENDED_WELL_OUTCOMES.map((o) => sql`${o}`), sql`, `)})`;
  const notThis = options.excludeId ? sql`AND id <> ${options.excludeId}` : sql``;
  const likeReader = sql.join([
    options.experience ? sql`AND +experience = ${options.experience}` : sql``,
    options.failureTypeId !== undefined
      // Correlated EXISTS probes the (story_id, failure_type_id) key per row walked from the
      // pivot; IN (SELECT …) would build the whole list of the type's stories on every pick.
      ? sql`AND EXISTS (SELECT 1 FROM story_failure_types sft WHERE sft.story_id = stories.id AND sft.failure_type_id = ${options.failureTypeId})`
      : sql``,
  ], sql` `);
  const attempts = [sql`${endedWell} ${likeReader}`, endedWell, sql``];
  for (const filter of attempts) {
    for (const [comparison, order] of [[sql`>=`, sql`ASC`], [sql`<`, sql`DESC`]] as const) {
      const row = await firstRow<RandomPick>(db, sql`
        SELECT id, slug, outcome FROM stories
        WHERE id ${comparison} ${pivot} AND state = 'visible' AND published_at <= ${now} ${notThis} ${filter}
        ORDER BY id ${order} LIMIT 1`);
      if (row) return row;
    }
  }
  return null;
}

const SIMILAR_STOP_WORDS = new Set(
  ('that this with were what when then there their they them have from into just about after before because ' +
    'which while would could should been being only also very more most some much many than other your ours ' +
    'happened found fixed learned lesson lessons story first time broke production prod didn wasn doesn ' +
    'still even really thing things something everything nothing anyone everyone someone where over again').split(' '),
);

/**
 * Up to `limit` published stories most like a draft (issue 13): its most frequent distinctive
 * words, title words counted three times, OR-ed into one FTS5 query ranked by bm25. Every word
 * is quoted, so nothing typed is query syntax.
 */
export async function findSimilarStories(db: Db, draft: { title: string; body: string }, options: { limit?: number; now?: number } = {}): Promise<{ title: string; url: string }[]> {
  const counts = new Map<string, number>();
  const add = (text: string, weight: number) => {
    for (const word of text.toLowerCase().match(/\p{L}[\p{L}\p{N}]{3,}/gu) ?? []) {
      if (!SIMILAR_STOP_WORDS.has(word)) counts.set(word, (counts.get(word) ?? 0) + weight);
    }
  };
  add(draft.title, 3);
  add(draft.body, 1);
  const words = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([word]) => `"${word}"`);
  if (words.length === 0) return [];
  const now = options.now ?? Date.now();
  const rows = await db.all<{ id: number; slug: string; title: string }>(sql`
    SELECT s.id, s.slug, s.title FROM stories_fts JOIN stories s ON s.id = stories_fts.rowid
    WHERE stories_fts MATCH ${words.join(' OR ')} AND stories_fts.rank MATCH 'bm25(4.0, 1.0)' AND s.state = 'visible' AND s.published_at <= ${now}
    ORDER BY stories_fts.rank LIMIT ${options.limit ?? 3}`);
  return rows.map((row) => ({ title: row.title, url: storyPath({ id: row.id, slug: row.slug }) }));
}
