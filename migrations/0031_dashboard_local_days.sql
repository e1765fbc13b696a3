CREATE TABLE `first_touch_slot_counts` (
	`org_id` text NOT NULL,
	`scope` text NOT NULL,
	`slot` integer NOT NULL,
	`source` text NOT NULL,
	`touched` integer NOT NULL,
	`wait_ms` integer NOT NULL,
	`missed` integer NOT NULL,
	PRIMARY KEY(`org_id`, `scope`, `slot`, `source`)
);
--> statement-breakpoint
CREATE TABLE `lead_slot_counts` (
	`org_id` text NOT NULL,
	`scope` text NOT NULL,
	`slot` integer NOT NULL,
	`source` text NOT NULL,
	`status` text NOT NULL,
	`leads` integer NOT NULL,
	PRIMARY KEY(`org_id`, `scope`, `slot`, `source`, `status`)
);
--> statement-breakpoint
-- The dashboard's rollups by quarter-hour slot (docs/ARCHITECTURE.md "Dashboard"): lead_slot_counts and
-- first_touch_slot_counts are lead_day_counts and first_touch_day_counts of migrations/0025_dashboard_rollups.sql with
-- slot = epoch ms / 900000 (a quarter hour) in place of day = epoch ms / 86400000, kept by triggers of their own beside
-- 0025's (which stay as they are): every time zone's offset is a whole number of quarter hours, so the dashboard reads
-- whole UTC days from 0025's tables and moves the slots between a UTC midnight and the viewer's local midnight to the
-- local day they fall on (src/dashboard/local-days.ts).
CREATE TRIGGER `lead_slot_counts_ai` AFTER INSERT ON `leads` WHEN NEW.`archived_at` IS NULL BEGIN
  INSERT INTO `lead_slot_counts` (`org_id`, `scope`, `slot`, `source`, `status`, `leads`)
    SELECT NEW.`org_id`, `scope`, NEW.`created_at` / 900000, NEW.`source`, NEW.`status`, 1 FROM (
      SELECT 'all' AS `scope`
      UNION ALL SELECT CASE WHEN NEW.`primary_assignee_id` IS NOT NULL THEN NEW.`primary_assignee_id`
        WHEN NEW.`assignee_count` <> 0 THEN NULL WHEN NEW.`in_pool` THEN 'pool' ELSE 'unassigned' END
    ) WHERE `scope` IS NOT NULL
    ON CONFLICT (`org_id`, `scope`, `slot`, `source`, `status`) DO UPDATE SET `leads` = `leads` + excluded.`leads`;
END;
--> statement-breakpoint
CREATE TRIGGER `lead_slot_counts_ad` AFTER DELETE ON `leads` WHEN OLD.`archived_at` IS NULL BEGIN
  UPDATE `lead_slot_counts` SET `leads` = `leads` - 1
    WHERE `org_id` = OLD.`org_id` AND `slot` = OLD.`created_at` / 900000 AND `source` = OLD.`source`
      AND `status` = OLD.`status` AND `scope` IN ('all', CASE WHEN OLD.`primary_assignee_id` IS NOT NULL
        THEN OLD.`primary_assignee_id` WHEN OLD.`assignee_count` <> 0 THEN NULL WHEN OLD.`in_pool` THEN 'pool'
        ELSE 'unassigned' END);
