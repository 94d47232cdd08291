/*
 * Turns what a reader typed into a safe FTS5 MATCH expression.
 *
 * FTS5 parses its MATCH argument as query syntax even when it is a bound parameter, so
 * `AND`, `NEAR(`, `*`, `^`, `title:` or a stray `"` would either change the meaning or
 * raise an error. We therefore never pass user text through as syntax: every word or
 * phrase becomes a double-quoted FTS5 string (a quoted string is always literal text
 * to FTS5), and only we write the operators between them.
 *
 * Rules:
 * - Whitespace separates words; `"two words"` is one phrase (an unbalanced `"` is plain text).
 * - `-word` or `-"a phrase"` excludes; `tag:slug` filters by tag (slug lowercased; anything
 *   not shaped like a slug, e.g. `tag:../x` or `tag:`, is ignored entirely).
 * - Everything else is plain text. A word with no letter or digit (`***`, `(`, `-`, an emoji)
 *   is dropped, because the tokenizer would reduce it to an empty phrase that matches nothing
 *   and so would silently empty the whole AND.
 * - Prefix search applies to the last positive bare word only, when it ends in at least two
 *   letters/digits: people type the final word last and may not have finished it, while a
 *   prefix on every word would also match far more than asked for. Phrases are never prefixed.
 * - At most 12 words/phrases (positive + excluded); further ones are ignored. Repeats are merged.
 * - Input longer than `maxLength` characters is refused with an error rather than truncated,
 *   so a cut-off exclusion cannot silently widen the results.
 */
import { LIMITS } from './limits';

/** A search box value split into a safe MATCH expression, tag filters and a possible error. */
export interface ParsedSearch {
  /** FTS5 MATCH expression, e.g. `"redis" AND "cach"* NOT "yaml"`; null when there is nothing positive to search for. */
  match: string | null;
  /** The positive words and phrases, as typed (for display and highlighting). */
  terms: string[];
  /** Words and phrases given with a leading `-`. */
  excluded: string[];
  /** Tag slugs from `tag:slug`. */
  tags: string[];
  /** User-facing message when the query is unusable; null otherwise. */
  error: string | null;
}

/** Most words and phrases (positive plus excluded) one search may contain. */
export const MAX_SEARCH_TERMS = 12;

// unicode61's default token characters are letters, numbers and private-use code points;
// everything else only separates tokens.
const TOKEN_CHAR = /[\p{L}\p{N}\p{Co}]/u;
const ENDS_IN_TWO_TOKEN_CHARS = /[\p{L}\p{N}\p{Co}]{2}$/u;
// A NUL ends FTS5's string early ("unterminated string"); lone surrogates are not valid UTF-8.
const UNSAFE_CHARS = /[\p{Cc}\p{Cs}]/gu;
// A phrase (optionally negated) or any run of non-space characters.
const PIECE = /(-?)"([^"]*)"|\S+/gu;
const TAG_SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

interface Term {
  text: string;
  phrase: boolean;
  /** Typed with a trailing `*` ("migrat*"): match every word starting with it. */
  prefix?: boolean;
  /** Typed as `a OR b`: either this term or the one before it. */
  orPrevious?: boolean;
}

/** Parses a search box value into a safe FTS5 MATCH expression plus tag filters. */
export function parseSearchQuery(raw: string, maxLength: number = LIMITS.searchQueryMax): ParsedSearch {
  const result: ParsedSearch = { match: null, terms: [], excluded: [], tags: [], error: null };
  const input = raw.trim();
  // Count code points, so an emoji costs one character as the reader sees it.
  if ([...input].length > maxLength) {
    result.error = `Your search is longer than ${maxLength} characters.`;
    return result;
  }

  const positive: Term[] = [];
  const excluded: Term[] = [];
  const seen = new Set<string>();
  let pendingOr = false;
  for (const m of input.replace(UNSAFE_CHARS, ' ').matchAll(PIECE)) {
    let text: string;
    let negated: boolean;
    let phrase: boolean;
    if (m[2] !== undefined) {
      text = m[2].trim().replace(/\s+/g, ' ');
      negated = m[1] === '-';
      phrase = true;
    } else {
      const word = m[0];
      if (/^tag:/i.test(word)) {
        const slug = word.slice(4).toLowerCase();
        if (TAG_SLUG.test(slug) && !result.tags.includes(slug)) result.tags.push(slug);
        continue;
      }
      // `OR` in capitals between two words is the operator people know from other search boxes.
      if (word === 'OR') {
        pendingOr = positive.length > 0;
        continue;
      }
      negated = word.startsWith('-');
      text = word.replace(/^-+/, '');
      phrase = false;
    }
    const explicitPrefix = m[2] === undefined && /[\p{L}\p{N}]{2}\*+$/u.test(text);
    if (explicitPrefix) text = text.replace(/\*+$/, '');
    if (!TOKEN_CHAR.test(text)) continue;
    // FTS5 is case-insensitive, so "Redis redis" is one term.
    const key = `${negated ? '-' : '+'}${text.toLowerCase()}`;
    if (seen.has(key) || seen.size >= MAX_SEARCH_TERMS) continue;
    seen.add(key);
    if (negated) excluded.push({ text, phrase });
    else positive.push({ text, phrase, prefix: explicitPrefix, orPrevious: pendingOr });
    if (!negated) pendingOr = false;
  }

  result.terms = positive.map((t) => t.text);
  result.excluded = excluded.map((t) => t.text);

  if (positive.length === 0) {
    if (excluded.length > 0) result.error = 'Only excluded words: add a word to search for.';
    else if (input !== '' && result.tags.length === 0) result.error = 'Add a word with letters or numbers to search for.';
    return result;
  }

  const last = positive.length - 1;
  const groups: string[][] = [];
  positive.forEach((t, i) => {
    const prefix = t.prefix || (i === last && !t.phrase && ENDS_IN_TWO_TOKEN_CHARS.test(t.text));
    const part = quote(t.text) + (prefix ? '*' : '');
    if (t.orPrevious && groups.length > 0) groups[groups.length - 1].push(part);
    else groups.push([part]);
  });
  // `a AND b NOT c`: NOT binds tighter than AND in FTS5, but a ∩ (b \ c) = (a ∩ b) \ c.
  result.match =
    groups.map((g) => (g.length > 1 ? `(${g.join(' OR ')})` : g[0])).join(' AND ') + excluded.map((t) => ` NOT ${quote(t.text)}`).join('');
  return result;
}

/** An FTS5 string literal: everything inside double quotes is text, `"` is written `""`. */
function quote(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}
