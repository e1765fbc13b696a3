DROP INDEX `leads_org_first_touch_idx`;--> statement-breakpoint
ALTER TABLE `leads` ADD `first_touch_wait_ms` integer;--> statement-breakpoint
CREATE INDEX `leads_org_wait_unwritten_idx` ON `leads` (`org_id`) WHERE "leads"."first_touched_at" IS NOT NULL AND "leads"."first_touch_wait_ms" IS NULL;--> statement-breakpoint
CREATE INDEX `leads_org_first_touch_idx` ON `leads` (`org_id`,CASE WHEN "first_touched_at" IS NULL THEN 9007199254740991 WHEN "first_touch_wait_ms" IS NULL THEN "first_touched_at" - "created_at" ELSE "first_touch_wait_ms" END,`id`);--> statement-breakpoint
-- The dashboard's time to first touch (docs/ARCHITECTURE.md "Dashboard") sums the stored working wait: the three
-- first_touch_day_counts triggers of 0025 again, with only their wait changed to
-- coalesce(first_touch_wait_ms, first_touched_at - created_at) (the wall clock until the wait is written) and the
-- update trigger also firing when first_touch_wait_ms is written.
DROP TRIGGER `first_touch_day_counts_ai`;
--> statement-breakpoint
DROP TRIGGER `first_touch_day_counts_ad`;
--> statement-breakpoint
DROP TRIGGER `first_touch_day_counts_au`;
--> statement-breakpoint
CREATE TRIGGER `first_touch_day_counts_ai` AFTER INSERT ON `leads`
  WHEN NEW.`archived_at` IS NULL AND NEW.`first_touched_at` IS NOT NULL BEGIN
  INSERT INTO `first_touch_day_counts` (`org_id`, `scope`, `day`, `source`, `touched`, `wait_ms`, `missed`)
    SELECT NEW.`org_id`, `scope`, NEW.`first_touched_at` / 86400000, NEW.`source`, 1,
      coalesce(NEW.`first_touch_wait_ms`, NEW.`first_touched_at` - NEW.`created_at`), NEW.`first_touch_missed_at` IS NOT NULL
    FROM (SELECT 'all' AS `scope` UNION ALL SELECT NEW.`first_touched_by`) WHERE `scope` IS NOT NULL
    ON CONFLICT (`org_id`, `scope`, `day`, `source`) DO UPDATE SET `touched` = `touched` + excluded.`touched`,
      `wait_ms` = `wait_ms` + excluded.`wait_ms`, `missed` = `missed` + excluded.`missed`;
END;
--> statement-breakpoint
CREATE TRIGGER `first_touch_day_counts_ad` AFTER DELETE ON `leads`
  WHEN OLD.`archived_at` IS NULL AND OLD.`first_touched_at` IS NOT NULL BEGIN
  UPDATE `first_touch_day_counts` SET `touched` = `touched` - 1,
    `wait_ms` = `wait_ms` - coalesce(OLD.`first_touch_wait_ms`, OLD.`first_touched_at` - OLD.`created_at`),
    `missed` = `missed` - (OLD.`first_touch_missed_at` IS NOT NULL)
    WHERE `org_id` = OLD.`org_id` AND `day` = OLD.`first_touched_at` / 86400000 AND `source` = OLD.`source`
      AND `scope` IN ('all', OLD.`first_touched_by`);
END;
--> statement-breakpoint
CREATE TRIGGER `first_touch_day_counts_au` AFTER UPDATE OF `org_id`, `created_at`, `source`, `archived_at`,
  `first_touched_at`, `first_touched_by`, `first_touch_missed_at`, `first_touch_wait_ms` ON `leads`
  WHEN OLD.`org_id` IS NOT NEW.`org_id` OR OLD.`created_at` IS NOT NEW.`created_at` OR OLD.`source` IS NOT NEW.`source`
    OR (OLD.`archived_at` IS NULL) <> (NEW.`archived_at` IS NULL) OR OLD.`first_touched_at` IS NOT NEW.`first_touched_at`
    OR OLD.`first_touched_by` IS NOT NEW.`first_touched_by`
    OR (OLD.`first_touch_missed_at` IS NULL) <> (NEW.`first_touch_missed_at` IS NULL)
    OR OLD.`first_touch_wait_ms` IS NOT NEW.`first_touch_wait_ms` BEGIN
  UPDATE `first_touch_day_counts` SET `touched` = `touched` - 1,
    `wait_ms` = `wait_ms` - coalesce(OLD.`first_touch_wait_ms`, OLD.`first_touched_at` - OLD.`created_at`),
    `missed` = `missed` - (OLD.`first_touch_missed_at` IS NOT NULL)
    WHERE OLD.`archived_at` IS NULL AND OLD.`first_touched_at` IS NOT NULL AND `org_id` = OLD.`org_id`
      AND `day` = OLD.`first_touched_at` / 86400000 AND `source` = OLD.`source` AND `scope` IN ('all', OLD.`first_touched_by`);
  INSERT INTO `first_touch_day_counts` (`org_id`, `scope`, `day`, `source`, `touched`, `wait_ms`, `missed`)
    SELECT NEW.`org_id`, `scope`, NEW.`first_touched_at` / 86400000, NEW.`source`, 1,
      coalesce(NEW.`first_touch_wait_ms`, NEW.`first_touched_at` - NEW.`created_at`), NEW.`first_touch_missed_at` IS NOT NULL
    FROM (SELECT 'all' AS `scope` UNION ALL SELECT NEW.`first_touched_by`)
    WHERE `scope` IS NOT NULL AND NEW.`archived_at` IS NULL AND NEW.`first_touched_at` IS NOT NULL
    ON CONFLICT (`org_id`, `scope`, `day`, `source`) DO UPDATE SET `touched` = `touched` + excluded.`touched`,
      `wait_ms` = `wait_ms` + excluded.`wait_ms`, `missed` = `missed` + excluded.`missed`;
END;
--> statement-breakpoint
-- The leads already touched whose wait SQL can tell: in an organization without business hours, by someone never
-- away during the wait, it is the wall clock (the rollups keep their sums: that is what they counted). The cron's
-- sweep (src/orgs/first-touch-wait.ts) writes the others.
UPDATE `leads` SET `first_touch_wait_ms` = `first_touched_at` - `created_at`
  WHERE `first_touched_at` IS NOT NULL AND `first_touch_wait_ms` IS NULL
    AND `org_id` IN (SELECT `id` FROM `organizations` WHERE `business_time_zone` IS NULL)
    AND NOT EXISTS (SELECT 1 FROM `away_periods` p WHERE p.`org_id` = `leads`.`org_id`
      AND p.`user_id` = `leads`.`first_touched_by` AND p.`starts_at` < `leads`.`first_touched_at`
      AND (p.`ends_at` IS NULL OR p.`ends_at` > `leads`.`created_at`));
