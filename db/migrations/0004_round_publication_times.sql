-- Publication times are public to the minute only (issue 9, item 10): cut the ones stored with
-- seconds and milliseconds, in the stories and in the copy the failure-type index pages by.
UPDATE `stories` SET `published_at` = `published_at` - (`published_at` % 60000) WHERE `published_at` % 60000 != 0;
--> statement-breakpoint
UPDATE `story_failure_types` SET `published_at` = `published_at` - (`published_at` % 60000) WHERE `published_at` % 60000 != 0;
