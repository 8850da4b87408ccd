import { type SQL, sql } from 'drizzle-orm';
import type { Deps } from '../deps.ts';
import { newId } from '../lib/crypto.ts';
import { events } from './schema.ts';

// The audit trail's inserts, below the services and the SMS dispatcher that both write events.

export type EventInput = {
  action: string;
  target?: string | null;
  result?: string;
  accountId?: string | null;
  actor?: string | null;
  detail?: string | null;
  /** The event's own id, when the caller must find out afterwards whether a conditional insert wrote it. */
  id?: string;
};

export type EventContext = { teamId: string; actor: string | null; ip: string | null };

/**
 * The insert for one audit event, to run in the same batch as the change it records.
 * Never pass a code, a password or a full phone number in any field.
 */
export function eventInsert(deps: Pick<Deps, 'db' | 'clock'>, context: EventContext, input: EventInput) {
  const now = deps.clock.now();
  return deps.db.insert(events).values({
    id: input.id ?? newId(now),
    teamId: context.teamId,
    at: now,
    actor: input.actor === undefined ? context.actor : input.actor,
    action: input.action,
    target: input.target ?? null,
    result: input.result ?? 'ok',
    ip: context.ip,
    accountId: input.accountId ?? null,
    detail: input.detail ?? null,
  });
}

/**
 * The same event, written only if `condition` holds when the batch reaches it: how a batch records
 * an outcome that an earlier conditional statement of the same batch decided (D1 has no interactive transactions).
 */
export function eventInsertWhen(
  deps: Pick<Deps, 'db' | 'clock'>,
  context: EventContext,
  input: EventInput,
  condition: SQL,
) {
  const now = deps.clock.now();
  const actor = input.actor === undefined ? context.actor : input.actor;
  return deps.db.run(sql`
    INSERT INTO events (id, team_id, at, actor, action, target, result, ip, account_id, detail)
    SELECT ${input.id ?? newId(now)}, ${context.teamId}, ${now}, ${actor}, ${input.action}, ${input.target ?? null},
           ${input.result ?? 'ok'}, ${context.ip}, ${input.accountId ?? null}, ${input.detail ?? null}
    WHERE ${condition}`);
}
