CREATE TABLE `lead_handoffs` (
	`lead_id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`from_user_id` text NOT NULL,
	`to_user_id` text NOT NULL,
	`by_user_id` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	`acknowledged_at` integer,
	`reminded_at` integer,
	FOREIGN KEY (`lead_id`) REFERENCES `leads`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`from_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`to_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`by_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `lead_handoffs_waiting_idx` ON `lead_handoffs` (`org_id`,`acknowledged_at`,`created_at`);--> statement-breakpoint
CREATE INDEX `lead_handoffs_to_idx` ON `lead_handoffs` (`to_user_id`);--> statement-breakpoint
CREATE TABLE `reassignment_requests` (
	`lead_id` text PRIMARY KEY NOT NULL,
	`org_id` text NOT NULL,
	`requested_by` text NOT NULL,
	`note` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`lead_id`) REFERENCES `leads`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`requested_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `reassignment_requests_org_idx` ON `reassignment_requests` (`org_id`,`created_at`);--> statement-breakpoint
ALTER TABLE `organizations` ADD `handoff_ack_hours` integer DEFAULT 24 NOT NULL;--> statement-breakpoint
ALTER TABLE `organizations` ADD `agents_may_hand_off` integer DEFAULT false NOT NULL;