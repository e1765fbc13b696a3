ALTER TABLE `memberships` ADD `work_days` text;--> statement-breakpoint
ALTER TABLE `memberships` ADD `work_start` text DEFAULT '09:00' NOT NULL;--> statement-breakpoint
ALTER TABLE `memberships` ADD `work_end` text DEFAULT '17:00' NOT NULL;--> statement-breakpoint
CREATE INDEX `activities_org_routed_idx` ON `activities` (`org_id`,`created_at`) WHERE json_extract(data, '$.via') = 'routing';