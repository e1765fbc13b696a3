CREATE TABLE `assignee_lead_counts` (
	`org_id` text NOT NULL,
	`user_id` text NOT NULL,
	`leads` integer NOT NULL,
	PRIMARY KEY(`org_id`, `user_id`)
);
--> statement-breakpoint
ALTER TABLE `leads` ADD `primary_assignee_id` text;--> statement-breakpoint
ALTER TABLE `leads` ADD `assignee_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `leads` ADD `last_activity_at` integer;--> statement-breakpoint
CREATE INDEX `leads_org_unassigned_id_idx` ON `leads` (`org_id`,`assignee_count`,`in_pool`,`id`);--> statement-breakpoint
CREATE INDEX `leads_org_created_idx` ON `leads` (`org_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `leads_org_name_idx` ON `leads` (`org_id`,`name`,`id`);--> statement-breakpoint
CREATE INDEX `leads_org_activity_idx` ON `leads` (`org_id`,`last_activity_at`,`id`);--> statement-breakpoint
CREATE INDEX `leads_org_source_id_idx` ON `leads` (`org_id`,`source`,`id`);