import { limits, type Purpose } from '@twostep/shared';
import { type SQL, sql } from 'drizzle-orm';
import { type Db, firstRow } from '../db/db.ts';
import { ApiError, tooMany } from '../lib/errors.ts';
import { withinMembersShare } from './members-share.ts';

const hourMs = 60 * 60_000;
const dayMs = 24 * hourMs;

export type Sender = { memberId: string; name: string; lead: boolean };

type Budget = { column: 'to_number' | 'member_id'; value: string; windowMs: number; max: number; what: string };

/**
 * DESIGN.md section 4. Phone budgets count by number, so deleting and re-adding a phone resets nothing. A
 * member's own budget comes first: they may not see the number, so its budgets must not answer before theirs.
 */
function budgets(number: string, sender: Sender): Budget[] {
  const perMember = sender.lead ? limits.sendsPerLeadPerHour : limits.sendsPerMemberPerHour;
  const mine: Budget = {
    column: 'member_id',
    value: sender.memberId,
    windowMs: hourMs,
    max: perMember,
    what: 'you this hour',
  };
  const phone: Budget[] = [
    {
      column: 'to_number',
      value: number,
      windowMs: hourMs,
      max: limits.sendsPerPhonePerHour,
      what: 'this phone this hour',
    },
    { column: 'to_number', value: number, windowMs: dayMs, max: limits.sendsPerPhonePerDay, what: 'this phone today' },
  ];
  return sender.lead ? [...phone, mine] : [mine, ...phone];
}

// A member's budget also counts their probes (enroll-phone.ts): attempts with a number in use on the platform.
const kinds = (budget: Budget) =>
  sql.raw(budget.column === 'member_id' ? `kind IN ('code', 'probe')` : `kind = 'code'`);

const sendsSince = (budget: Budget, now: number) =>
  sql`(SELECT count(*) FROM outbox WHERE ${sql.raw(budget.column)} = ${budget.value} AND ${kinds(budget)}
    AND created_at > ${now - budget.windowMs})`;

/** The member's hourly budget alone, as one SQL condition. */
export function withinMemberBudget(sender: Sender, now: number): SQL {
  const budget = budgets('', sender).find((b) => b.column === 'member_id')!;
  return sql`${sendsSince(budget, now)} < ${budget.max}`;
}

/** The number's own budgets alone (per hour, per day), as one SQL condition. */
export function withinNumberBudgets(number: string, sender: Sender, now: number, purpose?: Purpose): SQL {
  const own = budgets(number, sender)
    .filter((budget) => budget.column === 'to_number')
    .map((budget) => sql`${sendsSince(budget, now)} < ${budget.max}`);
  return sql.join([...own, withinMembersShare(number, sender.lead, purpose, now)], sql` AND `);
}

/** Every budget as one SQL condition, so a send is checked and spent in the same statement. */
export function withinSendBudgets(number: string, sender: Sender, now: number, purpose?: Purpose): SQL {
  return sql.join(
    [
      ...budgets(number, sender).map((budget) => sql`${sendsSince(budget, now)} < ${budget.max}`),
      withinMembersShare(number, sender.lead, purpose, now),
    ],
    sql` AND `,
  );
}

/** The budget that refused a send, and when it frees up; null when none is spent. `mineOnly`: the member's alone. */
export async function spentBudget(
  db: Db,
  number: string,
  sender: Sender,
  now: number,
  mineOnly = false,
): Promise<ApiError | null> {
  for (const budget of budgets(number, sender).filter((b) => !mineOnly || b.column === 'member_id')) {
    const row = await firstRow<{ n: number; oldest: number | null }>(
      db,
      sql`SELECT count(*) AS n, min(created_at) AS oldest FROM outbox
        WHERE ${sql.raw(budget.column)} = ${budget.value} AND ${kinds(budget)} AND created_at > ${now - budget.windowMs}`,
    );
    if (row && Number(row.n) >= budget.max) {
      const retryAfter = Number(row.oldest ?? now) + budget.windowMs - now;
      return tooMany(
        'rate_limited',
        `No more codes for ${budget.what} (at most ${budget.max}). Try again later.`,
        retryAfter,
      );
    }
  }
  return null;
}

export const busy = () =>
  new ApiError(
    'rate_limited',
    'Too many codes right now. Try again in a minute.',
    { retryAfter: 60 },
    { 'Retry-After': '60' },
  );

/**
 * A member's enroll or change refused only by the number's own budget: they may not see that number, so the
 * answer names their budget (this attempt was charged to it) and never the number's timing: `Retry-After` is a
 * fixed hour, the longest an hourly budget takes to free up, whatever the number's sends were.
 */
export const numberBudgetRefused = () =>
  tooMany(
    'rate_limited',
    `No code was sent; this attempt counts toward your limit of ${limits.sendsPerMemberPerHour} codes an hour. Try again later.`,
    hourMs,
  );
