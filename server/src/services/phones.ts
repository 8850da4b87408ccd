import type { Phone, Platform } from '@twostep/shared';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/db.ts';
import { accounts, enrollments, members, phones } from '../db/schema.ts';
import { ApiError } from '../lib/errors.ts';
import { maskPhone, parsePhone } from '../lib/phone.ts';

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

export async function listPhones(db: Db, teamId: string, id?: string): Promise<Phone[]> {
  const filter = id ? and(eq(phones.teamId, teamId), eq(phones.id, id)) : eq(phones.teamId, teamId);
  const [rows, bindings] = await Promise.all([
    db
      .select({ phone: phones, holderMember: members.name })
      .from(phones)
      .leftJoin(members, eq(members.id, phones.holderMemberId))
      .where(filter)
      .orderBy(phones.number),
    db
      .select({
        phoneId: enrollments.phoneId,
        accountId: accounts.id,
        platform: accounts.platform,
        handle: accounts.handle,
      })
      .from(enrollments)
      .innerJoin(accounts, eq(accounts.id, enrollments.accountId))
      .where(id ? and(eq(enrollments.teamId, teamId), eq(enrollments.phoneId, id)) : eq(enrollments.teamId, teamId)),
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
