DROP INDEX `accounts_client_lower`;--> statement-breakpoint
CREATE INDEX `accounts_client_lower` ON `accounts` (`team_id`,lower("client"),`client`,`id`);--> statement-breakpoint
DROP INDEX `enrollments_phone`;--> statement-breakpoint
CREATE INDEX `enrollments_phone` ON `enrollments` (`phone_id`,`account_id`);