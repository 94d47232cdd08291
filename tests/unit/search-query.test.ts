import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_SEARCH_TERMS, parseSearchQuery } from '../../src/lib/search-query';

const db = new Database(':memory:');
db.exec(`CREATE VIRTUAL TABLE t USING fts5(title, body, tokenize='unicode61 remove_diacritics 2')`);
const rows: [number, string, string][] = [
  [1, 'Redis cache stampede', 'We flushed the redis cache at peak traffic and the database fell over.'],
  [2, 'Redis queue overflow', 'The redis queue filled up; no caching involved.'],
  [3, 'YAML indentation', 'One wrong space in the yaml file broke the cache config. The exact phrase was unreviewed.'],
  [4, 'DNS TTL', 'It was DNS. The phrase exact order here is reversed on purpose.'],
  [5, 'Café résumé', 'A naïve migration renamed the wrong column.'],
];
const insert = db.prepare('INSERT INTO t (rowid, title, body) VALUES (?, ?, ?)');
for (const row of rows) insert.run(...row);
const search = db.prepare<[string], { rowid: number }>('SELECT rowid, bm25(t) FROM t WHERE t MATCH ? ORDER BY bm25(t)');
afterAll(() => db.close());

/** Row ids matching a query, sorted, for order-independent comparison. */
function ids(query: string): number[] {
  const { match } = parseSearchQuery(query);
  if (match === null) throw new Error(`no match expression for ${JSON.stringify(query)}`);
  return search.all(match).map((r) => r.rowid).sort((a, b) => a - b);
}

// Only quoted strings (with at least one letter/digit inside), AND between positives, NOT before exclusions.
const STRING = '"(?:[^"]|"")*[\\p{L}\\p{N}](?:[^"]|"")*"';
// A term, or an OR group of terms in parentheses (only we write the operators and parentheses).
const TERM = `${STRING}\\*?`;
const GROUP = `(?:${TERM}|\\(${TERM}(?: OR ${TERM})+\\))`;
const SHAPE = new RegExp(`^${GROUP}(?: AND ${GROUP})*(?: NOT ${STRING})*$`, 'u');

const hostile: string[] = [
  '"',
  '""',
  '""""',
  '"unbalanced phrase',
  'phrase with "inner" quotes',
  'a"b c"d',
  'AND',
  'OR',
  'NOT',
  'redis AND cache',
  'redis OR yaml',
  'NOT redis',
  'NEAR(a b)',
  'NEAR(redis cache, 2)',
  '*',
  '***',
  'redis*',
  '^x',
  '^redis',
  'a:b',
  'title:redis',
  '{title body}:redis',
  '(',
  ')',
  '(redis',
  'redis)',
  '-',
  '--x',
  '- -',
  '-"a phrase"',
  'tag:',
  'tag:YAML',
  'tag:../x',
  'tag:dns tag:dns tag:a_b',
  '+',
  '+redis',
  'redis\u0000cache',
  '\u0000',
  '\u0001\u0002\u001f\u007f',
  '\ud800 lone surrogate',
  '🔥',
  '🔥 outage 💥',
  '👩‍💻',
  'שלום עולם',
  'مرحبا بالعالم',
  '\u202eredis',
  'café naïve',
  'cafe\u0301',
  '日本語 検索',
  "'; DROP TABLE t; --",
  "1' OR '1'='1",
  'redis" OR 1=1 --',
  '" OR rowid > 0 OR "',
  'x'.repeat(2000),
  'a b c d e f g h i j k l m n o p q r s t',
  '\t\n redis \r\n',
  'e-mail c++ k8s I/O',
  '.',
  '\\"',
];

describe('parseSearchQuery with hostile input', () => {
  it.each(hostile.map((q) => [JSON.stringify(q).slice(0, 60), q]))('%s is accepted by FTS5', (_name, query) => {
    const parsed = parseSearchQuery(query);
    expect(parsed.terms.length + parsed.excluded.length).toBeLessThanOrEqual(MAX_SEARCH_TERMS);
    if (parsed.match === null) return;
    expect(parsed.match).toMatch(SHAPE);
    expect(parsed.match).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(() => search.all(parsed.match!)).not.toThrow();
  });
});

