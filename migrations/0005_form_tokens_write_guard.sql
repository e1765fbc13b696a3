CREATE TABLE `form_tokens` (
	`scope` text NOT NULL,
	`key` text NOT NULL,
	`location` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`scope`, `key`)
);
--> statement-breakpoint
CREATE INDEX `form_tokens_created_idx` ON `form_tokens` (`created_at`);--> statement-breakpoint
CREATE TABLE `stale_write_guard` (
	`stale` integer NOT NULL,
	CONSTRAINT "stale_write" CHECK("stale_write_guard"."stale" = 0)
);
