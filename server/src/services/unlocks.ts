import { and, eq, gt, max } from 'drizzle-orm';
import type { Context } from 'hono';
import { unlocks } from '../db/schema.ts';
import type { AppEnv } from '../deps.ts';

/** When this member's unlock of the account ends, or null when there is none. */
export async function unlockedUntil(c: Context<AppEnv>, accountId: string): Promise<number | null> {
  const { db, clock } = c.var.deps;
  const [row] = await db
    .select({ until: max(unlocks.until) })
    .from(unlocks)
    .where(
      and(eq(unlocks.accountId, accountId), eq(unlocks.memberId, c.var.member.id), gt(unlocks.until, clock.now())),
    );
  return row?.until ?? null;
}
