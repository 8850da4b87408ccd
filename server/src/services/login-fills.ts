import { limits } from '@twostep/shared';
import { type SQL, sql } from 'drizzle-orm';
import type { Context } from 'hono';
import type { AppEnv } from '../deps.ts';
import { newId } from '../lib/crypto.ts';
import { secretAccess } from './secret-access.ts';

/** The 10 time characters of an event id made at `ms`: every id made later sorts above it (events_account index). */
const idFloor = (ms: number) => newId(ms).slice(0, 10);

/**
 * When a `login.filled` event may be written, as SQL for the INSERT itself (D1 has no interactive transactions):
 * `allowed` is the rule of GET /secret (the account is in the member's team, the member is not removed, an
 * unlock of this account by this member runs now, and the member is a lead or holds a grant on it); `underCap`
 * bounds one member's fills of one account to `loginFillsPerWindow` in `loginFillWindowMs`, so a member who holds an
 * unlock cannot bury the account's audit trail under fills.
 */
export function fillConditions(c: Context<AppEnv>, accountId: string): { allowed: SQL; underCap: SQL; since: number } {
  const me = c.var.member;
  const now = c.var.deps.clock.now();
  const inTeam = sql`EXISTS (SELECT 1 FROM accounts WHERE id = ${accountId} AND team_id = ${me.teamId})`;
  const active = sql`EXISTS (SELECT 1 FROM members WHERE id = ${me.id} AND team_id = ${me.teamId} AND removed_at IS NULL)`;
  const since = now - limits.loginFillWindowMs;
  const underCap = sql`(SELECT count(*) FROM events WHERE account_id = ${accountId} AND id >= ${idFloor(since)}
    AND at > ${since} AND action = 'login.filled' AND actor = ${me.id}) < ${limits.loginFillsPerWindow}`;
  return { allowed: sql`${inTeam} AND ${active} AND ${secretAccess(c, accountId).read}`, underCap, since };
}

/** How long until the oldest fill that counts toward the cap leaves the window, in ms. */
export const fillRetryAfter = (oldestAt: number, now: number) => oldestAt + limits.loginFillWindowMs - now;
