import { type SQL, sql } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { newId } from '../lib/crypto.ts';
import { type EventContext, eventInsertWhen } from './audit.ts';
import { type ChallengeScope, platformFree } from './challenge-rules.ts';
import { type Sender, withinMemberBudget, withinNumberBudgets } from './send-budgets.ts';

/** A number new to the team, named by an enroll or a change: its phone row exists only with its challenge. */
export type NewPhone = { number: string; label: string | null };

/** The id of the team's phone with this number, as SQL: the row this batch adds, or one a parallel request added. */
export const phoneIdOf = (teamId: string, number: string) =>
  sql`(SELECT id FROM phones WHERE team_id = ${teamId} AND number = ${number})`;

/**
 * The new phone's row and its `phone.created` event, for the challenge's own batch: the row is written only
 * where the challenge may be (`may`, the very condition of the challenge's INSERT), the event only where the
 * challenge was created with this row. A refused send (budget, rules) so leaves no phone behind.
 */
export function newPhoneStatements(
  deps: Deps,
  audit: EventContext,
  phone: NewPhone,
  may: SQL,
  created: SQL,
  now: number,
) {
  const id = newId(now);
  return {
    insert: deps.db.run(sql`
      INSERT INTO phones (id, team_id, number, label, created_at)
      SELECT ${id}, ${audit.teamId}, ${phone.number}, ${phone.label}, ${now} WHERE ${may}
      ON CONFLICT DO NOTHING`),
    event: eventInsertWhen(
      deps,
      audit,
      { action: 'phone.created', target: id },
      sql`${created} AND EXISTS (SELECT 1 FROM phones WHERE id = ${id})`,
    ),
  };
}

/**
 * A member's attempt with a number that already protects another account on the platform, or whose own send
 * budget is spent, sends nothing but costs their hourly send budget like a send, so probing numbers they
 * cannot see is no free oracle. A 'probe' row of the outbox is never delivered, and counts for the member's
 * budget only (never the number's, so probing cannot block the codes of the account that number protects).
 * Leads see every phone: not charged.
 */
export function probeCharge(deps: Deps, scope: ChallengeScope, phoneId: string | SQL, number: string, sender: Sender) {
  const now = deps.clock.now();
  const id = newId(now);
  const statement = deps.db.run(sql`
    INSERT INTO outbox (id, team_id, kind, challenge_id, phone_id, member_id, to_number, status, last_error,
                        next_attempt_at, created_at)
    SELECT ${id}, m.team_id, 'probe', NULL, coalesce(${phoneId}, ''), m.id, ${number}, 'dead', 'probe', ${now}, ${now}
    FROM members m
    WHERE m.id = ${sender.memberId} AND m.role = 'member'
      AND (NOT ${platformFree(scope)} OR NOT ${withinNumberBudgets(number, sender, now, scope.purpose)})
      AND ${withinMemberBudget(sender, now)}`);
  return { id, statement };
}
