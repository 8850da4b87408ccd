import { idParam, memberPatchBody } from '@twostep/shared';
import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { accounts, members, phones, unlocks } from '../db/schema.ts';
import type { AppEnv } from '../deps.ts';
import { ApiError, notFound } from '../lib/errors.ts';
import { maskPhone } from '../lib/phone.ts';
import { valid } from '../lib/validate.ts';
import { requireMember, requireRole } from '../middleware/auth.ts';
import { auditContext, eventInsertWhen } from '../services/audit.ts';
import { revokeInvitesOf } from '../services/invites.ts';
import { activeOwnerCount, publicMember } from '../services/members.ts';

const handoverWindowMs = 30 * 24 * 60 * 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

export const memberRoutes = new Hono<AppEnv>()
  .use(requireMember)
  .get('/', requireRole('lead'), async (c) => {
    const rows = await c.var.deps.db
      .select()
      .from(members)
      .where(and(eq(members.teamId, c.var.member.teamId), isNull(members.removedAt)))
      .orderBy(asc(members.name));
    return c.json({ members: rows.map((row) => ({ ...publicMember(row), createdAt: iso(row.createdAt) })) }, 200);
  })

  .patch('/:id', requireRole('owner'), valid('param', idParam), valid('json', memberPatchBody), async (c) => {
    const { db } = c.var.deps;
    const { id } = c.req.valid('param');
    const { role } = c.req.valid('json');
    const teamId = c.var.member.teamId;
    const [target] = await db
      .select()
      .from(members)
      .where(and(eq(members.id, id), eq(members.teamId, teamId), isNull(members.removedAt)));
    if (!target) throw notFound('That member');
    // The last owner cannot stop being one: decided inside the UPDATE, so two parallel demotions cannot both pass.
    await db.batch([
      db.run(sql`
        UPDATE members SET role = ${role}
        WHERE id = ${id} AND removed_at IS NULL AND (role <> 'owner' OR ${role} = 'owner' OR ${activeOwnerCount} > 1)`),
      eventInsertWhen(
        c.var.deps,
        auditContext(c),
        { action: 'member.role_changed', target: id, result: 'ok' },
        sql`EXISTS (SELECT 1 FROM members WHERE id = ${id} AND role = ${role}) AND ${target.role} <> ${role}`,
      ),
      // Below lead, no invite of theirs may still admit anyone.
      ...revokeInvitesOf(
        c.var.deps,
        auditContext(c),
        id,
        c.var.deps.clock.now(),
        sql`EXISTS (SELECT 1 FROM members WHERE id = ${id} AND role = 'member')`,
        'member_demoted',
      ),
    ]);
    const [updated] = await db.select().from(members).where(eq(members.id, id));
    if (!updated || updated.role !== role)
      throw new ApiError('last_owner', 'A team needs an owner: make someone else owner first.');
    return c.json({ member: publicMember(updated) }, 200);
  })

  .delete('/:id', requireRole('lead'), valid('param', idParam), async (c) => {
    const { db, clock } = c.var.deps;
    const { id } = c.req.valid('param');
    const me = c.var.member;
    const now = clock.now();
    const [target] = await db
      .select()
      .from(members)
      .where(and(eq(members.id, id), eq(members.teamId, me.teamId), isNull(members.removedAt)));
    if (!target) throw notFound('That member');
    if (target.role === 'owner' && me.role !== 'owner')
      throw new ApiError('forbidden', 'Only an owner may remove an owner.');
    const [heldPhones, recentlyUnlocked] = await Promise.all([
      db.select().from(phones).where(eq(phones.holderMemberId, id)),
      db
        .selectDistinct({ id: accounts.id, platform: accounts.platform, handle: accounts.handle })
        .from(unlocks)
        .innerJoin(accounts, eq(accounts.id, unlocks.accountId))
        .where(and(eq(unlocks.memberId, id), gt(unlocks.createdAt, now - handoverWindowMs))),
    ]);
    const removedNow = sql`EXISTS (SELECT 1 FROM members WHERE id = ${id} AND removed_at = ${now})`;
    await db.batch([
      db.run(sql`
        UPDATE members SET removed_at = ${now}
        WHERE id = ${id} AND removed_at IS NULL AND (role <> 'owner' OR (${activeOwnerCount} > 1
          AND EXISTS (SELECT 1 FROM members WHERE id = ${me.id} AND role = 'owner' AND removed_at IS NULL)))`),
      db.run(
        sql`UPDATE sessions SET revoked_at = ${now} WHERE member_id = ${id} AND revoked_at IS NULL AND ${removedNow}`,
      ),
      db.run(sql`DELETE FROM grants WHERE member_id = ${id} AND ${removedNow}`),
      db.run(sql`UPDATE unlocks SET until = ${now} WHERE member_id = ${id} AND until > ${now} AND ${removedNow}`),
      ...revokeInvitesOf(c.var.deps, auditContext(c), id, now, removedNow, 'member_removed'),
      eventInsertWhen(c.var.deps, auditContext(c), { action: 'member.removed', target: id }, removedNow),
    ]);
    const [after] = await db.select().from(members).where(eq(members.id, id));
    if (after?.removedAt !== now) {
      if (after?.removedAt) throw notFound('That member'); // removed by a parallel request
      if (after?.role === 'owner' && me.role !== 'owner')
        throw new ApiError('forbidden', 'Only an owner may remove an owner.');
      throw new ApiError('last_owner', 'A team needs an owner: make someone else owner first.');
    }
    return c.json(
      {
        handover: {
          heldPhones: heldPhones.map((phone) => ({
            id: phone.id,
            masked: maskPhone(phone.number),
            label: phone.label,
          })),
          recentlyUnlocked,
        },
      },
      200,
    );
  });
