ALTER TABLE `leads` ADD `first_touch_warned_at` integer;--> statement-breakpoint
ALTER TABLE `leads` ADD `first_touch_missed_at` integer;--> statement-breakpoint
CREATE INDEX `leads_org_touch_due_idx` ON `leads` (`org_id`,`first_assigned_at`) WHERE "leads"."first_touched_at" IS NULL AND "leads"."first_touch_missed_at" IS NULL;--> statement-breakpoint
ALTER TABLE `organizations` ADD `business_time_zone` text;--> statement-breakpoint
ALTER TABLE `organizations` ADD `business_days` text DEFAULT '1,2,3,4,5' NOT NULL;--> statement-breakpoint
ALTER TABLE `organizations` ADD `business_start` text DEFAULT '09:00' NOT NULL;--> statement-breakpoint
ALTER TABLE `organizations` ADD `business_end` text DEFAULT '17:00' NOT NULL;--> statement-breakpoint
ALTER TABLE `organizations` ADD `first_touch_target_minutes` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `organizations` ADD `first_touch_return` integer DEFAULT false NOT NULL;