import type { Phone, Platform } from '@twostep/shared';
import { and, asc, eq, gt, inArray, isNull, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../db/db.ts';
import { accounts, enrollments, members, phones } from '../db/schema.ts';
import { ApiError } from '../lib/errors.ts';
import { maskPhone, parsePhone } from '../lib/phone.ts';
import { likePattern } from './accounts.ts';

type PhoneRow = typeof phones.$inferSelect & { holderMember: string | null };

export function toPhone(row: PhoneRow, protects: Phone['protects']): Phone {
  const holderName = row.holderMember ?? row.holderName;
  return {
    id: row.id,
    number: row.number,
    masked: maskPhone(row.number),
    label: row.label,
    holder: holderName ? { memberId: row.holderMemberId, name: holderName } : null,
    verifiedAt: row.verifiedAt === null ? null : new Date(row.verifiedAt).toISOString(),
    protects,
  };
}

export type PhoneListOptions = { id?: string; q?: string; holder?: string; after?: string; limit?: number };

/** The filters of `GET /v1/phones`: `q` in the number (digits), the label or the holder's name; `holder` a member. */
function phoneFilters(teamId: string, options: PhoneListOptions): SQL {
  // Unary +: walk the phones in id order (the page's order) instead of sorting the team's phones by id.
  const where = [sql`+${phones.teamId} = ${teamId}`];
  if (options.id) where.push(eq(phones.id, options.id));
  if (options.holder) where.push(eq(phones.holderMemberId, options.holder));
  if (options.after) where.push(gt(phones.id, options.after));
  if (options.q) {
    const like = likePattern(options.q);
    // A search that looks like a number (digits, spaces, + ( ) . -) also matches the number's digits.
    const digits = /^[\d\s()+.-]+$/.test(options.q) ? options.q.replace(/\D/g, '') : '';
    where.push(
      sql`(lower(${phones.label}) LIKE ${like} ESCAPE '\\' OR lower(coalesce(${members.name}, ${phones.holderName})) LIKE ${like} ESCAPE '\\'
        ${digits ? sql`OR ${phones.number} LIKE ${likePattern(digits)} ESCAPE '\\'` : sql``})`,
    );
  }
  return and(...where)!;
}

/** Phones in id order (creation order), one page at most, each with the accounts it protects: one batch. */
export async function listPhones(db: Db, teamId: string, options: PhoneListOptions = {}): Promise<Phone[]> {
  const filter = phoneFilters(teamId, options);
  const page = db
    .select({ id: phones.id })
    .from(phones)
    .leftJoin(members, eq(members.id, phones.holderMemberId))
    .where(filter)
    .orderBy(asc(phones.id))
    .limit(options.limit ?? -1);
  const [rows, bindings] = await db.batch([
    db
      .select({ phone: phones, holderMember: members.name })
      .from(phones)
      .leftJoin(members, eq(members.id, phones.holderMemberId))
      .where(filter)
      .orderBy(asc(phones.id))
      .limit(options.limit ?? -1),
    db
      .select({
        phoneId: enrollments.phoneId,
        accountId: sql<string>`${accounts.id}`.as('account_id'),
        platform: accounts.platform,
        handle: accounts.handle,
      })
      .from(enrollments)
      .innerJoin(accounts, eq(accounts.id, enrollments.accountId))
      .where(inArray(enrollments.phoneId, page))
      .orderBy(asc(accounts.platform), asc(accounts.handle)),
  ]);
  const byPhone = new Map<string, Phone['protects']>();
  for (const { phoneId, ...binding } of bindings) {
    const list = byPhone.get(phoneId) ?? [];
    list.push({ ...binding, platform: binding.platform as Platform });
    byPhone.set(phoneId, list);
  }
  return rows.map(({ phone, holderMember }) => toPhone({ ...phone, holderMember }, byPhone.get(phone.id) ?? []));
}

export function parseOrFail(number: string, country?: string) {
  const parsed = parsePhone(number, country);
  if (!parsed) {
    const hint =
      number.trim().startsWith('+') || number.trim().startsWith('00') ? '' : ' A national number needs a country.';
    throw new ApiError('invalid_phone', `That is not a valid mobile number.${hint}`);
  }
  return parsed;
}

/** Resolves a holder to its columns; a member holder must be active in the team. */
export async function holderColumns(
  db: Db,
  teamId: string,
  holder: { memberId: string } | { name: string } | null | undefined,
) {
  if (holder === undefined) return {};
  if (holder === null) return { holderMemberId: null, holderName: null };
  if ('name' in holder) return { holderMemberId: null, holderName: holder.name };
  const [member] = await db
    .select({ id: members.id })
    .from(members)
    .where(and(eq(members.id, holder.memberId), eq(members.teamId, teamId), isNull(members.removedAt)));
  if (!member) throw new ApiError('invalid_request', 'holder.memberId: no such member on the team.');
  return { holderMemberId: member.id, holderName: null };
}

export const phoneProtectsAccount = (phoneId: string) =>
  sql`EXISTS (SELECT 1 FROM enrollments WHERE phone_id = ${phoneId})`;

export const encodePhoneCursor = (id: string) => btoa(JSON.stringify([id])).replace(/=+$/, '');

export function decodePhoneCursor(cursor: string): string | null {
  try {
    const value: unknown = JSON.parse(atob(cursor));
    if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'string') return value[0];
  } catch {}
  return null;
}
