-- story_outcome_counts follows every change to a visible story, its experience, its outcome or its
-- failure types, in the same transaction, whichever process writes. Each story adds one to a row
-- per (type or 0) × (experience or '') it matches; see db/schema.ts.
-- A story is removed BEFORE its row goes: its failure types still exist then, and the cascade that
-- deletes them afterwards finds no story and changes nothing.
CREATE TRIGGER `story_counts_story_insert` AFTER INSERT ON `stories` WHEN NEW.`state` = 'visible' BEGIN
  INSERT INTO `story_outcome_counts` (`failure_type_id`, `experience`, `outcome`, `stories`)
  SELECT types.id, kinds.experience, coalesce(NEW.`outcome`, ''), 1
  FROM (SELECT 0 AS id UNION ALL SELECT `failure_type_id` FROM `story_failure_types` WHERE `story_id` = NEW.`id`) AS types,
       (SELECT '' AS experience UNION ALL SELECT NEW.`experience` WHERE NEW.`experience` IS NOT NULL) AS kinds
  WHERE true
  ON CONFLICT (`failure_type_id`, `experience`, `outcome`) DO UPDATE SET `stories` = `stories` + excluded.`stories`;
END;
--> statement-breakpoint
CREATE TRIGGER `story_counts_story_update` AFTER UPDATE OF `state`, `outcome`, `experience` ON `stories`
WHEN OLD.`state` IS NOT NEW.`state` OR OLD.`outcome` IS NOT NEW.`outcome` OR OLD.`experience` IS NOT NEW.`experience` BEGIN
  INSERT INTO `story_outcome_counts` (`failure_type_id`, `experience`, `outcome`, `stories`)
  SELECT types.id, kinds.experience, coalesce(OLD.`outcome`, ''), -1
  FROM (SELECT 0 AS id UNION ALL SELECT `failure_type_id` FROM `story_failure_types` WHERE `story_id` = OLD.`id`) AS types,
       (SELECT '' AS experience UNION ALL SELECT OLD.`experience` WHERE OLD.`experience` IS NOT NULL) AS kinds
  WHERE OLD.`state` = 'visible'
  ON CONFLICT (`failure_type_id`, `experience`, `outcome`) DO UPDATE SET `stories` = `stories` + excluded.`stories`;
  INSERT INTO `story_outcome_counts` (`failure_type_id`, `experience`, `outcome`, `stories`)
  SELECT types.id, kinds.experience, coalesce(NEW.`outcome`, ''), 1
  FROM (SELECT 0 AS id UNION ALL SELECT `failure_type_id` FROM `story_failure_types` WHERE `story_id` = NEW.`id`) AS types,
       (SELECT '' AS experience UNION ALL SELECT NEW.`experience` WHERE NEW.`experience` IS NOT NULL) AS kinds
  WHERE NEW.`state` = 'visible'
  ON CONFLICT (`failure_type_id`, `experience`, `outcome`) DO UPDATE SET `stories` = `stories` + excluded.`stories`;
END;
--> statement-breakpoint
CREATE TRIGGER `story_counts_story_delete` BEFORE DELETE ON `stories` WHEN OLD.`state` = 'visible' BEGIN
  INSERT INTO `story_outcome_counts` (`failure_type_id`, `experience`, `outcome`, `stories`)
  SELECT types.id, kinds.experience, coalesce(OLD.`outcome`, ''), -1
  FROM (SELECT 0 AS id UNION ALL SELECT `failure_type_id` FROM `story_failure_types` WHERE `story_id` = OLD.`id`) AS types,
       (SELECT '' AS experience UNION ALL SELECT OLD.`experience` WHERE OLD.`experience` IS NOT NULL) AS kinds
  WHERE true
  ON CONFLICT (`failure_type_id`, `experience`, `outcome`) DO UPDATE SET `stories` = `stories` + excluded.`stories`;
