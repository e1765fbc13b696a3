ALTER TABLE `leads` ADD `first_assigned_at` integer;--> statement-breakpoint
ALTER TABLE `leads` ADD `first_touched_at` integer;--> statement-breakpoint
ALTER TABLE `leads` ADD `first_touched_by` text REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `leads` ADD `first_touch_warned_at` integer;--> statement-breakpoint
ALTER TABLE `leads` ADD `first_touch_missed_at` integer;--> statement-breakpoint
CREATE INDEX `leads_org_first_touch_idx` ON `leads` (`org_id`,CASE WHEN "first_touched_at" IS NULL THEN 9007199254740991 ELSE "first_touched_at" - "created_at" END,`id`);--> statement-breakpoint
CREATE INDEX `leads_org_touch_due_idx` ON `leads` (`org_id`,`first_assigned_at`) WHERE "leads"."first_touched_at" IS NULL AND "leads"."first_touch_missed_at" IS NULL;--> statement-breakpoint
CREATE INDEX `leads_org_first_touched_idx` ON `leads` (`org_id`,`first_touched_at`) WHERE "leads"."first_touched_at" IS NOT NULL;--> statement-breakpoint
ALTER TABLE `organizations` ADD `business_time_zone` text;--> statement-breakpoint
ALTER TABLE `organizations` ADD `business_days` text DEFAULT '1,2,3,4,5' NOT NULL;--> statement-breakpoint
ALTER TABLE `organizations` ADD `business_start` text DEFAULT '09:00' NOT NULL;--> statement-breakpoint
ALTER TABLE `organizations` ADD `business_end` text DEFAULT '17:00' NOT NULL;--> statement-breakpoint
ALTER TABLE `organizations` ADD `first_touch_target_minutes` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `organizations` ADD `first_touch_return` integer DEFAULT false NOT NULL;--> statement-breakpoint
-- Speed to lead (docs/ARCHITECTURE.md "Speed to lead"), kept by triggers like 0011's derived state, so every
-- writer (assignment, claims, routing, imports, notes, tasks, status changes, bulk actions, the API) stamps it in
-- its own batch without knowing of it; each is set once (only while NULL).
-- First assigned: when the lead first got a holder (primary or collaborator).
CREATE TRIGGER `lead_assignees_first_assigned_ai` AFTER INSERT ON `lead_assignees` BEGIN
  UPDATE `leads` SET `first_assigned_at` = NEW.`assigned_at`
  WHERE `id` = NEW.`lead_id` AND `first_assigned_at` IS NULL;
END;
--> statement-breakpoint
-- First touched: the first activity that works the lead (src/activity/activities.ts WORKED_ACTIVITIES) by someone
-- who holds it as it is written.
CREATE TRIGGER `activities_first_touch_ai` AFTER INSERT ON `activities`
  WHEN NEW.`actor_id` IS NOT NULL AND NEW.`type` IN ('note_added', 'communication_logged', 'communication_edited',
    'communication_deleted', 'task_created', 'task_completed', 'task_reopened', 'status_changed') BEGIN
  UPDATE `leads` SET `first_touched_at` = NEW.`created_at`, `first_touched_by` = NEW.`actor_id`
  WHERE `id` = NEW.`lead_id` AND `first_touched_at` IS NULL
    AND EXISTS (SELECT 1 FROM `lead_assignees` WHERE `lead_id` = NEW.`lead_id` AND `user_id` = NEW.`actor_id`);
END;
--> statement-breakpoint
-- The leads already there, from their history. First assigned: the earliest of their current holders' assignment
-- and every activity that gave them a holder.
UPDATE `leads` SET `first_assigned_at` = (
  SELECT min(`at`) FROM (
    SELECT `assigned_at` AS `at` FROM `lead_assignees` WHERE `lead_id` = `leads`.`id`
    UNION ALL
    SELECT `created_at` FROM `activities` WHERE `lead_id` = `leads`.`id`
      AND `type` IN ('assigned', 'transferred', 'claimed', 'collaborator_added')
  )
);
--> statement-breakpoint
-- First touched: the earliest working activity by someone who held the lead then, as far as the history tells:
-- a current holder assigned by then, or someone the lead was given to (or who claimed it) by then.
UPDATE `leads` SET (`first_touched_at`, `first_touched_by`) = (
  SELECT w.`created_at`, w.`actor_id` FROM `activities` w
  WHERE w.`lead_id` = `leads`.`id` AND w.`actor_id` IS NOT NULL
    AND w.`type` IN ('note_added', 'communication_logged', 'communication_edited', 'communication_deleted',
      'task_created', 'task_completed', 'task_reopened', 'status_changed')
    AND (
      EXISTS (SELECT 1 FROM `lead_assignees` h WHERE h.`lead_id` = w.`lead_id` AND h.`user_id` = w.`actor_id`
        AND h.`assigned_at` <= w.`created_at`)
      OR EXISTS (SELECT 1 FROM `activities` g WHERE g.`lead_id` = w.`lead_id` AND g.`created_at` <= w.`created_at`
        AND ((g.`type` = 'claimed' AND g.`actor_id` = w.`actor_id`)
          OR (g.`type` IN ('assigned', 'transferred') AND g.`data` ->> '$.to.id' = w.`actor_id`)
          OR (g.`type` = 'collaborator_added' AND g.`data` ->> '$.collaborator.id' = w.`actor_id`)))
    )
  ORDER BY w.`created_at`, w.`id` LIMIT 1
);
