DROP INDEX `outbox_phone`;--> statement-breakpoint
ALTER TABLE `outbox` ADD `code_version` integer;--> statement-breakpoint
CREATE INDEX `outbox_number` ON `outbox` (`to_number`,`created_at`);