DROP INDEX `leads_org_name_idx`;--> statement-breakpoint
CREATE INDEX `leads_org_name_idx` ON `leads` (`org_id`,"name" COLLATE NOCASE,`id`);