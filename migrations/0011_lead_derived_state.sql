-- Derived state of leads, kept by SQLite triggers so that every writer (single and bulk assignment,
-- claims, imports, web-form intake, lead edits) keeps it right without knowing about it.
-- See docs/ARCHITECTURE.md "Scale": never write these columns or leads_fts from application code.

-- Assignees: leads.assignee_count (primary + collaborators) and leads.primary_assignee_id,
-- recomputed from lead_assignees for the lead a row of it was written for; assignee_lead_counts.leads,
-- the number of lead_assignees rows of each member whose lead is not archived (archived leads leave every
-- count; archiving and restoring a lead move its assignees' counters).
CREATE TRIGGER `lead_assignees_derived_ai` AFTER INSERT ON `lead_assignees` BEGIN
  UPDATE `leads` SET
    `assignee_count` = (SELECT count(*) FROM `lead_assignees` WHERE `lead_id` = NEW.`lead_id`),
    `primary_assignee_id` = (SELECT `user_id` FROM `lead_assignees` WHERE `lead_id` = NEW.`lead_id` AND `kind` = 'primary')
  WHERE `id` = NEW.`lead_id`;
  INSERT INTO `assignee_lead_counts` (`org_id`, `user_id`, `leads`) SELECT NEW.`org_id`, NEW.`user_id`, 1
    WHERE (SELECT `archived_at` FROM `leads` WHERE `id` = NEW.`lead_id`) IS NULL
    ON CONFLICT (`org_id`, `user_id`) DO UPDATE SET `leads` = `leads` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `lead_assignees_derived_ad` AFTER DELETE ON `lead_assignees` BEGIN
  UPDATE `leads` SET
    `assignee_count` = (SELECT count(*) FROM `lead_assignees` WHERE `lead_id` = OLD.`lead_id`),
    `primary_assignee_id` = (SELECT `user_id` FROM `lead_assignees` WHERE `lead_id` = OLD.`lead_id` AND `kind` = 'primary')
  WHERE `id` = OLD.`lead_id`;
  UPDATE `assignee_lead_counts` SET `leads` = `leads` - 1 WHERE `org_id` = OLD.`org_id` AND `user_id` = OLD.`user_id`
    AND (SELECT `archived_at` FROM `leads` WHERE `id` = OLD.`lead_id`) IS NULL;
END;
--> statement-breakpoint
CREATE TRIGGER `lead_assignees_derived_au` AFTER UPDATE ON `lead_assignees` BEGIN
  UPDATE `leads` SET
    `assignee_count` = (SELECT count(*) FROM `lead_assignees` WHERE `lead_id` = `leads`.`id`),
    `primary_assignee_id` = (SELECT `user_id` FROM `lead_assignees` WHERE `lead_id` = `leads`.`id` AND `kind` = 'primary')
  WHERE `id` IN (OLD.`lead_id`, NEW.`lead_id`);
  UPDATE `assignee_lead_counts` SET `leads` = `leads` - 1 WHERE `org_id` = OLD.`org_id` AND `user_id` = OLD.`user_id`
    AND (SELECT `archived_at` FROM `leads` WHERE `id` = OLD.`lead_id`) IS NULL;
  INSERT INTO `assignee_lead_counts` (`org_id`, `user_id`, `leads`) SELECT NEW.`org_id`, NEW.`user_id`, 1
    WHERE (SELECT `archived_at` FROM `leads` WHERE `id` = NEW.`lead_id`) IS NULL
    ON CONFLICT (`org_id`, `user_id`) DO UPDATE SET `leads` = `leads` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `leads_archived_counts_au` AFTER UPDATE OF `archived_at` ON `leads`
  WHEN (OLD.`archived_at` IS NULL) <> (NEW.`archived_at` IS NULL) BEGIN
  UPDATE `assignee_lead_counts`
    SET `leads` = `leads` + CASE WHEN NEW.`archived_at` IS NULL THEN 1 ELSE -1 END
    WHERE `org_id` = NEW.`org_id`
      AND `user_id` IN (SELECT `user_id` FROM `lead_assignees` WHERE `lead_id` = NEW.`id`);
  INSERT INTO `assignee_lead_counts` (`org_id`, `user_id`, `leads`)
    SELECT NEW.`org_id`, `user_id`, 1 FROM `lead_assignees`
    WHERE `lead_id` = NEW.`id` AND NEW.`archived_at` IS NULL
    ON CONFLICT (`org_id`, `user_id`) DO NOTHING;
END;
--> statement-breakpoint
-- Last activity: the newest activities.created_at of the lead.
CREATE TRIGGER `activities_last_activity_ai` AFTER INSERT ON `activities` BEGIN
  UPDATE `leads` SET `last_activity_at` = NEW.`created_at`
  WHERE `id` = NEW.`lead_id` AND (`last_activity_at` IS NULL OR `last_activity_at` < NEW.`created_at`);
END;
--> statement-breakpoint
-- Search: an FTS5 index over the name, email and company of leads (external content: the text stays in
-- leads, keyed by its rowid). unicode61 folds case beyond ASCII; remove_diacritics 2 makes "jose" find "José".
-- Text is NFC at the input boundary (src/lib/text.ts), and so is the search query.
CREATE VIRTUAL TABLE `leads_fts` USING fts5(
  `name`, `email`, `company`,
  content = 'leads', content_rowid = 'rowid',
  tokenize = 'unicode61 remove_diacritics 2'
);
--> statement-breakpoint
CREATE TRIGGER `leads_fts_ai` AFTER INSERT ON `leads` BEGIN
  INSERT INTO `leads_fts` (`rowid`, `name`, `email`, `company`) VALUES (NEW.`rowid`, NEW.`name`, NEW.`email`, NEW.`company`);
END;
--> statement-breakpoint
CREATE TRIGGER `leads_fts_ad` AFTER DELETE ON `leads` BEGIN
  INSERT INTO `leads_fts` (`leads_fts`, `rowid`, `name`, `email`, `company`) VALUES ('delete', OLD.`rowid`, OLD.`name`, OLD.`email`, OLD.`company`);
END;
--> statement-breakpoint
CREATE TRIGGER `leads_fts_au` AFTER UPDATE OF `name`, `email`, `company` ON `leads` BEGIN
  INSERT INTO `leads_fts` (`leads_fts`, `rowid`, `name`, `email`, `company`) VALUES ('delete', OLD.`rowid`, OLD.`name`, OLD.`email`, OLD.`company`);
  INSERT INTO `leads_fts` (`rowid`, `name`, `email`, `company`) VALUES (NEW.`rowid`, NEW.`name`, NEW.`email`, NEW.`company`);
END;
--> statement-breakpoint
-- The leads already there.
INSERT INTO `leads_fts` (`leads_fts`) VALUES ('rebuild');
--> statement-breakpoint
UPDATE `leads` SET
  `assignee_count` = (SELECT count(*) FROM `lead_assignees` WHERE `lead_id` = `leads`.`id`),
  `primary_assignee_id` = (SELECT `user_id` FROM `lead_assignees` WHERE `lead_id` = `leads`.`id` AND `kind` = 'primary'),
  `last_activity_at` = (SELECT max(`created_at`) FROM `activities` WHERE `lead_id` = `leads`.`id`);

--> statement-breakpoint
INSERT INTO `assignee_lead_counts` (`org_id`, `user_id`, `leads`)
  SELECT `org_id`, `user_id`, count(*) FROM `lead_assignees`
  WHERE (SELECT `archived_at` FROM `leads` WHERE `id` = `lead_assignees`.`lead_id`) IS NULL
  GROUP BY `org_id`, `user_id`;
