import { sql } from 'drizzle-orm';
import { createMiddleware } from 'hono/factory';
import { firstRow } from '../db/db.ts';
import type { AppEnv } from '../deps.ts';
import { sha256 } from '../lib/crypto.ts';
import { ApiError } from '../lib/errors.ts';

const rank = { member: 0, lead: 1, owner: 2 } as const;

/** Resolves the bearer token to a live session of a member who has not been removed. */
export const requireMember = createMiddleware<AppEnv>(async (c, next) => {
  // Sub-apps mounted on one path each ask for a member: resolve the session once per request.
  if (c.var.member) return next();
  const header = c.req.header('Authorization') ?? '';
  const match = /^Bearer ([A-Za-z0-9_-]{16,128})$/.exec(header);
  if (!match) throw new ApiError('unauthorized', 'Sign in first: send Authorization: Bearer <token>.');
  const { db, clock } = c.var.deps;
  // Raw SQL: every signed-in request runs it, and drizzle's builder cost more CPU than the look-up (issue 10).
  const row = await firstRow<AppEnv['Variables']['member']>(
    db,
    sql`SELECT s.id AS "sessionId", m.id, m.team_id AS "teamId", m.name, m.email, m.role
      FROM sessions s JOIN members m ON m.id = s.member_id
      WHERE s.token_hash = ${await sha256(match[1]!)} AND s.revoked_at IS NULL AND s.expires_at > ${clock.now()}
        AND m.removed_at IS NULL
      LIMIT 1`,
  );
  if (!row) throw new ApiError('unauthorized', 'This session has ended. Sign in again.');
  c.set('member', row);
  await next();
});

/** Only for roles at or above `role`; a member below it is told plainly (the route itself is no secret). */
export function requireRole(role: 'lead' | 'owner') {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (rank[c.var.member.role] < rank[role]) {
      throw new ApiError('forbidden', role === 'owner' ? 'Only the owner may do this.' : 'Only a lead may do this.');
    }
    await next();
  });
}

export const isLead = (role: keyof typeof rank) => rank[role] >= rank.lead;
