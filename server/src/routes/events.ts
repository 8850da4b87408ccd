import { eventsQuery } from '@twostep/shared';
import { and, desc, eq, lt, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { events } from '../db/schema.ts';
import type { AppEnv } from '../deps.ts';
import { valid } from '../lib/validate.ts';
import { isLead, requireMember } from '../middleware/auth.ts';

export const eventRoutes = new Hono<AppEnv>().use(requireMember).get('/', valid('query', eventsQuery), async (c) => {
  const me = c.var.member;
  const query = c.req.valid('query');
  const filters = [eq(events.teamId, me.teamId)];
  // A member sees only what they did themselves, and of phones only those protecting an account granted to them
  // now (a member cannot list phones: an event naming one must not tell that a number is known to the team).
  // An event is about a phone by its action (phone.*, sms.*), whether or not the phone row still exists, or by
  // a target that is a phone row.
  if (!isLead(me.role)) {
    filters.push(eq(events.actor, me.id));
    filters.push(sql`((${events.action} NOT LIKE 'phone.%' AND ${events.action} NOT LIKE 'sms.%'
        AND NOT EXISTS (SELECT 1 FROM phones p WHERE p.id = ${events.target}))
      OR EXISTS (SELECT 1 FROM enrollments e JOIN grants g ON g.account_id = e.account_id
        WHERE e.phone_id = ${events.target} AND g.member_id = ${me.id}))`);
  } else if (query.memberId) filters.push(eq(events.actor, query.memberId));
  if (query.accountId) filters.push(eq(events.accountId, query.accountId));
  if (query.before) filters.push(lt(events.id, query.before));
  const rows = await c.var.deps.db
    .select()
    .from(events)
    .where(and(...filters))
    .orderBy(desc(events.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const next = rows.length > query.limit ? (page.at(-1)?.id ?? null) : null;
  return c.json(
    {
      events: page.map((row) => ({
        id: row.id,
        at: new Date(row.at).toISOString(),
        actor: row.actor,
        action: row.action,
        target: row.target,
        result: row.result,
        ip: row.ip,
        // Not in the contract's list: the reason a person gave (a reveal, a forced removal), or null.
        detail: row.detail,
      })),
      next,
    },
    200,
  );
});