END;
--> statement-breakpoint
CREATE TRIGGER `lead_slot_counts_au` AFTER UPDATE OF `org_id`, `created_at`, `source`, `status`, `archived_at`,
  `in_pool`, `assignee_count`, `primary_assignee_id` ON `leads`
  WHEN OLD.`org_id` IS NOT NEW.`org_id` OR OLD.`created_at` / 900000 IS NOT NEW.`created_at` / 900000
    OR OLD.`source` IS NOT NEW.`source` OR OLD.`status` IS NOT NEW.`status`
    OR (OLD.`archived_at` IS NULL) <> (NEW.`archived_at` IS NULL)
    OR OLD.`primary_assignee_id` IS NOT NEW.`primary_assignee_id` OR OLD.`in_pool` IS NOT NEW.`in_pool`
    OR (OLD.`assignee_count` = 0) <> (NEW.`assignee_count` = 0) BEGIN
  UPDATE `lead_slot_counts` SET `leads` = `leads` - 1
    WHERE OLD.`archived_at` IS NULL AND `org_id` = OLD.`org_id` AND `slot` = OLD.`created_at` / 900000
      AND `source` = OLD.`source` AND `status` = OLD.`status` AND `scope` IN ('all', CASE
        WHEN OLD.`primary_assignee_id` IS NOT NULL THEN OLD.`primary_assignee_id` WHEN OLD.`assignee_count` <> 0
        THEN NULL WHEN OLD.`in_pool` THEN 'pool' ELSE 'unassigned' END);
  INSERT INTO `lead_slot_counts` (`org_id`, `scope`, `slot`, `source`, `status`, `leads`)
    SELECT NEW.`org_id`, `scope`, NEW.`created_at` / 900000, NEW.`source`, NEW.`status`, 1 FROM (
      SELECT 'all' AS `scope`
      UNION ALL SELECT CASE WHEN NEW.`primary_assignee_id` IS NOT NULL THEN NEW.`primary_assignee_id`
        WHEN NEW.`assignee_count` <> 0 THEN NULL WHEN NEW.`in_pool` THEN 'pool' ELSE 'unassigned' END
    ) WHERE `scope` IS NOT NULL AND NEW.`archived_at` IS NULL
    ON CONFLICT (`org_id`, `scope`, `slot`, `source`, `status`) DO UPDATE SET `leads` = `leads` + excluded.`leads`;
END;
--> statement-breakpoint
-- first_touch_slot_counts sums the stored working wait as first_touch_day_counts does since
-- migrations/0030_first_touch_wait.sql: coalesce(first_touch_wait_ms, first_touched_at - created_at), its update
-- trigger also firing when first_touch_wait_ms is written.
CREATE TRIGGER `first_touch_slot_counts_ai` AFTER INSERT ON `leads`
  WHEN NEW.`archived_at` IS NULL AND NEW.`first_touched_at` IS NOT NULL BEGIN
  INSERT INTO `first_touch_slot_counts` (`org_id`, `scope`, `slot`, `source`, `touched`, `wait_ms`, `missed`)
    SELECT NEW.`org_id`, `scope`, NEW.`first_touched_at` / 900000, NEW.`source`, 1,
      coalesce(NEW.`first_touch_wait_ms`, NEW.`first_touched_at` - NEW.`created_at`), NEW.`first_touch_missed_at` IS NOT NULL
    FROM (SELECT 'all' AS `scope` UNION ALL SELECT NEW.`first_touched_by`) WHERE `scope` IS NOT NULL
    ON CONFLICT (`org_id`, `scope`, `slot`, `source`) DO UPDATE SET `touched` = `touched` + excluded.`touched`,
      `wait_ms` = `wait_ms` + excluded.`wait_ms`, `missed` = `missed` + excluded.`missed`;
END;
--> statement-breakpoint
CREATE TRIGGER `first_touch_slot_counts_ad` AFTER DELETE ON `leads`
  WHEN OLD.`archived_at` IS NULL AND OLD.`first_touched_at` IS NOT NULL BEGIN
  UPDATE `first_touch_slot_counts` SET `touched` = `touched` - 1,
    `wait_ms` = `wait_ms` - coalesce(OLD.`first_touch_wait_ms`, OLD.`first_touched_at` - OLD.`created_at`),
    `missed` = `missed` - (OLD.`first_touch_missed_at` IS NOT NULL)
    WHERE `org_id` = OLD.`org_id` AND `slot` = OLD.`first_touched_at` / 900000 AND `source` = OLD.`source`
      AND `scope` IN ('all', OLD.`first_touched_by`);
