/**
 * Every table of Rite of Passage. Times are Unix milliseconds unless a column says otherwise.
 *
 * Anonymity: nothing here holds an IP address, a user agent or an e-mail. People are known only
 * through `authors` (a keyed hash of a random key held in a cookie) and optional `users`.
 */
import {
  sqliteTable,
  text,
  integer,
  real,
  index,
  uniqueIndex,
  primaryKey,
  type AnySQLiteColumn,
} from 'drizzle-orm/sqlite-core';

/** Optional accounts: a username and a password hash, nothing else. */
export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  username: text('username').notNull().unique(),
  passwordHash: text('password_hash').notNull(),
  role: text('role', { enum: ['member', 'moderator'] }).notNull().default('member'),
  createdAt: integer('created_at').notNull(),
});

/** Login sessions (lucia). The id is the SHA-256 of the token in the cookie, never the token. */
export const authSessions = sqliteTable(
  'auth_sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Sliding expiry, in seconds since the epoch (lucia's convention). */
    expiresAt: integer('expires_at').notNull(),
    /** Absolute lifetime starts here (lucia v3 only slides). Milliseconds. */
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('auth_sessions_user_idx').on(t.userId)],
);

/**
 * An anonymous author: the keyed hash of a random 256-bit key kept in the person's cookie.
 * An account may adopt keys, so one user can own several authors (one per browser).
 */
export const authors = sqliteTable(
  'authors',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    keyHash: text('key_hash').notNull().unique(),
    userId: text('user_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('authors_user_idx').on(t.userId)],
);

/** Failure types: a curated taxonomy that moderators can extend. */
export const failureTypes = sqliteTable('failure_types', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  description: text('description').notNull(),
});

export const stories = sqliteTable(
  'stories',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    slug: text('slug').notNull(),
    title: text('title').notNull(),
    /** The Markdown is the truth; the HTML is its sanitized rendering, made when saved. */
    bodyMarkdown: text('body_markdown').notNull(),
    bodyHtml: text('body_html').notNull(),
    experience: text('experience'),
    impact: text('impact'),
    detection: text('detection'),
    outcome: text('outcome'),
    /** Bit mask of CONTENT_NOTES (src/lib/facts.ts), so the feed can filter without a join. */
    contentNotes: integer('content_notes').notNull().default(0),
    /** Null once the author disowns the story: then nothing links it to anyone. */
    authorId: integer('author_id').references(() => authors.id, { onDelete: 'set null' }),
    /** SHA-256 of the private manage token; the token itself is shown once and never stored. */
    manageTokenHash: text('manage_token_hash').unique(),
    state: text('state', { enum: ['visible', 'hidden'] }).notNull().default('visible'),
    createdAt: integer('created_at').notNull(),
    /** Equal to createdAt, or later when the poster chose a delayed publication. */
    publishedAt: integer('published_at').notNull(),
    editedAt: integer('edited_at'),
    beenThereCount: integer('been_there_count').notNull().default(0),
    commentCount: integer('comment_count').notNull().default(0),
    /** Highest comment id when the poster last opened the manage page ("new since your last visit"). */
    repliesSeenId: integer('replies_seen_id').notNull().default(0),
    /** Highest comment id the author's header notice has been seen for (story page or manage page). */
    repliesNotifiedId: integer('replies_notified_id').notNull().default(0),
    /** Time of the newest follow-up, so cards and feeds can say "updated" without a join. */
    followedUpAt: integer('followed_up_at'),
    /**
     * SHA-256 of the one-time token of the form that published it, so the same form sent twice
     * (back then Publish, a double click, a retry) leads to this story instead of a copy.
     */
    submissionHash: text('submission_hash'),
  },
  (t) => [
    uniqueIndex('stories_submission_idx').on(t.submissionHash),
    // Covers the front page's cards and the site counts: those columns sit after the long bodies in
    // the row, so reading them from the table walks each body's overflow pages (issue 10: counting
    // 100,000 stories took 150 ms, from the index 6 ms).
    index('stories_feed_idx').on(
      t.publishedAt, t.id, t.state, t.contentNotes, t.slug, t.title, t.experience, t.outcome,
      t.beenThereCount, t.commentCount, t.followedUpAt,
    ),
    index('stories_outcome_feed_idx').on(t.outcome, t.publishedAt, t.id),
    index('stories_experience_feed_idx').on(t.experience, t.publishedAt, t.id),
    index('stories_been_there_idx').on(t.beenThereCount, t.id),
    index('stories_author_idx').on(t.authorId),
  ],
);

