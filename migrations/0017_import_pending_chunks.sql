CREATE TABLE `import_pending_chunks` (
	`job_id` text NOT NULL,
	`kind` text NOT NULL,
	`seq` integer NOT NULL,
	`rows` text NOT NULL,
	`sends` integer DEFAULT 1 NOT NULL,
	`sent_at` integer NOT NULL,
	`last_error` text,
	PRIMARY KEY(`job_id`, `kind`, `seq`),
	FOREIGN KEY (`job_id`) REFERENCES `import_jobs`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
-- Undos already running when this table arrives: their chunks not undone yet become pending, so the sweep resumes them.
INSERT INTO `import_pending_chunks` (`job_id`, `kind`, `seq`, `rows`, `sends`, `sent_at`)
SELECT c.`job_id`, 'undo', c.`seq`, '[]', 1, 0 FROM `import_job_chunks` c
JOIN `import_jobs` j ON j.`id` = c.`job_id`
WHERE j.`undo_status` = 'processing'
  AND NOT EXISTS (SELECT 1 FROM `import_undo_chunks` u WHERE u.`job_id` = c.`job_id` AND u.`seq` = c.`seq`);
