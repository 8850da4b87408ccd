CREATE TABLE `backup_code_sets` (
	`account_id` text PRIMARY KEY NOT NULL,
	`team_id` text NOT NULL,
	`updated_at` integer NOT NULL,
	`updated_by` text NOT NULL,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `backup_codes` ADD `reveal_id` text;--> statement-breakpoint
ALTER TABLE `events` ADD `detail` text;