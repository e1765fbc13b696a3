CREATE TABLE `away_periods` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`user_id` text NOT NULL,
	`starts_at` integer NOT NULL,
	`ends_at` integer,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `away_periods_member_idx` ON `away_periods` (`org_id`,`user_id`,`starts_at`);--> statement-breakpoint
ALTER TABLE `memberships` ADD `routing_weight` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `memberships` ADD `routing_cap` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `organizations` ADD `routing_shape` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `organizations` ADD `routing_stuck_at` integer;--> statement-breakpoint
ALTER TABLE `routing_members` ADD `credit` integer DEFAULT 0 NOT NULL;