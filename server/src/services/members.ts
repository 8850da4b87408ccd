import type { Member } from '@twostep/shared';
import { limits } from '@twostep/shared';
import { sql } from 'drizzle-orm';
import { sessions } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { newId, newToken, sha256 } from '../lib/crypto.ts';

export const publicMember = (row: Member): Member => ({ id: row.id, name: row.name, email: row.email, role: row.role });

/** A new session's token (returned once) and the insert that stores only its hash. */
export async function newSession(deps: Pick<Deps, 'db' | 'clock'>, teamId: string, memberId: string) {
  const token = newToken();
  const now = deps.clock.now();
  const id = newId(now);
  const insert = deps.db.insert(sessions).values({
    id,
    teamId,
    memberId,
    tokenHash: await sha256(token),
    createdAt: now,
    expiresAt: now + limits.sessionMs,
  });
  return { id, token, insert };
}

/** True when a failed statement broke a UNIQUE constraint (libSQL and D1 word it the same way). */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (/UNIQUE constraint failed|SQLITE_CONSTRAINT_UNIQUE|SQLITE_CONSTRAINT_PRIMARYKEY/.test(e.message)) return true;
    if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') return true;
  }
  return false;
}

export const activeOwnerCount = sql`(SELECT count(*) FROM members WHERE role = 'owner' AND removed_at IS NULL)`;
