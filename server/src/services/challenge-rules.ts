import type { Platform, Purpose } from '@twostep/shared';
import { type SQL, sql } from 'drizzle-orm';
import { type Db, firstRow } from '../db/db.ts';
import { ApiError, notFound, tooMany } from '../lib/errors.ts';
import { busy, numberBudgetRefused, type Sender, spentBudget } from './send-budgets.ts';

/** What a challenge is about: enough to state, in SQL, when it may still be sent or used. */
export type ChallengeScope = {
  purpose: Purpose;
  accountId: string;
  platform: Platform;
  /** The phone the code goes to; SQL when the phone row is written in the challenge's own batch. */
  phoneId: string | SQL;
  /** change_number: the phone that protected the account when the change was asked for. */
  replacesPhoneId: string | null;
  memberId: string;
};

export const platformFree = (scope: ChallengeScope) =>
  sql`NOT EXISTS (SELECT 1 FROM enrollments e JOIN accounts a ON a.id = e.account_id
    WHERE e.phone_id = ${scope.phoneId} AND a.platform = ${scope.platform} AND e.account_id <> ${scope.accountId})`;

const enrolledWith = (scope: ChallengeScope, phoneId: string | SQL | null) =>
  sql`EXISTS (SELECT 1 FROM enrollments WHERE account_id = ${scope.accountId} AND phone_id = ${phoneId})`;

const lead = (scope: ChallengeScope) =>
  sql`EXISTS (SELECT 1 FROM members WHERE id = ${scope.memberId} AND removed_at IS NULL AND role IN ('lead', 'owner'))`;

/** Moving two-step needs the current phone's consent: the member is a lead now, or holds an active unlock now. */
const mayMove = (scope: ChallengeScope, now: number) =>
  sql`(${lead(scope)} OR EXISTS (SELECT 1 FROM unlocks
    WHERE account_id = ${scope.accountId} AND member_id = ${scope.memberId} AND until > ${now}))`;

const notEnrolled = (scope: ChallengeScope) =>
  sql`NOT EXISTS (SELECT 1 FROM enrollments WHERE account_id = ${scope.accountId})`;

const mayUseAccount = (scope: ChallengeScope) =>
  sql`(${lead(scope)}
    OR EXISTS (SELECT 1 FROM grants g JOIN members m ON m.id = g.member_id
      WHERE g.account_id = ${scope.accountId} AND g.member_id = ${scope.memberId} AND m.removed_at IS NULL))`;

const accountLocked = (scope: ChallengeScope, now: number) =>
  sql`EXISTS (SELECT 1 FROM accounts WHERE id = ${scope.accountId} AND locked_until > ${now})`;

/**
 * When a challenge may be created, resent or used, as SQL for the statement that does it: the member still
 * may use the account, and the two-step state is still the one the code was asked for (an unlock or a
 * disable code works only while its phone protects the account; a change only while the phone it replaces
 * does, and while the member is a lead or holds an unlock; an enroll only while none does). Every rule reads
 * the member's role and unlocks as they are now, so a lead demoted meanwhile cannot finish a lead's change.
 */
export function challengeHolds(scope: ChallengeScope, now: number): SQL {
  const state: Record<Purpose, SQL> = {
    enroll: sql`${notEnrolled(scope)} AND ${platformFree(scope)}`,
    change_number: sql`${enrolledWith(scope, scope.replacesPhoneId)} AND ${platformFree(scope)} AND ${mayMove(scope, now)}`,
    disable: enrolledWith(scope, scope.phoneId),
    unlock: sql`${enrolledWith(scope, scope.phoneId)} AND NOT ${accountLocked(scope, now)}`,
  };
  return sql`${mayUseAccount(scope)} AND ${state[scope.purpose]}`;
}

/** Why `challengeHolds` is false, as the contract's error; null when it holds. */
export async function whyNot(db: Db, scope: ChallengeScope, now: number): Promise<ApiError | null> {
  const test = async (condition: SQL) => Boolean(await firstRow(db, sql`SELECT 1 AS yes WHERE ${condition}`));
  if (!(await test(mayUseAccount(scope)))) return notFound('That challenge');
  if (scope.purpose === 'unlock' && (await test(accountLocked(scope, now)))) {
    const row = await firstRow<{ locked_until: number }>(
      db,
      sql`SELECT locked_until FROM accounts WHERE id = ${scope.accountId}`,
    );
    return tooMany(
      'account_locked',
      'Too many wrong codes for this account: unlocking is paused.',
      (row?.locked_until ?? now) - now,
    );
  }
  if (scope.purpose === 'enroll' && !(await test(notEnrolled(scope)))) {
    return new ApiError('two_step_already_on', 'Two-step was turned on for this account meanwhile.');
  }
  if ((scope.purpose === 'enroll' || scope.purpose === 'change_number') && !(await test(platformFree(scope)))) {
    return new ApiError('number_in_use_on_platform', 'This number already protects another account on this platform.');
  }
  if (scope.purpose === 'change_number' && !(await test(enrolledWith(scope, scope.replacesPhoneId)))) {
    return new ApiError('two_step_off', 'Two-step changed meanwhile: this code no longer applies.');
  }
  if (scope.purpose === 'change_number' && !(await test(mayMove(scope, now)))) {
    return new ApiError('unlock_required', 'Unlock this account first: a code goes to its current phone.');
  }
  if (
    (scope.purpose === 'disable' || scope.purpose === 'unlock') &&
    !(await test(enrolledWith(scope, scope.phoneId)))
  ) {
    return new ApiError('two_step_off', 'This phone no longer protects the account: this code no longer applies.');
  }
  return null;
}

/**
 * Why a challenge was not created. For a member's enroll or change the number may be one they cannot see, so
 * nothing about it answers for free: their own budget comes first (once it is spent, a number in use, a number
 * whose budget is spent and a free one answer alike), and an attempt refused by the number (in use on the
 * platform, or its own budget spent) was charged as a probe: 409 for a number in use, else a 429 naming only
 * their budget (`numberBudgetRefused`). Leads see every phone: the rules, then whichever budget is spent.
 */
export async function whyNotCreated(
  db: Db,
  scope: ChallengeScope,
  number: string,
  sender: Sender,
  probeId: string | undefined,
  now: number,
) {
  const rules = () => whyNot(db, scope, now);
  const aboutNumber = scope.purpose === 'enroll' || scope.purpose === 'change_number';
  if (!aboutNumber || sender.lead) return (await rules()) ?? (await spentBudget(db, number, sender, now)) ?? busy();
  const probed = probeId ? await firstRow(db, sql`SELECT 1 AS yes FROM outbox WHERE id = ${probeId}`) : undefined;
  if (probed) return (await rules()) ?? numberBudgetRefused();
  const mine = await spentBudget(db, number, sender, now, true);
  if (mine) return mine;
  const rule = await rules();
  // Not charged, yet refused by the number: only a race with the member's own budget; say nothing about it.
  return rule && rule.code !== 'number_in_use_on_platform' ? rule : busy();
}
