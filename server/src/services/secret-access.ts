import { type SQL, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import type { AppEnv } from '../deps.ts';
import { ApiError } from '../lib/errors.ts';
import { isLead } from '../middleware/auth.ts';
import { unlockedUntil } from './unlocks.ts';

/**
 * Who may touch an account's password and backup codes, as SQL for the statement that does it (so an unlock
 * that runs out, or a grant revoked, between the check and the write changes nothing):
 * reading needs an active unlock (leads too) plus access; writing needs a lead, or access and an active unlock.
 */
export function secretAccess(c: Context<AppEnv>, accountId: string): { read: SQL; write: SQL } {
  const me = c.var.member.id;
  const now = c.var.deps.clock.now();
  const unlocked = sql`EXISTS (SELECT 1 FROM unlocks WHERE account_id = ${accountId} AND member_id = ${me} AND until > ${now})`;
  const lead = sql`EXISTS (SELECT 1 FROM members WHERE id = ${me} AND removed_at IS NULL AND role IN ('lead', 'owner'))`;
  const granted = sql`EXISTS (SELECT 1 FROM grants WHERE account_id = ${accountId} AND member_id = ${me})`;
  return { read: sql`${unlocked} AND (${lead} OR ${granted})`, write: sql`(${lead} OR (${granted} AND ${unlocked}))` };
}

const unlockRequired = () => new ApiError('unlock_required', 'Unlock this account first: a code goes to its phone.');

/** The early, friendly answer; the statements themselves decide again with `secretAccess`. */
export async function requireUnlock(c: Context<AppEnv>, accountId: string) {
  if ((await unlockedUntil(c, accountId)) === null) throw unlockRequired();
}

export async function requireLeadOrUnlock(c: Context<AppEnv>, accountId: string) {
  if (!isLead(c.var.member.role)) await requireUnlock(c, accountId);
}

export { unlockRequired };
