import { type FindingKind, findingKinds, limits, type Platform, type Severity } from '@twostep/shared';
import { and, asc, eq, isNotNull, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/db.ts';
import { accounts, enrollments, members, phones } from '../db/schema.ts';
import { statusIs } from './accounts.ts';

// The queries behind the findings of DESIGN.md section 8: each returns only the rows that are a finding, in
// the report's stable order (account findings by platform and handle, phone findings by phone id), from a
// cursor and up to a limit, so a page reads a page and never the team's whole list.
// Columns that share a name across the joined tables are aliased: D1 maps a batched select's columns by name.

const dayMs = 24 * 60 * 60_000;

export const severityOf: Record<FindingKind, Severity> = {
  two_step_off: 'high',
  number_shared_on_platform: 'high',
  holder_left_team: 'high',
  two_step_pending: 'medium',
  number_unverified_90d: 'medium',
  backup_codes_missing: 'medium',
  backup_codes_low: 'medium',
  number_shared_across_platforms: 'low',
  wide_access: 'low',
};
const phoneKinds: ReadonlySet<FindingKind> = new Set(['holder_left_team', 'number_shared_across_platforms']);

/** Where a page starts: after this key of this kind (kinds come in `findingKinds` order). */
export type FindingKey = { kind: number; first: string; second: string };
export type FindingFilters = { kind?: FindingKind; severity?: Severity; platform?: Platform; client?: string };

const hasBackupCodes = sql`EXISTS (SELECT 1 FROM backup_codes b WHERE b.account_id = ${accounts.id})`;
export const unusedBackupCodes = sql<number>`(SELECT count(*) FROM backup_codes b WHERE b.account_id = ${accounts.id} AND b.used_at IS NULL)`;
// The other account is ruled out on the enrollment (e2.account_id, in the enrollments_phone index) before its
// platform is looked up: a number protecting one account, the common case, costs one index probe.
const sharesNumberOnPlatform = sql`EXISTS (SELECT 1 FROM enrollments e2 JOIN accounts a2 ON a2.id = e2.account_id
  WHERE e2.phone_id = ${enrollments.phoneId} AND e2.account_id <> ${accounts.id} AND a2.platform = ${accounts.platform})`;
/** The other handles on the same number and platform, comma-separated (a handle never holds a comma). */
export const othersOnPlatform = sql<
  string | null
>`(SELECT group_concat(a2.handle) FROM enrollments e2 JOIN accounts a2 ON a2.id = e2.account_id
  WHERE e2.phone_id = ${enrollments.phoneId} AND e2.account_id <> ${accounts.id} AND a2.platform = ${accounts.platform})`;
/** The last time a code sent to the protecting phone was entered, for this account or any other (0: never). */
/** The account and its phone, the first columns of an account's finding (the report's pages and the CSV). */
export const accountFindingColumns = () => ({
  accountId: sql<string>`${accounts.id}`.as('account_id'),
  platform: sql<string>`${accounts.platform}`.as('platform'),
  handle: sql<string>`${accounts.handle}`.as('handle'),
  client: sql<string | null>`${accounts.client}`.as('client'),
  phoneId: sql<string | null>`${phones.id}`.as('phone_id'),
  number: sql<string | null>`${phones.number}`.as('phone_number'),
});
export const lastEnteredCode = sql<number>`max(coalesce(${enrollments.verifiedAt}, 0), coalesce(${phones.verifiedAt}, 0))`;
export const activeGrants = sql<number>`(SELECT count(*) FROM grants g JOIN members m ON m.id = g.member_id
  WHERE g.account_id = ${accounts.id} AND m.removed_at IS NULL)`;
const platformCount = sql<number>`(SELECT count(DISTINCT a.platform) FROM enrollments e JOIN accounts a ON a.id = e.account_id
  WHERE e.phone_id = ${phones.id})`;
const protectedCount = sql<number>`(SELECT count(*) FROM enrollments e WHERE e.phone_id = ${phones.id})`;

/** The condition that makes an account (joined with its enrollment and phone) a finding of each account kind. */
export function accountKindConditions(now: number) {
  const on = statusIs('on', now);
  return {
    two_step_off: statusIs('off', now),
    two_step_pending: statusIs('pending', now),
    number_shared_on_platform: sql`${on} AND ${sharesNumberOnPlatform}`,
    number_unverified_90d: sql`${on} AND ${lastEnteredCode} < ${now - limits.unverifiedDays * dayMs}`,
    backup_codes_missing: sql`${on} AND NOT ${hasBackupCodes}`,
    backup_codes_low: sql`${on} AND ${hasBackupCodes} AND ${unusedBackupCodes} <= ${limits.lowBackupCodes}`,
    wide_access: sql`${activeGrants} > ${limits.wideAccessMembers}`,
  } satisfies Partial<Record<FindingKind, SQL>>;
}

/** The phone kinds' conditions, on a row of `phones`. */
export function phoneKindConditions() {
  return {
    holder_left_team: sql`EXISTS (SELECT 1 FROM members m WHERE m.id = ${phones.holderMemberId} AND m.removed_at IS NOT NULL)`,
    // Two platforms need two accounts: the count of the number's enrollments (enrollments_phone alone) first, so
    // a number protecting one account never looks its account up.
    number_shared_across_platforms: sql`${protectedCount} > 1 AND ${platformCount} > 1`,
  } satisfies Partial<Record<FindingKind, SQL>>;
}

function accountFilters(filters: FindingFilters) {
  const list: SQL[] = [];
  if (filters.platform) list.push(eq(accounts.platform, filters.platform));
  if (filters.client) list.push(sql`lower(${accounts.client}) = lower(${filters.client})`);
  return list;
}

/** A phone finding matches a platform or client filter when the phone protects an account that matches. */
function phoneFilters(filters: FindingFilters) {
  const on = [
    filters.platform ? sql`AND a.platform = ${filters.platform}` : sql``,
    filters.client ? sql`AND lower(a.client) = lower(${filters.client})` : sql``,
  ];
  if (!filters.platform && !filters.client) return [];
  return [
    sql`EXISTS (SELECT 1 FROM enrollments e JOIN accounts a ON a.id = e.account_id WHERE e.phone_id = ${phones.id} ${on[0]} ${on[1]})`,
  ];
}

/** The kinds a request asks for, in report order (high, medium, low), each with where it starts. */
export function kindsToRead(filters: FindingFilters, after?: FindingKey) {
  return findingKinds.flatMap((kind, index) => {
    if (filters.kind && filters.kind !== kind) return [];
    if (filters.severity && filters.severity !== severityOf[kind]) return [];
    if (after && index < after.kind) return [];
    return [{ kind, index, after: after && index === after.kind ? after : undefined }];
  });
}

/** One kind's findings after `after`, at most `limit` of them (all of them without a limit). */
export function findingQuery(
  db: Db,
  teamId: string,
  now: number,
  kind: FindingKind,
  page: { filters: FindingFilters; after?: FindingKey; limit?: number },
) {
  if (phoneKinds.has(kind)) {
    const conditions = phoneKindConditions();
    const where = [
      // Unary +: walk the phones in id order (the page's order) instead of sorting the team's phones.
      sql`+${phones.teamId} = ${teamId}`,
      conditions[kind as keyof typeof conditions],
      ...phoneFilters(page.filters),
    ];
    if (page.after) where.push(sql`${phones.id} > ${page.after.first}`);
    const query = db
      .select({
        accountId: sql<null>`NULL`.as('account_id'),
        platform: sql<null>`NULL`.as('platform'),
        handle: sql<null>`NULL`.as('handle'),
        client: sql<null>`NULL`.as('client'),
        phoneId: sql<string>`${phones.id}`.as('phone_id'),
        number: sql<string>`${phones.number}`.as('phone_number'),
        memberId: (kind === 'holder_left_team' ? sql<string | null>`${members.id}` : sql<null>`NULL`).as('member_id'),
        memberName: (kind === 'holder_left_team' ? sql<string | null>`${members.name}` : sql<null>`NULL`).as(
          'member_name',
        ),
        protects: protectedCount.as('protects'),
        platforms:
          kind === 'number_shared_across_platforms'
            ? sql<
                string | null
              >`(SELECT group_concat(DISTINCT a.platform) FROM enrollments e JOIN accounts a ON a.id = e.account_id WHERE e.phone_id = ${phones.id})`.as(
                'platform_list',
              )
            : sql<string | null>`NULL`.as('platform_list'),
        lastCode: sql<null>`NULL`.as('last_code'),
        unused: sql<null>`NULL`.as('unused'),
        granted: sql<null>`NULL`.as('granted'),
        others: sql<null>`NULL`.as('others'),
      })
      .from(phones)
      .leftJoin(members, and(eq(members.id, phones.holderMemberId), isNotNull(members.removedAt)))
      .where(and(...where))
      .orderBy(asc(phones.id))
      .$dynamic();
    return page.limit === undefined ? query : query.limit(page.limit);
  }
  const conditions = accountKindConditions(now);
  const where = [
    eq(accounts.teamId, teamId),
    conditions[kind as keyof typeof conditions],
    ...accountFilters(page.filters),
  ];
  if (page.after)
    where.push(sql`(${accounts.platform}, ${accounts.handle}) > (${page.after.first}, ${page.after.second})`);
  const onlyFor = <T>(kinds: FindingKind[], value: SQL<T>, name: string) =>
    (kinds.includes(kind) ? value : sql<null>`NULL`).as(name);
  const query = db
    .select({
      ...accountFindingColumns(),
      memberId: sql<null>`NULL`.as('member_id'),
      memberName: sql<null>`NULL`.as('member_name'),
      protects: sql<null>`NULL`.as('protects'),
      platforms: sql<null>`NULL`.as('platform_list'),
      lastCode: onlyFor(['number_unverified_90d'], lastEnteredCode, 'last_code'),
      unused: onlyFor(['backup_codes_low'], unusedBackupCodes, 'unused'),
      granted: onlyFor(['wide_access'], activeGrants, 'granted'),
      others: onlyFor(['number_shared_on_platform'], othersOnPlatform, 'others'),
    })
    .from(accounts)
    .leftJoin(enrollments, eq(enrollments.accountId, accounts.id))
    .leftJoin(phones, eq(phones.id, enrollments.phoneId))
    .where(and(...where))
    .orderBy(asc(accounts.platform), asc(accounts.handle))
    .$dynamic();
  return page.limit === undefined ? query : query.limit(page.limit);
}

export type FindingQueryRow = Awaited<ReturnType<typeof findingQuery>>[number];

/** The key a page after this row starts from. */
export function keyOf(kindIndex: number, row: FindingQueryRow): FindingKey {
  return row.accountId
    ? { kind: kindIndex, first: row.platform ?? '', second: row.handle ?? '' }
    : { kind: kindIndex, first: row.phoneId ?? '', second: '' };
}

export function encodeFindingCursor(key: FindingKey): string {
  return btoa(JSON.stringify([key.kind, key.first, key.second])).replace(/=+$/, '');
}

export function decodeFindingCursor(cursor: string): FindingKey | null {
  try {
    const value: unknown = JSON.parse(atob(cursor));
    if (!Array.isArray(value) || value.length !== 3) return null;
    const [kind, first, second] = value as unknown[];
    if (!Number.isInteger(kind) || (kind as number) < 0 || (kind as number) >= findingKinds.length) return null;
    if (typeof first !== 'string' || typeof second !== 'string') return null;
    return { kind: kind as number, first, second };
  } catch {
    return null;
  }
}
