CREATE TABLE `import_mappings` (
	`org_id` text NOT NULL,
	`headers_key` text NOT NULL,
	`mapping` text NOT NULL,
	`updated_by` text,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`org_id`, `headers_key`),
	FOREIGN KEY (`org_id`) REFERENCES `organizations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `import_undo_chunks` (
	`job_id` text NOT NULL,
	`seq` integer NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`job_id`, `seq`),
	FOREIGN KEY (`job_id`) REFERENCES `import_jobs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `import_uploads` (
	`job_id` text NOT NULL,
	`part` integer NOT NULL,
	`text` text NOT NULL,
	PRIMARY KEY(`job_id`, `part`),
	FOREIGN KEY (`job_id`) REFERENCES `import_jobs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `import_job_chunks` ADD `lead_ids` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `import_jobs` ADD `encoding` text DEFAULT 'UTF-8' NOT NULL;--> statement-breakpoint
ALTER TABLE `import_jobs` ADD `options` text;--> statement-breakpoint
ALTER TABLE `import_jobs` ADD `undo_status` text;--> statement-breakpoint
ALTER TABLE `import_jobs` ADD `undone_by` text REFERENCES users(id);--> statement-breakpoint
ALTER TABLE `import_jobs` ADD `undone_at` integer;--> statement-breakpoint
ALTER TABLE `import_jobs` ADD `undo_processed` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `import_jobs` ADD `undo_archived` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `leads` ADD `archived_at` integer;--> statement-breakpoint
ALTER TABLE `leads` ADD `archived_by` text REFERENCES users(id);