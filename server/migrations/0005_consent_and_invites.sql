ALTER TABLE `challenges` ADD `replaces_phone_id` text;--> statement-breakpoint
ALTER TABLE `challenges` ADD `closed_at` integer;--> statement-breakpoint
ALTER TABLE `invites` ADD `revoked_at` integer;