ALTER TABLE `api_keys` ADD `scopes` text DEFAULT '["read","write","assign"]' NOT NULL;--> statement-breakpoint
-- Each key acts as an integration named like the key (src/intake/api-keys.ts): keys made before get their user row.
INSERT INTO `users` (`id`, `name`, `email`, `password_hash`, `time_zone`, `created_at`, `updated_at`)
SELECT `id`, `name`, 'api-key-' || `id` || '@integrations.invalid', '!', 'UTC', `created_at`, `created_at`
FROM `api_keys` WHERE `id` NOT IN (SELECT `id` FROM `users`);
