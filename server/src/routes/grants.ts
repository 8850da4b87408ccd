import { grantParam, idParam } from '@twostep/shared';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { grants, members } from '../db/schema.ts';
import type { AppEnv } from '../deps.ts';
import { notFound } from '../lib/errors.ts';
import { valid } from '../lib/validate.ts';
import { requireMember, requireRole } from '../middleware/auth.ts';
import { auditContext, eventInsertWhen } from '../services/audit.ts';
import { visibleAccount } from './accounts.ts';

export const grantRoutes = new Hono<AppEnv>()
  .use('/:id/grants/*', requireMember, requireRole('lead'))
  .use('/:id/grants', requireMember, requireRole('lead'))
  .get('/:id/grants', valid('param', idParam), async (c) => {
    const { id } = c.req.valid('param');
    await visibleAccount(c, id);
    const rows = await c.var.deps.db
      .select({ memberId: grants.memberId, name: members.name, grantedAt: grants.grantedAt })
      .from(grants)
      .innerJoin(members, eq(members.id, grants.memberId))
      .where(and(eq(grants.accountId, id), isNull(members.removedAt)))
      .orderBy(asc(members.name));
    return c.json({ grants: rows.map((row) => ({ ...row, grantedAt: new Date(row.grantedAt).toISOString() })) }, 200);
  })

  .put('/:id/grants/:memberId', valid('param', grantParam), async (c) => {
    const { db, clock } = c.var.deps;
    const { id, memberId } = c.req.valid('param');
    const teamId = c.var.member.teamId;
    await visibleAccount(c, id);
    const now = clock.now();
    const [member] = await db
      .select({ id: members.id })
      .from(members)
      .where(and(eq(members.id, memberId), eq(members.teamId, teamId), isNull(members.removedAt)));
    if (!member) throw notFound('That member');
    const memberActive = sql`EXISTS (SELECT 1 FROM members WHERE id = ${memberId} AND removed_at IS NULL)`;
    // The event goes first, decided on the state the insert is about to change: a grant that already
    // exists (a repeated PUT, or a parallel one in the same millisecond) is no change and writes no event.
    await db.batch([
      eventInsertWhen(
        c.var.deps,
        auditContext(c),
        { action: 'grant.added', target: memberId, accountId: id },
        sql`${memberActive} AND NOT EXISTS (SELECT 1 FROM grants WHERE account_id = ${id} AND member_id = ${memberId})`,
      ),
      db.run(sql`
        INSERT INTO grants (account_id, member_id, team_id, granted_at)
        SELECT ${id}, ${memberId}, ${teamId}, ${now}
        WHERE ${memberActive} AND EXISTS (SELECT 1 FROM accounts WHERE id = ${id} AND team_id = ${teamId})
        ON CONFLICT DO NOTHING`),
    ]);
    return c.body(null, 204);
  })

  .delete('/:id/grants/:memberId', valid('param', grantParam), async (c) => {
    const { db } = c.var.deps;
    const { id, memberId } = c.req.valid('param');
    await visibleAccount(c, id);
    const granted = sql`EXISTS (SELECT 1 FROM grants WHERE account_id = ${id} AND member_id = ${memberId})`;
    await db.batch([
      eventInsertWhen(
        c.var.deps,
        auditContext(c),
        { action: 'grant.removed', target: memberId, accountId: id },
        granted,
      ),
      db.delete(grants).where(and(eq(grants.accountId, id), eq(grants.memberId, memberId))),
      // An unlock lasts only while the grant does.
      db.run(sql`UPDATE unlocks SET until = ${c.var.deps.clock.now()} WHERE account_id = ${id} AND member_id = ${memberId}
        AND until > ${c.var.deps.clock.now()}`),
    ]);
    return c.body(null, 204);
  });
