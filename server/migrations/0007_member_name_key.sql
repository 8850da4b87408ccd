ALTER TABLE `members` ADD `name_key` text;--> statement-breakpoint
CREATE UNIQUE INDEX `members_active_name` ON `members` (`team_id`,`name_key`) WHERE removed_at IS NULL AND name_key IS NOT NULL;