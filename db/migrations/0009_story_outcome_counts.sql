CREATE TABLE `story_outcome_counts` (
	`failure_type_id` integer NOT NULL,
	`experience` text NOT NULL,
	`outcome` text NOT NULL,
	`stories` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`failure_type_id`, `experience`, `outcome`)
);
