import { desc, eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { devOutbox } from '../db/schema.ts';
import type { AppEnv } from '../deps.ts';
import { requireMember, requireRole } from '../middleware/auth.ts';

/** Development only (SMS_PROVIDER=outbox): the messages that would have been sent, newest first. */
export const devRoutes = new Hono<AppEnv>().get('/outbox', requireMember, requireRole('owner'), async (c) => {
  const rows = await c.var.deps.db
    .select()
    .from(devOutbox)
    .where(eq(devOutbox.teamId, c.var.member.teamId))
    .orderBy(desc(devOutbox.at), desc(devOutbox.id))
    .limit(100);
  return c.json(
    { messages: rows.map((row) => ({ to: row.toNumber, body: row.body, at: new Date(row.at).toISOString() })) },
    200,
  );
});
