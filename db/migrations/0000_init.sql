CREATE TABLE `auth_sessions` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `auth_sessions_user_idx` ON `auth_sessions` (`user_id`);--> statement-breakpoint
CREATE TABLE `authors` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key_hash` text NOT NULL,
	`user_id` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `authors_key_hash_unique` ON `authors` (`key_hash`);--> statement-breakpoint
CREATE INDEX `authors_user_idx` ON `authors` (`user_id`);--> statement-breakpoint
CREATE TABLE `comments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`story_id` integer NOT NULL,
	`parent_id` integer,
	`author_id` integer,
	`pseudonym` text NOT NULL,
	`is_op` integer DEFAULT false NOT NULL,
	`body_markdown` text NOT NULL,
	`body_html` text NOT NULL,
	`state` text DEFAULT 'visible' NOT NULL,
	`created_at` integer NOT NULL,
	`edited_at` integer,
	FOREIGN KEY (`story_id`) REFERENCES `stories`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`parent_id`) REFERENCES `comments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`author_id`) REFERENCES `authors`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `comments_story_idx` ON `comments` (`story_id`,`id`);--> statement-breakpoint
CREATE INDEX `comments_parent_idx` ON `comments` (`parent_id`);--> statement-breakpoint
CREATE INDEX `comments_author_idx` ON `comments` (`author_id`);--> statement-breakpoint
CREATE TABLE `failure_types` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`description` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `failure_types_slug_unique` ON `failure_types` (`slug`);--> statement-breakpoint
CREATE TABLE `lesson_votes` (
	`lesson_id` integer NOT NULL,
	`author_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`lesson_id`, `author_id`),
	FOREIGN KEY (`lesson_id`) REFERENCES `lessons`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`author_id`) REFERENCES `authors`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `lessons` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`story_id` integer NOT NULL,
	`position` integer NOT NULL,
	`text` text NOT NULL,
	`helpful_count` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`story_id`) REFERENCES `stories`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `lessons_story_idx` ON `lessons` (`story_id`,`position`);--> statement-breakpoint
CREATE INDEX `lessons_helpful_idx` ON `lessons` (`helpful_count`,`id`);--> statement-breakpoint
CREATE TABLE `moderation_actions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`target_type` text NOT NULL,
	`target_id` integer NOT NULL,
	`action` text NOT NULL,
	`reason` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `moderation_actions_created_idx` ON `moderation_actions` (`created_at`);--> statement-breakpoint
CREATE TABLE `reports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`target_type` text NOT NULL,
	`target_id` integer NOT NULL,
	`reason` text NOT NULL,
	`state` text DEFAULT 'open' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `reports_open_idx` ON `reports` (`state`,`created_at`);--> statement-breakpoint
CREATE INDEX `reports_target_idx` ON `reports` (`target_type`,`target_id`);--> statement-breakpoint
CREATE TABLE `stories` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`title` text NOT NULL,
	`body_markdown` text NOT NULL,
	`body_html` text NOT NULL,
	`experience` text,
	`impact` text,
	`detection` text,
	`outcome` text,
	`content_notes` integer DEFAULT 0 NOT NULL,
	`author_id` integer,
	`manage_token_hash` text,
	`state` text DEFAULT 'visible' NOT NULL,
	`created_at` integer NOT NULL,
	`published_at` integer NOT NULL,
	`edited_at` integer,
	`been_there_count` integer DEFAULT 0 NOT NULL,
	`comment_count` integer DEFAULT 0 NOT NULL,
	FOREIGN KEY (`author_id`) REFERENCES `authors`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `stories_manage_token_hash_unique` ON `stories` (`manage_token_hash`);--> statement-breakpoint
CREATE INDEX `stories_feed_idx` ON `stories` (`published_at`,`id`);--> statement-breakpoint
CREATE INDEX `stories_experience_feed_idx` ON `stories` (`experience`,`published_at`,`id`);--> statement-breakpoint
CREATE INDEX `stories_been_there_idx` ON `stories` (`been_there_count`,`id`);--> statement-breakpoint
CREATE INDEX `stories_author_idx` ON `stories` (`author_id`);--> statement-breakpoint
CREATE TABLE `story_failure_types` (
	`story_id` integer NOT NULL,
	`failure_type_id` integer NOT NULL,
	`published_at` integer NOT NULL,
	PRIMARY KEY(`story_id`, `failure_type_id`),
	FOREIGN KEY (`story_id`) REFERENCES `stories`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`failure_type_id`) REFERENCES `failure_types`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `story_failure_types_feed_idx` ON `story_failure_types` (`failure_type_id`,`published_at`,`story_id`);--> statement-breakpoint
CREATE TABLE `story_reactions` (
	`story_id` integer NOT NULL,
	`author_id` integer NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`story_id`, `author_id`),
	FOREIGN KEY (`story_id`) REFERENCES `stories`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`author_id`) REFERENCES `authors`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`username` text NOT NULL,
	`password_hash` text NOT NULL,
	`role` text DEFAULT 'member' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_unique` ON `users` (`username`);