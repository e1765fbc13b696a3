CREATE TABLE `lead_counts` (
	`org_id` text NOT NULL,
	`bucket` text NOT NULL,
	`leads` integer NOT NULL,
	PRIMARY KEY(`org_id`, `bucket`)
);
--> statement-breakpoint
CREATE INDEX `leads_org_archived_id_idx` ON `leads` (`org_id`,`id`) WHERE "leads"."archived_at" IS NOT NULL;
--> statement-breakpoint
-- lead_counts: the leads of each organization that are not archived, per bucket ('all', 'status:{status}',
-- 'pool' = in the pool with no assignee, 'unassigned' = no assignee and not in the pool), kept by these
-- triggers on leads whatever writes them (lead edits, archive/restore, imports, and the lead_assignees
-- triggers of migrations/0011_lead_derived_state.sql, which keep leads.assignee_count). Read by
-- src/leads/counts.ts; never written by application code (docs/ARCHITECTURE.md "Scale").
CREATE TRIGGER `lead_counts_ai` AFTER INSERT ON `leads` WHEN NEW.`archived_at` IS NULL BEGIN
  INSERT INTO `lead_counts` (`org_id`, `bucket`, `leads`)
    SELECT NEW.`org_id`, `bucket`, 1 FROM (
      SELECT 'all' AS `bucket`
      UNION ALL SELECT 'status:' || NEW.`status`
      UNION ALL SELECT CASE WHEN NEW.`in_pool` THEN 'pool' ELSE 'unassigned' END WHERE NEW.`assignee_count` = 0
    ) WHERE true
    ON CONFLICT (`org_id`, `bucket`) DO UPDATE SET `leads` = `leads` + excluded.`leads`;
END;
--> statement-breakpoint
CREATE TRIGGER `lead_counts_ad` AFTER DELETE ON `leads` WHEN OLD.`archived_at` IS NULL BEGIN
  UPDATE `lead_counts` SET `leads` = `leads` - 1
    WHERE `org_id` = OLD.`org_id` AND `bucket` IN ('all', 'status:' || OLD.`status`,
      CASE WHEN OLD.`assignee_count` <> 0 THEN NULL WHEN OLD.`in_pool` THEN 'pool' ELSE 'unassigned' END);
END;
--> statement-breakpoint
CREATE TRIGGER `lead_counts_au` AFTER UPDATE OF `org_id`, `status`, `archived_at`, `in_pool`, `assignee_count` ON `leads`
  WHEN OLD.`org_id` IS NOT NEW.`org_id` OR OLD.`status` IS NOT NEW.`status`
    OR (OLD.`archived_at` IS NULL) <> (NEW.`archived_at` IS NULL) OR OLD.`in_pool` IS NOT NEW.`in_pool`
    OR (OLD.`assignee_count` = 0) <> (NEW.`assignee_count` = 0) BEGIN
  UPDATE `lead_counts` SET `leads` = `leads` - 1
    WHERE OLD.`archived_at` IS NULL AND `org_id` = OLD.`org_id` AND `bucket` IN ('all', 'status:' || OLD.`status`,
      CASE WHEN OLD.`assignee_count` <> 0 THEN NULL WHEN OLD.`in_pool` THEN 'pool' ELSE 'unassigned' END);
  INSERT INTO `lead_counts` (`org_id`, `bucket`, `leads`)
    SELECT NEW.`org_id`, `bucket`, 1 FROM (
      SELECT 'all' AS `bucket`
      UNION ALL SELECT 'status:' || NEW.`status`
      UNION ALL SELECT CASE WHEN NEW.`in_pool` THEN 'pool' ELSE 'unassigned' END WHERE NEW.`assignee_count` = 0
    ) WHERE NEW.`archived_at` IS NULL
    ON CONFLICT (`org_id`, `bucket`) DO UPDATE SET `leads` = `leads` + excluded.`leads`;
END;
--> statement-breakpoint
-- The leads already there.
INSERT INTO `lead_counts` (`org_id`, `bucket`, `leads`)
  SELECT `org_id`, `bucket`, count(*) FROM (
    SELECT `org_id`, 'all' AS `bucket` FROM `leads` WHERE `archived_at` IS NULL
    UNION ALL SELECT `org_id`, 'status:' || `status` FROM `leads` WHERE `archived_at` IS NULL
    UNION ALL SELECT `org_id`, CASE WHEN `in_pool` THEN 'pool' ELSE 'unassigned' END FROM `leads`
      WHERE `archived_at` IS NULL AND `assignee_count` = 0
  ) WHERE true GROUP BY `org_id`, `bucket`;
