CREATE TABLE `lesson_ranking` (
	`failure_type_id` integer NOT NULL,
	`lesson_id` integer NOT NULL,
	`story_id` integer NOT NULL,
	`helpful_count` integer NOT NULL,
	`published_at` integer NOT NULL,
	`content_notes` integer NOT NULL,
	PRIMARY KEY(`failure_type_id`, `lesson_id`)
);
--> statement-breakpoint
CREATE INDEX `lesson_ranking_order_idx` ON `lesson_ranking` (`failure_type_id`,`helpful_count`,`lesson_id`);--> statement-breakpoint
CREATE INDEX `lesson_ranking_lesson_idx` ON `lesson_ranking` (`lesson_id`);--> statement-breakpoint
CREATE INDEX `lesson_ranking_story_idx` ON `lesson_ranking` (`story_id`);