END;
--> statement-breakpoint
CREATE TRIGGER `story_counts_type_insert` AFTER INSERT ON `story_failure_types` BEGIN
  INSERT INTO `story_outcome_counts` (`failure_type_id`, `experience`, `outcome`, `stories`)
  SELECT NEW.`failure_type_id`, kinds.experience, coalesce(s.`outcome`, ''), 1
  FROM `stories` s, (SELECT '' AS experience UNION ALL
    SELECT `experience` FROM `stories` WHERE `id` = NEW.`story_id` AND `experience` IS NOT NULL) AS kinds
  WHERE s.`id` = NEW.`story_id` AND s.`state` = 'visible'
  ON CONFLICT (`failure_type_id`, `experience`, `outcome`) DO UPDATE SET `stories` = `stories` + excluded.`stories`;
END;
--> statement-breakpoint
CREATE TRIGGER `story_counts_type_delete` AFTER DELETE ON `story_failure_types` BEGIN
  INSERT INTO `story_outcome_counts` (`failure_type_id`, `experience`, `outcome`, `stories`)
  SELECT OLD.`failure_type_id`, kinds.experience, coalesce(s.`outcome`, ''), -1
  FROM `stories` s, (SELECT '' AS experience UNION ALL
    SELECT `experience` FROM `stories` WHERE `id` = OLD.`story_id` AND `experience` IS NOT NULL) AS kinds
  WHERE s.`id` = OLD.`story_id` AND s.`state` = 'visible'
  ON CONFLICT (`failure_type_id`, `experience`, `outcome`) DO UPDATE SET `stories` = `stories` + excluded.`stories`;
END;
--> statement-breakpoint
CREATE TRIGGER `story_counts_type_update` AFTER UPDATE OF `story_id`, `failure_type_id` ON `story_failure_types` BEGIN
  INSERT INTO `story_outcome_counts` (`failure_type_id`, `experience`, `outcome`, `stories`)
  SELECT OLD.`failure_type_id`, kinds.experience, coalesce(s.`outcome`, ''), -1
  FROM `stories` s, (SELECT '' AS experience UNION ALL
    SELECT `experience` FROM `stories` WHERE `id` = OLD.`story_id` AND `experience` IS NOT NULL) AS kinds
  WHERE s.`id` = OLD.`story_id` AND s.`state` = 'visible'
  ON CONFLICT (`failure_type_id`, `experience`, `outcome`) DO UPDATE SET `stories` = `stories` + excluded.`stories`;
  INSERT INTO `story_outcome_counts` (`failure_type_id`, `experience`, `outcome`, `stories`)
  SELECT NEW.`failure_type_id`, kinds.experience, coalesce(s.`outcome`, ''), 1
  FROM `stories` s, (SELECT '' AS experience UNION ALL
    SELECT `experience` FROM `stories` WHERE `id` = NEW.`story_id` AND `experience` IS NOT NULL) AS kinds
  WHERE s.`id` = NEW.`story_id` AND s.`state` = 'visible'
  ON CONFLICT (`failure_type_id`, `experience`, `outcome`) DO UPDATE SET `stories` = `stories` + excluded.`stories`;
END;
--> statement-breakpoint
-- The counts of the stories already here.
DELETE FROM `story_outcome_counts`;
--> statement-breakpoint
INSERT INTO `story_outcome_counts` (`failure_type_id`, `experience`, `outcome`, `stories`)
SELECT type_id, experience, outcome, count(*) FROM (
  SELECT 0 AS type_id, '' AS experience, coalesce(`outcome`, '') AS outcome FROM `stories` WHERE `state` = 'visible'
  UNION ALL SELECT 0, `experience`, coalesce(`outcome`, '') FROM `stories` WHERE `state` = 'visible' AND `experience` IS NOT NULL
  UNION ALL SELECT sft.`failure_type_id`, '', coalesce(s.`outcome`, '')
    FROM `story_failure_types` sft JOIN `stories` s ON s.`id` = sft.`story_id` WHERE s.`state` = 'visible'
  UNION ALL SELECT sft.`failure_type_id`, s.`experience`, coalesce(s.`outcome`, '')
    FROM `story_failure_types` sft JOIN `stories` s ON s.`id` = sft.`story_id` WHERE s.`state` = 'visible' AND s.`experience` IS NOT NULL
) GROUP BY type_id, experience, outcome;
