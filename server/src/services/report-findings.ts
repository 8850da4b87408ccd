import { limits } from '@twostep/shared';
import { and, asc, eq, isNotNull, isNull, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/db.ts';
import { accounts, enrollments, grants, members, phones } from '../db/schema.ts';
import { statusIs } from './accounts.ts';

// The queries behind the findings of DESIGN.md section 8: each returns only the rows that are a finding.
// Columns that share a name across the joined tables are aliased: D1 maps a batched select's columns by name.

const dayMs = 24 * 60 * 60_000;

const hasBackupCodes = sql`EXISTS (SELECT 1 FROM backup_codes b WHERE b.account_id = ${accounts.id})`;
const unusedBackupCodes = sql<number>`(SELECT count(*) FROM backup_codes b WHERE b.account_id = ${accounts.id} AND b.used_at IS NULL)`;
const sharesNumberOnPlatform = sql`EXISTS (SELECT 1 FROM enrollments e2 JOIN accounts a2 ON a2.id = e2.account_id
  WHERE e2.phone_id = ${enrollments.phoneId} AND a2.platform = ${accounts.platform} AND a2.id <> ${accounts.id})`;
/** The last time a code sent to the protecting phone was entered, for this account or any other (0: never). */
const lastEnteredCode = sql<number>`max(coalesce(${enrollments.verifiedAt}, 0), coalesce(${phones.verifiedAt}, 0))`;

const accountColumns = {
  accountId: accounts.id,
  platform: accounts.platform,
  handle: accounts.handle,
  client: accounts.client,
};

/** Every finding query of one team at one instant, in one batch: one snapshot, one round trip. */
export function findingQueries(db: Db, teamId: string, now: number) {
  const team = eq(accounts.teamId, teamId);
  const on = statusIs('on', now);
  // One column set for every account finding: the scalar subqueries run only for the rows that are findings.
  const accountFinding = (where: SQL) =>
    db
      .select({
        ...accountColumns,
        phoneId: sql<string>`${phones.id}`.as('phone_id'),
        number: sql<string>`${phones.number}`.as('phone_number'),
        lastCode: lastEnteredCode.as('last_code'),
        unused: unusedBackupCodes.as('unused'),
      })
      .from(accounts)
      .leftJoin(enrollments, eq(enrollments.accountId, accounts.id))
      .leftJoin(phones, eq(phones.id, enrollments.phoneId))
      .where(and(team, where))
      .orderBy(asc(accounts.platform), asc(accounts.handle));
  const unverifiedSince = now - limits.unverifiedDays * dayMs;
  return [
    accountFinding(statusIs('off', now)),
    accountFinding(statusIs('pending', now)),
    accountFinding(sql`${on} AND ${sharesNumberOnPlatform}`),
    accountFinding(sql`${on} AND ${lastEnteredCode} < ${unverifiedSince}`),
    accountFinding(sql`${on} AND NOT ${hasBackupCodes}`),
    accountFinding(sql`${on} AND ${hasBackupCodes} AND ${unusedBackupCodes} <= ${limits.lowBackupCodes}`),
    db
      .select({
        phoneId: phones.id,
        number: phones.number,
        platforms: sql<string>`group_concat(DISTINCT ${accounts.platform})`.as('platform_list'),
        protects: sql<number>`count(*)`.as('protects'),
      })
      .from(enrollments)
      .innerJoin(phones, eq(phones.id, enrollments.phoneId))
      .innerJoin(accounts, eq(accounts.id, enrollments.accountId))
      .where(eq(phones.teamId, teamId))
      .groupBy(phones.id)
      .having(sql`count(DISTINCT ${accounts.platform}) > 1`)
      .orderBy(asc(phones.number)),
    db
      .select({
        phoneId: phones.id,
        number: phones.number,
        memberId: sql<string>`${members.id}`.as('member_id'),
        name: members.name,
        protects: sql<number>`(SELECT count(*) FROM enrollments e WHERE e.phone_id = ${phones.id})`.as('protects'),
      })
      .from(phones)
      .innerJoin(members, eq(members.id, phones.holderMemberId))
      .where(and(eq(phones.teamId, teamId), isNotNull(members.removedAt)))
      .orderBy(asc(phones.number)),
    db
      .select({ ...accountColumns, granted: sql<number>`count(*)`.as('granted') })
      .from(grants)
      .innerJoin(accounts, eq(accounts.id, grants.accountId))
      .innerJoin(members, and(eq(members.id, grants.memberId), isNull(members.removedAt)))
      .where(team)
      .groupBy(accounts.id)
      .having(sql`count(*) > ${limits.wideAccessMembers}`)
      .orderBy(asc(accounts.platform), asc(accounts.handle)),
  ] as const;
}

/** Accounts, on and pending per platform and per client, counted by SQL (off is the rest). */
export function countQueries(db: Db, teamId: string, now: number) {
  const sumWhere = (condition: SQL, name: string) =>
    sql<number>`coalesce(sum(CASE WHEN ${condition} THEN 1 ELSE 0 END), 0)`.as(name);
  const tally = () => ({
    accounts: sql<number>`count(*)`.as('n_accounts'),
    on: sumWhere(statusIs('on', now), 'n_on'),
    pending: sumWhere(statusIs('pending', now), 'n_pending'),
  });
  const clientKey = sql`lower(${accounts.client})`;
  return [
    db
      .select({ platform: accounts.platform, ...tally() })
      .from(accounts)
      .leftJoin(enrollments, eq(enrollments.accountId, accounts.id))
      .where(eq(accounts.teamId, teamId))
      .groupBy(accounts.platform)
      .orderBy(asc(accounts.platform)),
    // Clients group case-insensitively, as the account list's client filter matches them; accounts without one last.
    db
      .select({ client: sql<string | null>`min(${accounts.client})`.as('client_name'), ...tally() })
      .from(accounts)
      .leftJoin(enrollments, eq(enrollments.accountId, accounts.id))
      .where(eq(accounts.teamId, teamId))
      .groupBy(clientKey)
      .orderBy(sql`${clientKey} IS NULL`, clientKey),
  ] as const;
}
