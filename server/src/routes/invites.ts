import { idParam, type OpenInvite } from '@twostep/shared';
import { and, asc, eq, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { invites } from '../db/schema.ts';
import type { AppEnv } from '../deps.ts';
import { notFound } from '../lib/errors.ts';
import { valid } from '../lib/validate.ts';
import { requireMember, requireRole } from '../middleware/auth.ts';
import { auditContext } from '../services/audit.ts';
import { creatorMayGrant, inviteOpen, revokeInvite } from '../services/invites.ts';

// POST /v1/invites and /v1/invites/accept live in auth.ts; these two let a lead see and take back open invites
// (listed: only those that would still be accepted, their creator still holding the role they grant).
// The middleware sits on each route, not on the sub-app: a `.use` here would also run for /v1/invites/accept.
export const inviteRoutes = new Hono<AppEnv>()
  .get('/', requireMember, requireRole('lead'), async (c) => {
    const { db, clock } = c.var.deps;
    const rows = await db
      .select()
      .from(invites)
      .where(and(eq(invites.teamId, c.var.member.teamId), sql`${inviteOpen(clock.now())} AND ${creatorMayGrant}`))
      .orderBy(asc(invites.createdAt), asc(invites.id));
    const list: OpenInvite[] = rows.map((row) => ({
      id: row.id,
      email: row.email,
      role: row.role,
      expiresAt: new Date(row.expiresAt).toISOString(),
      createdBy: row.createdBy,
    }));
    return c.json({ invites: list }, 200);
  })

  .delete('/:id', requireMember, requireRole('lead'), valid('param', idParam), async (c) => {
    const { db, clock } = c.var.deps;
    const [revoked] = await db.batch(revokeInvite(c.var.deps, auditContext(c), c.req.valid('param').id, clock.now()));
    // Unknown, used, expired or already revoked (by a parallel request too): nothing open to revoke.
    if (revoked.rowsAffected === 0) throw notFound('That invite');
    return c.body(null, 204);
  });
