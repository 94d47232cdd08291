-- Full-text search (FTS5), one index per kind so a row is removed by its rowid.
-- Triggers keep them in step with the tables; hidden or deleted content leaves the index.
CREATE VIRTUAL TABLE `stories_fts` USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE VIRTUAL TABLE `lessons_fts` USING fts5(text, tokenize = 'unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE VIRTUAL TABLE `comments_fts` USING fts5(body, tokenize = 'unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `stories_fts_insert` AFTER INSERT ON `stories` WHEN new.state = 'visible' BEGIN
  INSERT INTO stories_fts(rowid, title, body) VALUES (new.id, new.title, new.body_markdown);
END;
--> statement-breakpoint
CREATE TRIGGER `stories_fts_update` AFTER UPDATE OF title, body_markdown, state ON `stories` BEGIN
  DELETE FROM stories_fts WHERE rowid = old.id;
  INSERT INTO stories_fts(rowid, title, body) SELECT new.id, new.title, new.body_markdown WHERE new.state = 'visible';
END;
--> statement-breakpoint
CREATE TRIGGER `stories_fts_delete` AFTER DELETE ON `stories` BEGIN
  DELETE FROM stories_fts WHERE rowid = old.id;
END;
--> statement-breakpoint
CREATE TRIGGER `lessons_fts_insert` AFTER INSERT ON `lessons` BEGIN
  INSERT INTO lessons_fts(rowid, text) VALUES (new.id, new.text);
END;
--> statement-breakpoint
CREATE TRIGGER `lessons_fts_update` AFTER UPDATE OF text ON `lessons` BEGIN
  DELETE FROM lessons_fts WHERE rowid = old.id;
  INSERT INTO lessons_fts(rowid, text) VALUES (new.id, new.text);
END;
--> statement-breakpoint
CREATE TRIGGER `lessons_fts_delete` AFTER DELETE ON `lessons` BEGIN
  DELETE FROM lessons_fts WHERE rowid = old.id;
END;
--> statement-breakpoint
CREATE TRIGGER `comments_fts_insert` AFTER INSERT ON `comments` WHEN new.state = 'visible' BEGIN
  INSERT INTO comments_fts(rowid, body) VALUES (new.id, new.body_markdown);
END;
--> statement-breakpoint
CREATE TRIGGER `comments_fts_update` AFTER UPDATE OF body_markdown, state ON `comments` BEGIN
  DELETE FROM comments_fts WHERE rowid = old.id;
  INSERT INTO comments_fts(rowid, body) SELECT new.id, new.body_markdown WHERE new.state = 'visible';
END;
--> statement-breakpoint
CREATE TRIGGER `comments_fts_delete` AFTER DELETE ON `comments` BEGIN
  DELETE FROM comments_fts WHERE rowid = old.id;
END;
