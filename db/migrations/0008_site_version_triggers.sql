-- Every write that can change a public page bumps site_version in the same transaction, whichever
-- process makes it (the server, another worker, a script), so no cache serves a page older than it.
-- The row is created here; the table itself comes from the previous migration.
INSERT OR IGNORE INTO `site_version` (`id`, `version`) VALUES (1, 0);
--> statement-breakpoint
CREATE TRIGGER `stories_insert_bumps_site_version` AFTER INSERT ON `stories` BEGIN
  UPDATE `site_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `stories_update_bumps_site_version` AFTER UPDATE ON `stories` BEGIN
  UPDATE `site_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `stories_delete_bumps_site_version` AFTER DELETE ON `stories` BEGIN
  UPDATE `site_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `lessons_insert_bumps_site_version` AFTER INSERT ON `lessons` BEGIN
  UPDATE `site_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `lessons_update_bumps_site_version` AFTER UPDATE ON `lessons` BEGIN
  UPDATE `site_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `lessons_delete_bumps_site_version` AFTER DELETE ON `lessons` BEGIN
  UPDATE `site_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `comments_insert_bumps_site_version` AFTER INSERT ON `comments` BEGIN
  UPDATE `site_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `comments_update_bumps_site_version` AFTER UPDATE ON `comments` BEGIN
  UPDATE `site_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `comments_delete_bumps_site_version` AFTER DELETE ON `comments` BEGIN
  UPDATE `site_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `story_reactions_insert_bumps_site_version` AFTER INSERT ON `story_reactions` BEGIN
  UPDATE `site_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `story_reactions_update_bumps_site_version` AFTER UPDATE ON `story_reactions` BEGIN
  UPDATE `site_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `story_reactions_delete_bumps_site_version` AFTER DELETE ON `story_reactions` BEGIN
  UPDATE `site_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `lesson_votes_insert_bumps_site_version` AFTER INSERT ON `lesson_votes` BEGIN
  UPDATE `site_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `lesson_votes_update_bumps_site_version` AFTER UPDATE ON `lesson_votes` BEGIN
  UPDATE `site_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `lesson_votes_delete_bumps_site_version` AFTER DELETE ON `lesson_votes` BEGIN
  UPDATE `site_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `story_failure_types_insert_bumps_site_version` AFTER INSERT ON `story_failure_types` BEGIN
  UPDATE `site_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `story_failure_types_update_bumps_site_version` AFTER UPDATE ON `story_failure_types` BEGIN
  UPDATE `site_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `story_failure_types_delete_bumps_site_version` AFTER DELETE ON `story_failure_types` BEGIN
  UPDATE `site_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `failure_types_insert_bumps_site_version` AFTER INSERT ON `failure_types` BEGIN
  UPDATE `site_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `failure_types_update_bumps_site_version` AFTER UPDATE ON `failure_types` BEGIN
  UPDATE `site_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `failure_types_delete_bumps_site_version` AFTER DELETE ON `failure_types` BEGIN
  UPDATE `site_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `moderation_actions_insert_bumps_site_version` AFTER INSERT ON `moderation_actions` BEGIN
  UPDATE `site_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `moderation_actions_update_bumps_site_version` AFTER UPDATE ON `moderation_actions` BEGIN
  UPDATE `site_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `moderation_actions_delete_bumps_site_version` AFTER DELETE ON `moderation_actions` BEGIN
  UPDATE `site_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `story_follow_ups_insert_bumps_site_version` AFTER INSERT ON `story_follow_ups` BEGIN
  UPDATE `site_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `story_follow_ups_update_bumps_site_version` AFTER UPDATE ON `story_follow_ups` BEGIN
  UPDATE `site_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
--> statement-breakpoint
CREATE TRIGGER `story_follow_ups_delete_bumps_site_version` AFTER DELETE ON `story_follow_ups` BEGIN
  UPDATE `site_version` SET `version` = `version` + 1 WHERE `id` = 1;
END;
