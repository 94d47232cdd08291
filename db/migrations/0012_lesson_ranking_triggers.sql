-- lesson_ranking follows lessons, their helpful votes, their story's failure types and the story's
-- state, publication time and content notes, in the same transaction as the write. A pair
-- (failure type, lesson) is added by whichever of the two rows arrives second.
CREATE TRIGGER `lesson_ranking_lesson_insert` AFTER INSERT ON `lessons` BEGIN
  INSERT OR REPLACE INTO `lesson_ranking` (`failure_type_id`, `lesson_id`, `story_id`, `helpful_count`, `published_at`, `content_notes`)
  SELECT sft.`failure_type_id`, NEW.`id`, NEW.`story_id`, NEW.`helpful_count`, s.`published_at`, s.`content_notes`
  FROM `stories` s JOIN `story_failure_types` sft ON sft.`story_id` = s.`id`
  WHERE s.`id` = NEW.`story_id` AND s.`state` = 'visible';
END;
--> statement-breakpoint
CREATE TRIGGER `lesson_ranking_lesson_votes` AFTER UPDATE OF `helpful_count` ON `lessons` BEGIN
  UPDATE `lesson_ranking` SET `helpful_count` = NEW.`helpful_count` WHERE `lesson_id` = NEW.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `lesson_ranking_lesson_moves` AFTER UPDATE OF `story_id` ON `lessons` BEGIN
  DELETE FROM `lesson_ranking` WHERE `lesson_id` = OLD.`id`;
  INSERT OR REPLACE INTO `lesson_ranking` (`failure_type_id`, `lesson_id`, `story_id`, `helpful_count`, `published_at`, `content_notes`)
  SELECT sft.`failure_type_id`, NEW.`id`, NEW.`story_id`, NEW.`helpful_count`, s.`published_at`, s.`content_notes`
  FROM `stories` s JOIN `story_failure_types` sft ON sft.`story_id` = s.`id`
  WHERE s.`id` = NEW.`story_id` AND s.`state` = 'visible';
END;
--> statement-breakpoint
CREATE TRIGGER `lesson_ranking_lesson_delete` AFTER DELETE ON `lessons` BEGIN
  DELETE FROM `lesson_ranking` WHERE `lesson_id` = OLD.`id`;
END;
--> statement-breakpoint
CREATE TRIGGER `lesson_ranking_type_insert` AFTER INSERT ON `story_failure_types` BEGIN
  INSERT OR REPLACE INTO `lesson_ranking` (`failure_type_id`, `lesson_id`, `story_id`, `helpful_count`, `published_at`, `content_notes`)
  SELECT NEW.`failure_type_id`, l.`id`, l.`story_id`, l.`helpful_count`, s.`published_at`, s.`content_notes`
  FROM `stories` s JOIN `lessons` l ON l.`story_id` = s.`id`
  WHERE s.`id` = NEW.`story_id` AND s.`state` = 'visible';
END;
--> statement-breakpoint
CREATE TRIGGER `lesson_ranking_type_delete` AFTER DELETE ON `story_failure_types` BEGIN
  DELETE FROM `lesson_ranking` WHERE `story_id` = OLD.`story_id` AND `failure_type_id` = OLD.`failure_type_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `lesson_ranking_type_update` AFTER UPDATE OF `story_id`, `failure_type_id` ON `story_failure_types` BEGIN
  DELETE FROM `lesson_ranking` WHERE `story_id` = OLD.`story_id` AND `failure_type_id` = OLD.`failure_type_id`;
  INSERT OR REPLACE INTO `lesson_ranking` (`failure_type_id`, `lesson_id`, `story_id`, `helpful_count`, `published_at`, `content_notes`)
  SELECT NEW.`failure_type_id`, l.`id`, l.`story_id`, l.`helpful_count`, s.`published_at`, s.`content_notes`
  FROM `stories` s JOIN `lessons` l ON l.`story_id` = s.`id`
  WHERE s.`id` = NEW.`story_id` AND s.`state` = 'visible';
END;
--> statement-breakpoint
CREATE TRIGGER `lesson_ranking_story_update` AFTER UPDATE OF `state`, `published_at`, `content_notes` ON `stories`
WHEN OLD.`state` IS NOT NEW.`state` OR OLD.`published_at` IS NOT NEW.`published_at` OR OLD.`content_notes` IS NOT NEW.`content_notes` BEGIN
  DELETE FROM `lesson_ranking` WHERE `story_id` = OLD.`id`;
  INSERT OR REPLACE INTO `lesson_ranking` (`failure_type_id`, `lesson_id`, `story_id`, `helpful_count`, `published_at`, `content_notes`)
  SELECT sft.`failure_type_id`, l.`id`, l.`story_id`, l.`helpful_count`, NEW.`published_at`, NEW.`content_notes`
  FROM `story_failure_types` sft JOIN `lessons` l ON l.`story_id` = sft.`story_id`
  WHERE sft.`story_id` = NEW.`id` AND NEW.`state` = 'visible';
END;
--> statement-breakpoint
-- The lessons already here.
DELETE FROM `lesson_ranking`;
--> statement-breakpoint
INSERT INTO `lesson_ranking` (`failure_type_id`, `lesson_id`, `story_id`, `helpful_count`, `published_at`, `content_notes`)
SELECT sft.`failure_type_id`, l.`id`, l.`story_id`, l.`helpful_count`, s.`published_at`, s.`content_notes`
FROM `lessons` l JOIN `stories` s ON s.`id` = l.`story_id` JOIN `story_failure_types` sft ON sft.`story_id` = s.`id`
WHERE s.`state` = 'visible';
