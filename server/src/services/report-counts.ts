import { type FindingKind, findingKinds, limits } from '@twostep/shared';
import { asc, eq, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/db.ts';
import { accounts, enrollments, phones, teams } from '../db/schema.ts';
import { statusIs } from './accounts.ts';
import { accountKindConditions, phoneKindConditions, severityOf } from './report-findings.ts';

// The report's exact counts (DESIGN.md section 8), always over the whole team: two passes over the accounts
// (by platform, with every account finding kind counted on the way, and by client) and one over the phones.

const sumWhere = (condition: SQL, name: string) =>
  sql<number>`coalesce(sum(CASE WHEN ${condition} THEN 1 ELSE 0 END), 0)`.as(name);

function tally(now: number) {
  return {
    accounts: sql<number>`count(*)`.as('n_accounts'),
    on: sumWhere(statusIs('on', now), 'n_on'),
    pending: sumWhere(statusIs('pending', now), 'n_pending'),
  };
}

export function countQueries(db: Db, teamId: string, now: number) {
  // Off and pending are the tallies themselves, and wide access is counted from the grants, not account by account.
  const { two_step_off: _off, two_step_pending: _pending, wide_access: _wide, ...kinds } = accountKindConditions(now);
  const kindCounts = Object.fromEntries(
    Object.entries(kinds).map(([kind, condition]) => [kind, sumWhere(condition, `k_${kind}`)]),
  ) as Record<keyof typeof kinds, SQL.Aliased<number>>;
  const phoneKinds = phoneKindConditions();
  const clientKey = sql`lower(${accounts.client})`;
  return [
    db
      .select({ platform: accounts.platform, ...tally(now), ...kindCounts })
      .from(accounts)
      .leftJoin(enrollments, eq(enrollments.accountId, accounts.id))
      .leftJoin(phones, eq(phones.id, enrollments.phoneId))
      .where(eq(accounts.teamId, teamId))
      .groupBy(accounts.platform)
      .orderBy(asc(accounts.platform)),
    // Clients group case-insensitively, as the account list's client filter matches them; accounts without one last.
    db
      .select({ client: sql<string | null>`min(${accounts.client})`.as('client_name'), ...tally(now) })
      .from(accounts)
      .leftJoin(enrollments, eq(enrollments.accountId, accounts.id))
      .where(eq(accounts.teamId, teamId))
      .groupBy(clientKey)
      .orderBy(sql`${clientKey} IS NULL`, clientKey),
    // The phone kinds without walking the team's phones: holders who left are few (members first, then their
    // phones by phones_holder), and a number on two platforms protects two accounts (enrollments_phone, one pass).
    db
      .select({
        holder_left_team: sql<number>`(SELECT count(*) FROM members m CROSS JOIN phones
          ON phones.holder_member_id = m.id WHERE m.removed_at IS NOT NULL AND phones.team_id = ${teamId})`.as(
          'k_holder_left_team',
        ),
        number_shared_across_platforms: sql<number>`(SELECT count(*) FROM (SELECT e.phone_id FROM enrollments e
          GROUP BY e.phone_id HAVING count(*) > 1) several CROSS JOIN phones ON phones.id = several.phone_id
          WHERE phones.team_id = ${teamId} AND ${phoneKinds.number_shared_across_platforms})`.as(
          'k_number_shared_across_platforms',
        ),
        wide_access: sql<number>`(SELECT count(*) FROM (SELECT g.account_id FROM grants g
          JOIN members m ON m.id = g.member_id AND m.removed_at IS NULL
          WHERE g.team_id = ${teamId} GROUP BY g.account_id HAVING count(*) > ${limits.wideAccessMembers}))`.as(
          'k_wide_access',
        ),
      })
      .from(teams)
      .where(eq(teams.id, teamId)),
  ] as const;
}

type CountRows = Awaited<ReturnType<typeof countQueries>[number]>;

/** Every kind with its severity and exact count, in report order (kinds without findings count 0). */
export function findingCounts(
  byPlatform: (Partial<Record<FindingKind, unknown>> & { accounts: number; on: number; pending: number })[],
  phoneRow: CountRows[number],
) {
  const tallies = byPlatform.map((row) => ({
    ...row,
    two_step_off: Number(row.accounts) - Number(row.on) - Number(row.pending),
    two_step_pending: Number(row.pending),
  }));
  const total = (kind: FindingKind) =>
    [...tallies, phoneRow as Partial<Record<FindingKind, unknown>>].reduce(
      (sum, row) => sum + Number(row[kind] ?? 0),
      0,
    );
  return findingKinds.map((kind) => ({ kind, severity: severityOf[kind], count: total(kind) }));
}