/** Story ↔ failure type. publishedAt is copied here so a tag page pages by index alone. */
export const storyFailureTypes = sqliteTable(
  'story_failure_types',
  {
    storyId: integer('story_id')
      .notNull()
      .references(() => stories.id, { onDelete: 'cascade' }),
    failureTypeId: integer('failure_type_id')
      .notNull()
      .references(() => failureTypes.id, { onDelete: 'cascade' }),
    publishedAt: integer('published_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.storyId, t.failureTypeId] }),
    index('story_failure_types_feed_idx').on(t.failureTypeId, t.publishedAt, t.storyId),
  ],
);

/** One row per lesson, so lessons can be browsed and voted on by themselves. */
export const lessons = sqliteTable(
  'lessons',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    storyId: integer('story_id')
      .notNull()
      .references(() => stories.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    text: text('text').notNull(),
    helpfulCount: integer('helpful_count').notNull().default(0),
  },
  (t) => [
    index('lessons_story_idx').on(t.storyId, t.position),
    index('lessons_helpful_idx').on(t.helpfulCount, t.id),
  ],
);

export const comments = sqliteTable(
  'comments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    storyId: integer('story_id')
      .notNull()
      .references(() => stories.id, { onDelete: 'cascade' }),
    parentId: integer('parent_id').references((): AnySQLiteColumn => comments.id, {
      onDelete: 'cascade',
    }),
    authorId: integer('author_id').references(() => authors.id, { onDelete: 'set null' }),
    /** Fixed when written, so disowning or merging authors never renames anyone in a thread. */
    pseudonym: text('pseudonym').notNull(),
    isOp: integer('is_op', { mode: 'boolean' }).notNull().default(false),
    bodyMarkdown: text('body_markdown').notNull(),
    bodyHtml: text('body_html').notNull(),
    state: text('state', { enum: ['visible', 'hidden', 'deleted'] }).notNull().default('visible'),
    createdAt: integer('created_at').notNull(),
    editedAt: integer('edited_at'),
    /** SHA-256 of the comment form's one-time token and the text, so a resubmitted comment lands once. */
    submissionHash: text('submission_hash'),
  },
  (t) => [
    uniqueIndex('comments_submission_idx').on(t.submissionHash),
    index('comments_story_idx').on(t.storyId, t.id),
    index('comments_parent_idx').on(t.parentId),
    index('comments_author_idx').on(t.authorId),
  ],
);

/** An author's later update to a story ("one year later"): Markdown like a comment. */
export const storyFollowUps = sqliteTable(
  'story_follow_ups',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    storyId: integer('story_id')
      .notNull()
      .references(() => stories.id, { onDelete: 'cascade' }),
    bodyMarkdown: text('body_markdown').notNull(),
    bodyHtml: text('body_html').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('story_follow_ups_story_idx').on(t.storyId, t.id)],
);

/** "Been there" on a story: one per author, enforced by the primary key. */
export const storyReactions = sqliteTable(
  'story_reactions',
  {
    storyId: integer('story_id')
      .notNull()
      .references(() => stories.id, { onDelete: 'cascade' }),
    authorId: integer('author_id')
      .notNull()
      .references(() => authors.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.storyId, t.authorId] })],
);

/** "Helpful" on a lesson: one per author. */
export const lessonVotes = sqliteTable(
  'lesson_votes',
  {
    lessonId: integer('lesson_id')
      .notNull()
      .references(() => lessons.id, { onDelete: 'cascade' }),
    authorId: integer('author_id')
      .notNull()
      .references(() => authors.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.lessonId, t.authorId] })],
);

