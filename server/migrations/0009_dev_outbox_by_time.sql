CREATE INDEX `dev_outbox_team_at` ON `dev_outbox` (`team_id`,`at`);--> statement-breakpoint
CREATE INDEX `dev_outbox_at` ON `dev_outbox` (`at`);