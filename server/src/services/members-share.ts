import type { Purpose } from '@twostep/shared';
import { type SQL, sql } from 'drizzle-orm';

const hourMs = 60 * 60_000;

/**
 * Members' share of a protecting number's budget. A number that already protects an account may also be the one
 * a member enrolls on another platform; without a share, a member who cannot see that account could spend the
 * number's 5 codes an hour (20 a day) by enroll or change codes and so block its unlock codes. Members' enroll and
 * change codes to a number that protects any account are capped at 2 an hour and 8 a day (all members
 * together), so at least 3 an hour and 12 a day stay for the codes the protecting phone consents with.
 */
export const membersShare = { perHour: 2, perDay: 8 } as const;

const membersCodesSince = (number: string, since: number) =>
  sql`(SELECT count(*) FROM outbox o JOIN challenges c ON c.id = o.challenge_id JOIN members m ON m.id = c.member_id
    WHERE o.to_number = ${number} AND o.kind = 'code' AND c.purpose IN ('enroll', 'change_number')
      AND m.role = 'member' AND o.created_at > ${since})`;

/** True (as SQL) unless a member's enroll or change code to a protecting number would pass the members' share. */
export function withinMembersShare(number: string, lead: boolean, purpose: Purpose | undefined, now: number): SQL {
  if (lead || (purpose !== 'enroll' && purpose !== 'change_number')) return sql`1`;
  return sql`(NOT EXISTS (SELECT 1 FROM enrollments e JOIN phones p ON p.id = e.phone_id WHERE p.number = ${number})
    OR (${membersCodesSince(number, now - hourMs)} < ${membersShare.perHour}
      AND ${membersCodesSince(number, now - 24 * hourMs)} < ${membersShare.perDay}))`;
}