/** A reader's report of a story or comment. The reporter is not recorded. */
export const reports = sqliteTable(
  'reports',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    targetType: text('target_type', { enum: ['story', 'comment'] }).notNull(),
    targetId: integer('target_id').notNull(),
    reason: text('reason').notNull(),
    state: text('state', { enum: ['open', 'closed'] }).notNull().default('open'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [
    index('reports_open_idx').on(t.state, t.createdAt),
    index('reports_target_idx').on(t.targetType, t.targetId),
  ],
);

/** The public moderation log: what, which action, why, when — never who, never the hidden text. */
export const moderationActions = sqliteTable(
  'moderation_actions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    targetType: text('target_type', { enum: ['story', 'comment'] }).notNull(),
    targetId: integer('target_id').notNull(),
    action: text('action', { enum: ['dismiss', 'hide', 'restore', 'delete', 'redact'] }).notNull(),
    reason: text('reason').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('moderation_actions_created_idx').on(t.createdAt)],
);

export type User = typeof users.$inferSelect;
export type AuthSession = typeof authSessions.$inferSelect;
export type Author = typeof authors.$inferSelect;
export type FailureType = typeof failureTypes.$inferSelect;
export type Story = typeof stories.$inferSelect;
export type NewStory = typeof stories.$inferInsert;
export type Lesson = typeof lessons.$inferSelect;
export type Comment = typeof comments.$inferSelect;
export type NewComment = typeof comments.$inferInsert;
export type StoryFollowUp = typeof storyFollowUps.$inferSelect;
export type Report = typeof reports.$inferSelect;
export type ModerationAction = typeof moderationActions.$inferSelect;

/**
 * Rate-limit state shared by every server process (GCRA: one number per key). The key is the
 * bucket name and a keyed hash that rotates daily, so nothing here identifies anyone; rows whose
 * debt has drained are swept.
 */
export const rateLimitBuckets = sqliteTable('rate_limit_buckets', {
  key: text('key').primaryKey(),
  /** When this key's debt has fully drained (Unix ms, may be fractional). */
  paidUpAt: real('paid_up_at').notNull(),
});

/**
 * One row (id 1) whose version goes up with every write that can change a public page (triggers in
 * migration "site_version_triggers"). Page caches in any process serve a page only while the version
 * it was rendered at is still current, so a write is seen by the very next reader.
 */
export const siteVersion = sqliteTable('site_version', {
  id: integer('id').primaryKey(),
  version: integer('version').notNull().default(0),
});

/**
 * How many visible stories there are per failure type, experience and outcome, kept by triggers
 * (migration "story_outcome_counts_triggers"), so "N stories, M of K kept their job" costs a few
 * row reads at any size instead of a scan of every story. A story counts once in each row it
 * matches: type 0 means every type, experience '' every experience, outcome '' "did not say".
 * Stories whose publication time has not arrived are counted here too; readers subtract them.
 */
export const storyOutcomeCounts = sqliteTable(
  'story_outcome_counts',
  {
    failureTypeId: integer('failure_type_id').notNull(),
    experience: text('experience').notNull(),
    outcome: text('outcome').notNull(),
    stories: integer('stories').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.failureTypeId, t.experience, t.outcome] })],
);

/**
 * Every lesson of a visible story once per failure type of its story, with what the lesson pages
 * filter and sort by, kept by triggers (migration "lesson_ranking_triggers"). The pages then walk
 * one index in "most helpful" order and stop after a page, instead of sorting every lesson of a
 * type (hundreds of milliseconds at 300,000 lessons).
 */
export const lessonRanking = sqliteTable(
  'lesson_ranking',
  {
    failureTypeId: integer('failure_type_id').notNull(),
    lessonId: integer('lesson_id').notNull(),
    storyId: integer('story_id').notNull(),
    helpfulCount: integer('helpful_count').notNull(),
    publishedAt: integer('published_at').notNull(),
    contentNotes: integer('content_notes').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.failureTypeId, t.lessonId] }),
    index('lesson_ranking_order_idx').on(t.failureTypeId, t.helpfulCount, t.lessonId),
    index('lesson_ranking_lesson_idx').on(t.lessonId),
    index('lesson_ranking_story_idx').on(t.storyId),
  ],
);
