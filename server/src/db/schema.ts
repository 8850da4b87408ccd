import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

// Times are integer milliseconds since the epoch (UTC). Every row carries its team's id.

export const teams = sqliteTable('teams', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: integer('created_at').notNull(),
  // Exists only so that POST /v1/setup can be one conditional insert: at most one team per deployment.
  singleton: integer('singleton').notNull().default(1).unique(),
});

export const members = sqliteTable(
  'members',
  {
    id: text('id').primaryKey(),
    teamId: text('team_id')
      .notNull()
      .references(() => teams.id),
    name: text('name').notNull(),
    email: text('email').notNull(),
    role: text('role', { enum: ['owner', 'lead', 'member'] }).notNull(),
    passwordHash: text('password_hash').notNull(),
    createdAt: integer('created_at').notNull(),
    removedAt: integer('removed_at'),
    // What the name reads as (lib/name-key.ts), so no two active members read alike: the index decides it, also
    // between two accepts at once. Null for members who joined before it was kept (the accept checks them in code).
    nameKey: text('name_key'),
  },
  (t) => [
    uniqueIndex('members_active_email').on(t.teamId, t.email).where(sql`removed_at IS NULL`),
    uniqueIndex('members_active_name').on(t.teamId, t.nameKey).where(sql`removed_at IS NULL AND name_key IS NOT NULL`),
  ],
);

export const sessions = sqliteTable('sessions', {
  id: text('id').primaryKey(),
  teamId: text('team_id').notNull(),
  memberId: text('member_id')
    .notNull()
    .references(() => members.id),
  tokenHash: text('token_hash').notNull().unique(),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
  revokedAt: integer('revoked_at'),
});

export const invites = sqliteTable('invites', {
  id: text('id').primaryKey(),
  teamId: text('team_id').notNull(),
  email: text('email').notNull(),
  role: text('role', { enum: ['owner', 'lead', 'member'] }).notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  createdBy: text('created_by').notNull(),
  createdAt: integer('created_at').notNull(),
  expiresAt: integer('expires_at').notNull(),
  acceptedAt: integer('accepted_at'),
  // The member this invite became; later statements of the accepting batch key on it.
  memberId: text('member_id'),
  // Set by DELETE /v1/invites/:id, or when its creator is removed or no longer holds the role it grants.
  revokedAt: integer('revoked_at'),
});

export const signInFailures = sqliteTable(
  'sign_in_failures',
  { id: text('id').primaryKey(), email: text('email').notNull(), at: integer('at').notNull() },
  (t) => [index('sign_in_failures_email_at').on(t.email, t.at)],
);

