CREATE TABLE `inbound_addresses` (
	`org_id` text PRIMARY KEY NOT NULL,
	`local_part` text NOT NULL,
	`create_leads` integer DEFAULT false NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `inbound_addresses_local_part_uq` ON `inbound_addresses` (`local_part`);--> statement-breakpoint
CREATE TABLE `inbound_emails` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`message_key` text NOT NULL,
	`unmatched_reason` text,
	`direction` text NOT NULL,
	`from_address` text NOT NULL,
	`from_name` text NOT NULL,
	`parties` text NOT NULL,
	`member_id` text,
	`subject` text NOT NULL,
	`body` text NOT NULL,
	`sent_at` integer NOT NULL,
	`received_at` integer NOT NULL,
	`auth` text NOT NULL,
	`attachments` text NOT NULL,
	`lead_id` text,
	`communication_id` text,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`member_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`lead_id`) REFERENCES `leads`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `inbound_emails_message_uq` ON `inbound_emails` (`org_id`,`message_key`);--> statement-breakpoint
CREATE INDEX `inbound_emails_unmatched_idx` ON `inbound_emails` (`org_id`,`received_at`) WHERE "inbound_emails"."unmatched_reason" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `inbound_emails_communication_idx` ON `inbound_emails` (`communication_id`);--> statement-breakpoint
-- communications.author_id becomes nullable (an email no member sent). D1 ignores PRAGMA foreign_keys; nothing references
-- communications, so the rebuild needs no deferral beyond D1's own.
PRAGMA defer_foreign_keys = on;--> statement-breakpoint
CREATE TABLE `__new_communications` (
	`id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`lead_id` text NOT NULL,
	`author_id` text,
	`kind` text NOT NULL,
	`direction` text NOT NULL,
	`summary` text NOT NULL,
	`occurred_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`lead_id`) REFERENCES `leads`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_communications`("id", "org_id", "lead_id", "author_id", "kind", "direction", "summary", "occurred_at", "created_at", "updated_at") SELECT "id", "org_id", "lead_id", "author_id", "kind", "direction", "summary", "occurred_at", "created_at", "updated_at" FROM `communications`;--> statement-breakpoint
DROP TABLE `communications`;--> statement-breakpoint
ALTER TABLE `__new_communications` RENAME TO `communications`;--> statement-breakpoint
CREATE INDEX `communications_lead_idx` ON `communications` (`lead_id`,`occurred_at`);