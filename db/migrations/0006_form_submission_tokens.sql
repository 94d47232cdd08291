ALTER TABLE `comments` ADD `submission_hash` text;--> statement-breakpoint
CREATE UNIQUE INDEX `comments_submission_idx` ON `comments` (`submission_hash`);--> statement-breakpoint
ALTER TABLE `stories` ADD `submission_hash` text;--> statement-breakpoint
CREATE UNIQUE INDEX `stories_submission_idx` ON `stories` (`submission_hash`);