export const accounts = sqliteTable(
  'accounts',
  {
    id: text('id').primaryKey(),
    teamId: text('team_id').notNull(),
    platform: text('platform').notNull(),
    handle: text('handle').notNull(),
    client: text('client'),
    loginName: text('login_name'),
    notes: text('notes'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    // Consecutive wrong codes across challenges; reset by a right one (DESIGN.md section 4).
    failedCodes: integer('failed_codes').notNull().default(0),
    lockedUntil: integer('locked_until'),
  },
  (t) => [
    uniqueIndex('accounts_handle').on(t.teamId, t.platform, t.handle),
    // The client's name and the id ride along so the report's count by client reads this index alone.
    index('accounts_client_lower').on(t.teamId, sql`lower(${t.client})`, t.client, t.id),
  ],
);

export const phones = sqliteTable(
  'phones',
  {
    id: text('id').primaryKey(),
    teamId: text('team_id').notNull(),
    number: text('number').notNull(),
    label: text('label'),
    holderMemberId: text('holder_member_id').references(() => members.id),
    holderName: text('holder_name'),
    verifiedAt: integer('verified_at'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('phones_number').on(t.teamId, t.number), index('phones_holder').on(t.holderMemberId)],
);

/** A row means two-step is on for that account, protected by that phone. */
export const enrollments = sqliteTable(
  'enrollments',
  {
    accountId: text('account_id')
      .primaryKey()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    teamId: text('team_id').notNull(),
    phoneId: text('phone_id')
      .notNull()
      .references(() => phones.id),
    verifiedAt: integer('verified_at'),
    enabledAt: integer('enabled_at').notNull(),
  },
  // With the account: whether a number protects another account is answered by this index alone (the report).
  (t) => [index('enrollments_phone').on(t.phoneId, t.accountId)],
);

export const grants = sqliteTable(
  'grants',
  {
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id),
    teamId: text('team_id').notNull(),
    grantedAt: integer('granted_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.memberId] }), index('grants_member').on(t.memberId)],
);

export const challenges = sqliteTable(
  'challenges',
  {
    id: text('id').primaryKey(),
    teamId: text('team_id').notNull(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    memberId: text('member_id').notNull(),
    purpose: text('purpose', { enum: ['enroll', 'change_number', 'unlock', 'disable'] }).notNull(),
    phoneId: text('phone_id')
      .notNull()
      .references(() => phones.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    // Bumped by every resend, so a verify that read an older code cannot consume the newer one.
    codeVersion: integer('code_version').notNull().default(0),
    attempts: integer('attempts').notNull().default(0),
    resends: integer('resends').notNull().default(0),
    status: text('status', { enum: ['pending', 'verified', 'locked'] })
      .notNull()
      .default('pending'),
    createdAt: integer('created_at').notNull(),
    sentAt: integer('sent_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    // Set by the verify that decided this challenge's last attempt: later statements of the same batch key on it.
    attemptNonce: text('attempt_nonce'),
    // change_number: the phone that protected the account when it was asked for; the code applies only while it still does.
    replacesPhoneId: text('replaces_phone_id'),
    // Set when two-step changed under an open challenge (forced off, disabled, number changed): it is dead for good.
    closedAt: integer('closed_at'),
  },
  (t) => [index('challenges_account').on(t.accountId, t.purpose, t.status)],
);

/** Transactional outbox: written in the same batch as the challenge; doubles as the send log for rate limits. */
export const outbox = sqliteTable(
  'outbox',
  {
    id: text('id').primaryKey(),
    teamId: text('team_id').notNull(),
    // 'probe': never sent, it only spends a member's budget (services/enroll-phone.ts).
    kind: text('kind', { enum: ['code', 'notice', 'probe'] }).notNull(),
    challengeId: text('challenge_id'),
    phoneId: text('phone_id').notNull(),
    memberId: text('member_id'),
    toNumber: text('to_number').notNull(),
    // AES-GCM ciphertext of the message; erased once delivered or dead.
    bodyEnc: text('body_enc'),
    // For a code: the challenge's code version it carries; a message for an older code is never sent.
    codeVersion: integer('code_version'),
    status: text('status', { enum: ['queued', 'sent', 'dead'] })
      .notNull()
      .default('queued'),
    tries: integer('tries').notNull().default(0),
    nextAttemptAt: integer('next_attempt_at').notNull(),
    leaseUntil: integer('lease_until'),
    lastError: text('last_error'),
    providerId: text('provider_id'),
    createdAt: integer('created_at').notNull(),
    sentAt: integer('sent_at'),
  },
  (t) => [
    index('outbox_due').on(t.status, t.nextAttemptAt),
    // Send budgets count by number, not phone row: deleting and re-adding a phone must not reset them.
    index('outbox_number').on(t.toNumber, t.createdAt),
    index('outbox_member').on(t.memberId, t.createdAt),
    // A challenge's delivery state and the members' share queries find its messages by this.
    index('outbox_challenge').on(t.challengeId, t.createdAt),
  ],
);

/** Only written in SMS_PROVIDER=outbox mode: the one place a code is readable, for development. */
export const devOutbox = sqliteTable(
  'dev_outbox',
  {
    id: text('id').primaryKey(),
    teamId: text('team_id').notNull(),
    toNumber: text('to_number').notNull(),
    body: text('body').notNull(),
    at: integer('at').notNull(),
  },
  // The day's prune runs in every send's sent batch, and the owner reads the team's newest: both by time.
  (table) => [index('dev_outbox_team_at').on(table.teamId, table.at), index('dev_outbox_at').on(table.at)],
);

export const unlocks = sqliteTable(
  'unlocks',
  {
    id: text('id').primaryKey(),
    teamId: text('team_id').notNull(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    memberId: text('member_id').notNull(),
    until: integer('until').notNull(),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [index('unlocks_member_account').on(t.memberId, t.accountId, t.until)],
);

export const secrets = sqliteTable('secrets', {
  accountId: text('account_id')
    .primaryKey()
    .references(() => accounts.id, { onDelete: 'cascade' }),
  teamId: text('team_id').notNull(),
  passwordEnc: text('password_enc').notNull(),
  updatedAt: integer('updated_at').notNull(),
  updatedBy: text('updated_by').notNull(),
});

export const backupCodeSets = sqliteTable('backup_code_sets', {
  accountId: text('account_id')
    .primaryKey()
    .references(() => accounts.id, { onDelete: 'cascade' }),
  teamId: text('team_id').notNull(),
  updatedAt: integer('updated_at').notNull(),
  updatedBy: text('updated_by').notNull(),
});

export const backupCodes = sqliteTable(
  'backup_codes',
  {
    id: text('id').primaryKey(),
    teamId: text('team_id').notNull(),
    accountId: text('account_id')
      .notNull()
      .references(() => accounts.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    codeEnc: text('code_enc').notNull(),
    createdAt: integer('created_at').notNull(),
    usedAt: integer('used_at'),
    usedBy: text('used_by'),
    // Set by the reveal that claimed this code; later statements of the same batch key on it.
    revealId: text('reveal_id'),
  },
  (t) => [index('backup_codes_account').on(t.accountId, t.usedAt)],
);

/** Append-only (a trigger refuses UPDATE and DELETE). Never a code, a password or a full number. */
export const events = sqliteTable(
  'events',
  {
    id: text('id').primaryKey(),
    teamId: text('team_id').notNull(),
    at: integer('at').notNull(),
    actor: text('actor'),
    action: text('action').notNull(),
    target: text('target'),
    result: text('result').notNull(),
    ip: text('ip'),
    accountId: text('account_id'),
    // Free text a person gave for the action (a reveal's or a forced removal's reason). Never a secret.
    detail: text('detail'),
  },
  (t) => [index('events_actor').on(t.actor, t.id), index('events_account').on(t.accountId, t.id)],
);
