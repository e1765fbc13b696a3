CREATE TABLE `api_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`name` text NOT NULL,
	`key_hash` text NOT NULL,
	`last_four` text NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	`revoked_at` integer,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `api_keys_hash_uq` ON `api_keys` (`key_hash`);--> statement-breakpoint
CREATE INDEX `api_keys_org_idx` ON `api_keys` (`org_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `routing_members` (
	`org_id` text NOT NULL,
	`user_id` text NOT NULL,
	`position` integer NOT NULL,
	PRIMARY KEY(`org_id`, `user_id`),
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `leads` ADD `pooled_at` integer;--> statement-breakpoint
ALTER TABLE `leads` ADD `return_warned_at` integer;--> statement-breakpoint
ALTER TABLE `organizations` ADD `pool_claim_cap` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `organizations` ADD `pool_show_oldest` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `organizations` ADD `pool_stale_hours` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `organizations` ADD `pool_return_days` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `organizations` ADD `pool_digest_sent_at` integer;--> statement-breakpoint
ALTER TABLE `organizations` ADD `routing` text DEFAULT 'unassigned' NOT NULL;--> statement-breakpoint
ALTER TABLE `organizations` ADD `routing_last_user_id` text;--> statement-breakpoint
ALTER TABLE `organizations` ADD `form_key` text;--> statement-breakpoint
ALTER TABLE `organizations` ADD `thank_you_url` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `organizations_form_key_uq` ON `organizations` (`form_key`);