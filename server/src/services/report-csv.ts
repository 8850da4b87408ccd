import { type FindingKind, findingKinds } from '@twostep/shared';
import { asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/db.ts';
import { accounts, enrollments, phones } from '../db/schema.ts';
import {
  accountFindingColumns,
  accountKindConditions,
  activeGrants,
  type FindingQueryRow,
  lastEnteredCode,
  othersOnPlatform,
  unusedBackupCodes,
} from './report-findings.ts';

// Every account finding of a team in one pass over its accounts (the CSV): each kind's condition is the one the
// report's pages use (accountKindConditions), evaluated once per account into a bit of `kinds`, instead of one
// walk of the team per kind. Rows come in the pages' order (platform, handle); the caller buckets them by kind.

const accountKinds = Object.keys(accountKindConditions(0)) as (keyof ReturnType<typeof accountKindConditions>)[];

const columns = [
  'account_id',
  'platform',
  'handle',
  'client',
  'phone_id',
  'phone_number',
  'last_code',
  'unused',
  'granted',
  'others',
  'kinds',
] as const;
type Raw = Record<(typeof columns)[number], string | number | null>;

export function accountFindingsQuery(db: Db, teamId: string, now: number) {
  const conditions = accountKindConditions(now);
  const bits = accountKinds.map((kind, bit) => sql`(CASE WHEN ${conditions[kind]} THEN ${1 << bit} ELSE 0 END)`);
  const query = db
    .select({
      ...accountFindingColumns(),
      lastCode: sql<number>`${lastEnteredCode}`.as('last_code'),
      unused: sql<number>`${unusedBackupCodes}`.as('unused'),
      granted: sql<number>`${activeGrants}`.as('granted'),
      others: sql<string | null>`${othersOnPlatform}`.as('others'),
      // No WHERE on it: SQLite would evaluate every condition twice. Accounts without a finding are skipped below.
      kinds: sql<number>`${sql.join(bits, sql` + `)}`.as('kinds'),
    })
    .from(accounts)
    .leftJoin(enrollments, eq(enrollments.accountId, accounts.id))
    .leftJoin(phones, eq(phones.id, enrollments.phoneId))
    .where(eq(accounts.teamId, teamId))
    .orderBy(asc(accounts.platform), asc(accounts.handle));
  // Raw rows: up to the whole team comes back, and drizzle's per-field mapping would cost more than the query.
  return db.all<Raw | unknown[]>(query.getSQL());
}

// A raw select run inside a batch answers objects on libSQL and value arrays (in column order) on D1.
const asObject = (row: Raw | unknown[]): Raw =>
  Array.isArray(row) ? (Object.fromEntries(columns.map((name, i) => [name, row[i]])) as Raw) : row;

/** The pass's rows as each kind's own query names them (a kind's extra column set only for that kind). */
export function bucketAccountFindings(rows: (Raw | unknown[])[]): Map<FindingKind, FindingQueryRow[]> {
  const buckets = new Map<FindingKind, FindingQueryRow[]>(findingKinds.map((kind) => [kind, []]));
  for (const raw of rows) {
    const row = asObject(raw);
    const kinds = Number(row.kinds);
    accountKinds.forEach((kind, bit) => {
      if (!(kinds & (1 << bit))) return;
      buckets.get(kind)!.push({
        accountId: row.account_id,
        platform: row.platform,
        handle: row.handle,
        client: row.client,
        phoneId: row.phone_id,
        number: row.phone_number,
        memberId: null,
        memberName: null,
        protects: null,
        platforms: null,
        lastCode: kind === 'number_unverified_90d' ? row.last_code : null,
        unused: kind === 'backup_codes_low' ? row.unused : null,
        granted: kind === 'wide_access' ? row.granted : null,
        others: kind === 'number_shared_on_platform' ? row.others : null,
      } as FindingQueryRow);
    });
  }
  return buckets;
}
