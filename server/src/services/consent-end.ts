import { type SQL, sql } from 'drizzle-orm';
import type { Db, Statement } from '../db/db.ts';

/**
 * When the phone protecting an account stops protecting it (forced off, turned off by code, number changed),
 * whatever that phone consented to ends with it: every open unlock of the account, and every open challenge
 * (but `except`, the one that made the change). For the batch of that change, acting only where `changed` holds.
 */
export function endConsents(db: Db, accountId: string, now: number, changed: SQL, except?: string): Statement[] {
  const others = except === undefined ? sql`1` : sql`id <> ${except}`;
  return [
    db.run(sql`UPDATE unlocks SET until = ${now} WHERE account_id = ${accountId} AND until > ${now} AND ${changed}`),
    db.run(sql`
      UPDATE challenges SET closed_at = ${now}, expires_at = min(expires_at, ${now})
      WHERE account_id = ${accountId} AND status = 'pending' AND closed_at IS NULL AND expires_at > ${now}
        AND ${others} AND ${changed}`),
  ];
}