describe('parseSearchQuery rules', () => {
  it('quotes keywords and syntax as plain text', () => {
    expect(parseSearchQuery('AND').match).toBe('"AND"*');
    expect(parseSearchQuery('redis or yaml').match).toBe('"redis" AND "or" AND "yaml"*');
    expect(parseSearchQuery('redis "OR" yaml').match).toBe('"redis" AND "OR" AND "yaml"*');
    expect(parseSearchQuery('NEAR(a b)').terms).toEqual(['NEAR(a', 'b)']);
    // A quote inside a word is doubled, so it stays text.
    expect(parseSearchQuery('say hi"there').match).toBe('"say" AND "hi""there"*');
    expect(parseSearchQuery('"hi"there').match).toBe('"hi" AND "there"*');
  });

  it('drops words that tokenize to nothing', () => {
    for (const q of ['***', '(', '-', '""""', '🔥', '*  ^  (']) {
      expect(parseSearchQuery(q)).toMatchObject({ match: null, terms: [], excluded: [] });
    }
    expect(parseSearchQuery('*** outage (').match).toBe('"outage"*');
    expect(parseSearchQuery('""').error).toMatch(/word/);
  });

  it('prefixes only the last bare word, and only when it ends in two letters or digits', () => {
    expect(parseSearchQuery('redis cache').match).toBe('"redis" AND "cache"*');
    expect(parseSearchQuery('cache x').match).toBe('"cache" AND "x"');
    expect(parseSearchQuery('c++').match).toBe('"c++"');
    expect(parseSearchQuery('"redis cache"').match).toBe('"redis cache"');
  });

  it('handles exclusions', () => {
    expect(parseSearchQuery('cache -yaml -"exact phrase"')).toMatchObject({
      match: '"cache"* NOT "yaml" NOT "exact phrase"',
      terms: ['cache'],
      excluded: ['yaml', 'exact phrase'],
      error: null,
    });
    expect(parseSearchQuery('--x y').excluded).toEqual(['x']);
    expect(parseSearchQuery('-yaml')).toMatchObject({
      match: null,
      excluded: ['yaml'],
      error: 'Only excluded words: add a word to search for.',
    });
  });

  it('reads tags', () => {
    expect(parseSearchQuery('tag:dns outage')).toMatchObject({ tags: ['dns'], terms: ['outage'], error: null });
    expect(parseSearchQuery('tag:YAML').tags).toEqual(['yaml']);
    expect(parseSearchQuery('TAG:background-jobs tag:dns tag:dns').tags).toEqual(['background-jobs', 'dns']);
    for (const q of ['tag:../x', 'tag:', 'tag:a_b', 'tag:-x', 'tag:dns;']) expect(parseSearchQuery(q).tags).toEqual([]);
    // A tag alone is a valid search (browse by tag), not an error.
    expect(parseSearchQuery('tag:dns')).toMatchObject({ match: null, error: null, tags: ['dns'] });
    // Inside a phrase, tag: is just text.
    expect(parseSearchQuery('"tag:dns"')).toMatchObject({ tags: [], terms: ['tag:dns'] });
  });

  it('refuses over-long input instead of truncating', () => {
    expect(parseSearchQuery('x'.repeat(2000))).toEqual({
      match: null,
      terms: [],
      excluded: [],
      tags: [],
      error: 'Your search is longer than 200 characters.',
    });
    expect(parseSearchQuery('x'.repeat(200)).error).toBeNull();
    expect(parseSearchQuery('abcdef', 5).error).toBe('Your search is longer than 5 characters.');
    // Emoji count as one character each.
    expect(parseSearchQuery('🔥'.repeat(150) + ' redis').error).toBeNull();
  });

  it('caps and de-duplicates terms', () => {
    const parsed = parseSearchQuery('a b c d e f g h i j k l m n o p');
    expect(parsed.terms).toHaveLength(MAX_SEARCH_TERMS);
    expect(parsed.terms.at(-1)).toBe('l');
    expect(parseSearchQuery('Redis redis REDIS').terms).toEqual(['Redis']);
  });

  it('splits on control characters instead of passing them to FTS5', () => {
    expect(parseSearchQuery('redis\u0000cache').terms).toEqual(['redis', 'cache']);
    expect(parseSearchQuery('\u0000')).toMatchObject({ match: null, error: expect.any(String) });
  });

  it('returns nothing and no error for an empty box', () => {
    expect(parseSearchQuery('   ')).toEqual({ match: null, terms: [], excluded: [], tags: [], error: null });
  });
});

describe('parseSearchQuery against a real FTS5 table', () => {
  it('requires every word', () => {
    expect(ids('redis cache')).toEqual([1]);
  });

  it('prefix-matches the last word', () => {
    expect(ids('redi')).toEqual([1, 2]);
    expect(ids('queue redi')).toEqual([2]);
  });

  it('excludes -words', () => {
    expect(ids('cache')).toEqual([1, 3]);
    expect(ids('cache -yaml')).toEqual([1]);
  });

  it('matches a quoted phrase only in that order', () => {
    expect(ids('"exact phrase"')).toEqual([3]);
    expect(ids('exact phrase')).toEqual([3, 4]);
  });

  it('treats FTS5 syntax as words', () => {
    expect(ids('title:redis')).toEqual([]);
    expect(ids('It was DNS')).toEqual([4]);
  });

  it('folds case and diacritics', () => {
    expect(ids('CAFE resume')).toEqual([5]);
    expect(ids('naive')).toEqual([5]);
  });
});

describe('prefixes and OR (issue 13)', () => {
  it('treats a trailing * as a prefix search, anywhere in the query', () => {
    expect(parseSearchQuery('migrat*').match).toBe('"migrat"*');
    expect(parseSearchQuery('migrat* table').match).toBe('"migrat"* AND "table"*');
  });

  it('joins words around a capital OR into one either-or group', () => {
    expect(parseSearchQuery('cache OR dns').match).toBe('("cache" OR "dns"*)');
    expect(parseSearchQuery('outage cache OR dns -yaml').match).toBe('"outage" AND ("cache" OR "dns"*) NOT "yaml"');
    expect(parseSearchQuery('cache OR dns').terms).toEqual(['cache', 'dns']);
  });

  it('keeps a lower-case or, a leading OR and a lone * as plain text or nothing', () => {
    expect(parseSearchQuery('cache or dns').match).toBe('"cache" AND "or" AND "dns"*');
    expect(parseSearchQuery('OR cache').match).toBe('"cache"*');
    expect(parseSearchQuery('*').error).not.toBeNull();
  });
});