END;
--> statement-breakpoint
CREATE TRIGGER `first_touch_slot_counts_au` AFTER UPDATE OF `org_id`, `created_at`, `source`, `archived_at`,
  `first_touched_at`, `first_touched_by`, `first_touch_missed_at`, `first_touch_wait_ms` ON `leads`
  WHEN OLD.`org_id` IS NOT NEW.`org_id` OR OLD.`created_at` IS NOT NEW.`created_at` OR OLD.`source` IS NOT NEW.`source`
    OR (OLD.`archived_at` IS NULL) <> (NEW.`archived_at` IS NULL) OR OLD.`first_touched_at` IS NOT NEW.`first_touched_at`
    OR OLD.`first_touched_by` IS NOT NEW.`first_touched_by`
    OR (OLD.`first_touch_missed_at` IS NULL) <> (NEW.`first_touch_missed_at` IS NULL)
    OR OLD.`first_touch_wait_ms` IS NOT NEW.`first_touch_wait_ms` BEGIN
  UPDATE `first_touch_slot_counts` SET `touched` = `touched` - 1,
    `wait_ms` = `wait_ms` - coalesce(OLD.`first_touch_wait_ms`, OLD.`first_touched_at` - OLD.`created_at`),
    `missed` = `missed` - (OLD.`first_touch_missed_at` IS NOT NULL)
    WHERE OLD.`archived_at` IS NULL AND OLD.`first_touched_at` IS NOT NULL AND `org_id` = OLD.`org_id`
      AND `slot` = OLD.`first_touched_at` / 900000 AND `source` = OLD.`source` AND `scope` IN ('all', OLD.`first_touched_by`);
  INSERT INTO `first_touch_slot_counts` (`org_id`, `scope`, `slot`, `source`, `touched`, `wait_ms`, `missed`)
    SELECT NEW.`org_id`, `scope`, NEW.`first_touched_at` / 900000, NEW.`source`, 1,
      coalesce(NEW.`first_touch_wait_ms`, NEW.`first_touched_at` - NEW.`created_at`), NEW.`first_touch_missed_at` IS NOT NULL
    FROM (SELECT 'all' AS `scope` UNION ALL SELECT NEW.`first_touched_by`)
    WHERE `scope` IS NOT NULL AND NEW.`archived_at` IS NULL AND NEW.`first_touched_at` IS NOT NULL
    ON CONFLICT (`org_id`, `scope`, `slot`, `source`) DO UPDATE SET `touched` = `touched` + excluded.`touched`,
      `wait_ms` = `wait_ms` + excluded.`wait_ms`, `missed` = `missed` + excluded.`missed`;
END;
--> statement-breakpoint
INSERT INTO `lead_slot_counts` (`org_id`, `scope`, `slot`, `source`, `status`, `leads`)
  SELECT `org_id`, `scope`, `slot`, `source`, `status`, count(*) FROM (
    SELECT `org_id`, 'all' AS `scope`, `created_at` / 900000 AS `slot`, `source`, `status` FROM `leads`
      WHERE `archived_at` IS NULL
    UNION ALL SELECT `org_id`, CASE WHEN `primary_assignee_id` IS NOT NULL THEN `primary_assignee_id`
        WHEN `in_pool` THEN 'pool' ELSE 'unassigned' END, `created_at` / 900000, `source`, `status` FROM `leads`
      WHERE `archived_at` IS NULL AND (`primary_assignee_id` IS NOT NULL OR `assignee_count` = 0)
  ) WHERE true GROUP BY `org_id`, `scope`, `slot`, `source`, `status`;
--> statement-breakpoint
INSERT INTO `first_touch_slot_counts` (`org_id`, `scope`, `slot`, `source`, `touched`, `wait_ms`, `missed`)
  SELECT `org_id`, `scope`, `slot`, `source`, count(*), sum(`wait`), sum(`missed`) FROM (
    SELECT `org_id`, 'all' AS `scope`, `first_touched_at` / 900000 AS `slot`, `source`,
        coalesce(`first_touch_wait_ms`, `first_touched_at` - `created_at`) AS `wait`, `first_touch_missed_at` IS NOT NULL AS `missed` FROM `leads`
      WHERE `archived_at` IS NULL AND `first_touched_at` IS NOT NULL
    UNION ALL SELECT `org_id`, `first_touched_by`, `first_touched_at` / 900000, `source`,
        coalesce(`first_touch_wait_ms`, `first_touched_at` - `created_at`), `first_touch_missed_at` IS NOT NULL FROM `leads`
      WHERE `archived_at` IS NULL AND `first_touched_at` IS NOT NULL AND `first_touched_by` IS NOT NULL
  ) WHERE true GROUP BY `org_id`, `scope`, `slot`, `source`;
