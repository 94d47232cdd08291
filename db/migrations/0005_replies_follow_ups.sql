CREATE TABLE `story_follow_ups` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`story_id` integer NOT NULL,
	`body_markdown` text NOT NULL,
	`body_html` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`story_id`) REFERENCES `stories`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `story_follow_ups_story_idx` ON `story_follow_ups` (`story_id`,`id`);--> statement-breakpoint
ALTER TABLE `stories` ADD `replies_seen_id` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `stories` ADD `replies_notified_id` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `stories` ADD `followed_up_at` integer;--> statement-breakpoint
CREATE INDEX `stories_outcome_feed_idx` ON `stories` (`outcome`,`published_at`,`id`);