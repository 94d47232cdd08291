-- Deleting a story deletes its words for real: FTS5 secure-delete removes a row's tokens from the
-- index itself (otherwise they linger in stories_fts_data until the next merge).
INSERT INTO stories_fts(stories_fts, rank) VALUES ('secure-delete', 1);
--> statement-breakpoint
INSERT INTO lessons_fts(lessons_fts, rank) VALUES ('secure-delete', 1);
--> statement-breakpoint
INSERT INTO comments_fts(comments_fts, rank) VALUES ('secure-delete', 1);
