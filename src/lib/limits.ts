/** Every size limit in one place, so forms, validation and docs agree. */
export const LIMITS = {
  titleMin: 8,
  titleMax: 140,
  bodyMin: 80,
  bodyMax: 20_000,
  tagsMin: 1,
  tagsMax: 4,
  lessonsMin: 1,
  lessonsMax: 10,
  lessonMin: 3,
  lessonMax: 280,
  commentMin: 1,
  commentMax: 5_000,
  reportReasonMax: 500,
  /** Follow-ups use the comment limits (commentMin/commentMax); this caps how many a story has. */
  followUpsPerStoryMax: 10,
  /** A comment's author may edit it for this long after posting (issue 12). */
  commentEditWindowMs: 15 * 60 * 1000,
  /** Muted pseudonyms kept in the reader's cookie (oldest dropped first). */
  mutedPseudonymsMax: 40,
  /** Fewer stories than this who said how it ended: too few to state a proportion. */
  evidenceMinStories: 5,
  modNoteMax: 500,
  /** Threads nest without limit in storage; rendering indents this deep, then goes flat. */
  commentIndentDepth: 6,
  feedPageSize: 20,
  lessonsPageSize: 30,
  searchQueryMax: 200,
  usernameMin: 3,
  usernameMax: 24,
  passwordMin: 10,
  passwordMax: 256,
} as const;

/**
 * Request bodies larger than this are refused before parsing (bytes). Large enough for a story at
 * every limit in any script: a browser percent-encodes each UTF-8 byte as three characters, and
 * a character of up to three bytes counts as one towards the limits (four-byte ones count as
 * two), so nine bytes per character, plus room for the other fields.
 */
export const REQUEST_BODY_MAX = 9 * (LIMITS.titleMax + LIMITS.bodyMax + LIMITS.lessonsMax * (LIMITS.lessonMax + 2)) + 16 * 1024;
