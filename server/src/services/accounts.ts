import type { Account, Platform, TwoStepStatus } from '@twostep/shared';
import { and, eq, type SQL, sql } from 'drizzle-orm';
import { type Db, firstRow } from '../db/db.ts';
import { accounts, enrollments } from '../db/schema.ts';
import { maskPhone } from '../lib/phone.ts';

/** Who is asking: leads and owners see every account of the team, a member only the granted ones. */
export type Viewer = { teamId: string; memberId: string; lead: boolean; now: number };

export function visibleTo(viewer: Viewer): SQL {
  if (viewer.lead) return eq(accounts.teamId, viewer.teamId);
  // Driven from the member's grants (grants_member index, then the accounts by id): the unary + keeps SQLite from
  // walking the whole team in page order and checking each account for a grant.
  return sql`+${accounts.teamId} = ${viewer.teamId}
    AND ${accounts.id} IN (SELECT g.account_id FROM grants g WHERE g.member_id = ${viewer.memberId})`;
}

/** Pending = no enrollment yet, and an unexpired enroll challenge is open (DESIGN.md section 8). */
export const pendingEnroll = (now: number) =>
  sql<number>`EXISTS (SELECT 1 FROM challenges ch WHERE ch.account_id = ${accounts.id} AND ch.purpose = 'enroll'
    AND ch.status = 'pending' AND ch.expires_at > ${now})`;

export function statusIs(status: TwoStepStatus, now: number): SQL {
  if (status === 'on') return sql`${enrollments.accountId} IS NOT NULL`;
  if (status === 'pending') return sql`${enrollments.accountId} IS NULL AND ${pendingEnroll(now)}`;
  return sql`${enrollments.accountId} IS NULL AND NOT ${pendingEnroll(now)}`;
}

type AccountRow = {
  id: string;
  platform: string;
  handle: string;
  client: string | null;
  loginName: string | null;
  notes: string | null;
  enrolled: string | null;
  verifiedAt: number | null;
  phoneId: string | null;
  number: string | null;
  label: string | null;
  holderMemberId: string | null;
  holderName: string | null;
  pending: number;
  total: number;
  remaining: number;
};

/**
 * One query for any number of accounts, with their two-step state and backup-code counts: `where` and `tail`
 * (order, limit) over the accounts table. Raw SQL read as plain rows: drizzle's builder and row mapping cost more
 * CPU than the query itself on a member's list (issue 10).
 */
export function selectAccounts(db: Db, now: number, where: SQL, tail: SQL = sql``): Promise<AccountRow[]> {
  return db.all<AccountRow>(sql`
    SELECT accounts.id, accounts.platform, accounts.handle, accounts.client, accounts.login_name AS "loginName",
      accounts.notes, enrollments.account_id AS enrolled, enrollments.verified_at AS "verifiedAt",
      phones.id AS "phoneId", phones.number, phones.label, phones.holder_member_id AS "holderMemberId",
      coalesce(holder_member.name, phones.holder_name) AS "holderName",
      ${pendingEnroll(now)} AS pending,
      (SELECT count(*) FROM backup_codes b WHERE b.account_id = accounts.id) AS total,
      (SELECT count(*) FROM backup_codes b WHERE b.account_id = accounts.id AND b.used_at IS NULL) AS remaining
    FROM accounts
      LEFT JOIN enrollments ON enrollments.account_id = accounts.id
      LEFT JOIN phones ON phones.id = enrollments.phone_id
      LEFT JOIN members holder_member ON holder_member.id = phones.holder_member_id
    WHERE ${where} ${tail}`);
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toAccount(row: AccountRow): Account {
  const status: TwoStepStatus = row.enrolled ? 'on' : row.pending ? 'pending' : 'off';
  const phone =
    row.enrolled && row.phoneId && row.number
      ? {
          id: row.phoneId,
          masked: maskPhone(row.number),
          label: row.label,
          holder: row.holderName ? { memberId: row.holderMemberId, name: row.holderName } : null,
        }
      : null;
  return {
    id: row.id,
    platform: row.platform as Platform,
    handle: row.handle,
    client: row.client,
    loginName: row.loginName,
    notes: row.notes,
    twoStep: { status, phone, verifiedAt: iso(row.verifiedAt) },
    backupCodes: { remaining: Number(row.remaining), total: Number(row.total) },
  };
}

export async function findAccount(db: Db, viewer: Viewer, id: string): Promise<Account | null> {
  const [row] = await selectAccounts(db, viewer.now, and(visibleTo(viewer), eq(accounts.id, id))!, sql`LIMIT 1`);
  return row ? toAccount(row) : null;
}

/** Only what names an account in an SMS (its handle and platform), under the same rule of who may see it. */
export async function findAccountRef(
  db: Db,
  viewer: Viewer,
  id: string,
): Promise<{ id: string; handle: string; platform: Platform } | undefined> {
  return firstRow(
    db,
    sql`SELECT accounts.id, accounts.handle, accounts.platform FROM accounts
      WHERE ${visibleTo(viewer)} AND ${accounts.id} = ${id} LIMIT 1`,
  );
}

export function encodeCursor(platform: string, handle: string): string {
  return btoa(JSON.stringify([platform, handle])).replace(/=+$/, '');
}

export function decodeCursor(cursor: string): [string, string] | null {
  try {
    const value: unknown = JSON.parse(atob(cursor));
    if (Array.isArray(value) && value.length === 2 && value.every((part) => typeof part === 'string')) {
      return value as [string, string];
    }
  } catch {}
  return null;
}

export const likePattern = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
