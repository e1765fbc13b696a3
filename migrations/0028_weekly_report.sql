ALTER TABLE `notification_settings` ADD `weekly_report` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `notification_settings` ADD `weekly_sent_on` text;