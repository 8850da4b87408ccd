import type { Member } from '@twostep/shared';
import { limits } from '@twostep/shared';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/db.ts';
import { members, sessions } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { newId, newToken, sha256 } from '../lib/crypto.ts';
import { ApiError } from '../lib/errors.ts';
import { nameKey } from '../lib/name-key.ts';

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

/** An active member of the team whose name reads as `key` (members who joined before name keys were kept too). */
export async function nameTaken(db: Db, teamId: string, key: string): Promise<boolean> {
  const names = await db
    .select({ name: members.name, nameKey: members.nameKey })
    .from(members)
    .where(and(eq(members.teamId, teamId), isNull(members.removedAt)));
  return names.some((member) => (member.nameKey ?? nameKey(member.name)) === key);
}

// SMS texts name who asks ("Give it only to Anna"), so no two active members may read as the same name.
export const nameTakenError = () =>
  new ApiError(
    'duplicate_member',
    'Someone on the team already goes by this name. Add a surname or an initial so texts tell you apart.',
    { field: 'name' },
  );
