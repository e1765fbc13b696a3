CREATE TABLE `email_outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text,
	`to` text NOT NULL,
	`subject` text NOT NULL,
	`text` text NOT NULL,
	`html` text NOT NULL,
	`kind` text NOT NULL,
	`status` text DEFAULT 'queued' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`provider_id` text,
	`last_error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`sent_at` integer,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `email_outbox_status_idx` ON `email_outbox` (`status`,`updated_at`);--> statement-breakpoint
CREATE INDEX `email_outbox_created_idx` ON `email_outbox` (`created_at`);--> statement-breakpoint
CREATE TABLE `former_assignees` (
	`org_id` text NOT NULL,
	`lead_id` text NOT NULL,
	`user_id` text NOT NULL,
	`ended_at` integer NOT NULL,
	PRIMARY KEY(`lead_id`, `user_id`),
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`lead_id`) REFERENCES `leads`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `former_assignees_org_user_idx` ON `former_assignees` (`org_id`,`user_id`,`lead_id`);--> statement-breakpoint
CREATE TABLE `invitations` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`email` text NOT NULL,
	`role` text NOT NULL,
	`token_hash` text NOT NULL,
	`invited_by` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`invited_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `invitations_org_email_uq` ON `invitations` (`org_id`,`email`);--> statement-breakpoint
CREATE UNIQUE INDEX `invitations_token_uq` ON `invitations` (`token_hash`);--> statement-breakpoint
DROP INDEX `leads_org_email_idx`;--> statement-breakpoint
ALTER TABLE `leads` ADD `search_text` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `leads` ADD `in_pool` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `leads_org_email_uq` ON `leads` (`org_id`,`email_normalized`) WHERE "leads"."email_normalized" IS NOT NULL;--> statement-breakpoint
ALTER TABLE `organizations` ADD `pool_enabled` integer DEFAULT false NOT NULL;--> statement-breakpoint
-- Backfill the search column of leads saved before it existed (SQLite's lower() folds A-Z only;
-- leads saved from now on are lower-cased by the app, Unicode-aware).
UPDATE `leads` SET `search_text` = lower(`name` || ' ' || `email` || ' ' || `company`);
