DROP INDEX `accounts_client`;--> statement-breakpoint
CREATE INDEX `accounts_client_lower` ON `accounts` (`team_id`,lower("client"));--> statement-breakpoint
CREATE INDEX `phones_holder` ON `phones` (`holder_member_id`);