import { type SQL, sql } from 'drizzle-orm';
import type { Statement } from '../db/db.ts';
import type { Deps } from '../deps.ts';
import { newId } from '../lib/crypto.ts';
import type { EventContext } from './audit.ts';

/** An invite that can still be accepted: not used, not revoked, not expired. */
export const inviteOpen = (now: number) => sql`accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ${now}`;

/**
 * An invite admits someone only while its creator could still make it: an active lead or owner, and an owner
 * for an owner's invite. For the accepting statement itself, so a demotion racing the accept cannot be missed.
 */
export const creatorMayGrant = sql`EXISTS (SELECT 1 FROM members m WHERE m.id = invites.created_by
  AND m.removed_at IS NULL AND m.role IN ('lead', 'owner') AND (invites.role <> 'owner' OR m.role = 'owner'))`;

/** One `invite.revoked` event per invite revoked at `now` that has none yet, for the batch that revoked them. */
function revokedEvents(deps: Deps, audit: EventContext, which: SQL, now: number, result: string) {
  // The event ids: this batch's time part, then each invite's own random part, so they stay unique and ordered.
  const prefix = newId(now).slice(0, 10);
  return deps.db.run(sql`
    INSERT INTO events (id, team_id, at, actor, action, target, result, ip, account_id, detail)
    SELECT ${prefix} || substr(i.id, 11), i.team_id, ${now}, ${audit.actor}, 'invite.revoked', i.id, ${result},
           ${audit.ip}, NULL, NULL
    FROM invites i
    WHERE ${which} AND i.revoked_at = ${now}
      AND NOT EXISTS (SELECT 1 FROM events e WHERE e.action = 'invite.revoked' AND e.target = i.id)`);
}

/** Revokes one open invite of the team; the UPDATE's rowsAffected says whether this request did. */
export function revokeInvite(deps: Deps, audit: EventContext, id: string, now: number): [Statement, Statement] {
  return [
    deps.db.run(sql`UPDATE invites SET revoked_at = ${now}
      WHERE id = ${id} AND team_id = ${audit.teamId} AND ${inviteOpen(now)}`),
    revokedEvents(deps, audit, sql`i.id = ${id}`, now, 'ok'),
  ];
}

/**
 * The open invites a member made, revoked where `when` holds (they were removed, or demoted below lead): for
 * the batch of that removal or demotion. `result` names why on each `invite.revoked` event.
 */
export function revokeInvitesOf(
  deps: Deps,
  audit: EventContext,
  memberId: string,
  now: number,
  when: SQL,
  result: 'member_removed' | 'member_demoted',
): Statement[] {
  return [
    deps.db.run(sql`UPDATE invites SET revoked_at = ${now}
      WHERE created_by = ${memberId} AND ${inviteOpen(now)} AND ${when}`),
    revokedEvents(deps, audit, sql`i.created_by = ${memberId}`, now, result),
  ];
}
