import { accountCreateBody, accountListQuery, accountPatchBody, idParam } from '@twostep/shared';
import { and, eq, sql } from 'drizzle-orm';
import { type Context, Hono } from 'hono';
import { accounts } from '../db/schema.ts';
import type { AppEnv } from '../deps.ts';
import { newId } from '../lib/crypto.ts';
import { ApiError, notFound } from '../lib/errors.ts';
import { valid } from '../lib/validate.ts';
import { isLead, requireMember, requireRole } from '../middleware/auth.ts';
import {
  decodeCursor,
  encodeCursor,
  findAccount,
  likePattern,
  selectAccounts,
  statusIs,
  toAccount,
  type Viewer,
  visibleTo,
} from '../services/accounts.ts';
import { auditContext, eventInsert, eventInsertWhen } from '../services/audit.ts';
import { isUniqueViolation } from '../services/members.ts';

export function viewerOf(c: Context<AppEnv>): Viewer {
  const me = c.var.member;
  return { teamId: me.teamId, memberId: me.id, lead: isLead(me.role), now: c.var.deps.clock.now() };
}

/** The account as this member may see it, or the same 404 as for an id that never existed. */
export async function visibleAccount(c: Context<AppEnv>, id: string) {
  const account = await findAccount(c.var.deps.db, viewerOf(c), id);
  if (!account) throw notFound('That account');
  return account;
}

const duplicate = () => new ApiError('duplicate_account', 'This handle is already on that platform in your team.');

export const accountRoutes = new Hono<AppEnv>()
  .use(requireMember)
  .get('/', valid('query', accountListQuery), async (c) => {
    const query = c.req.valid('query');
    const viewer = viewerOf(c);
    const filters = [visibleTo(viewer)];
    if (query.platform) filters.push(eq(accounts.platform, query.platform));
    if (query.client) filters.push(sql`lower(${accounts.client}) = lower(${query.client})`);
    if (query.status) filters.push(statusIs(query.status, viewer.now));
    if (query.q) {
      const like = likePattern(query.q.replace(/^@/, ''));
      filters.push(
        sql`(${accounts.handle} LIKE ${like} ESCAPE '\\' OR lower(${accounts.client}) LIKE ${like} ESCAPE '\\'
          OR lower(${accounts.loginName}) LIKE ${like} ESCAPE '\\')`,
      );
    }
    if (query.cursor) {
      const after = decodeCursor(query.cursor);
      if (!after) throw new ApiError('invalid_request', 'cursor: use the `next` value of the previous page.');
      filters.push(sql`(${accounts.platform}, ${accounts.handle}) > (${after[0]}, ${after[1]})`);
    }
    const rows = await selectAccounts(
      c.var.deps.db,
      viewer.now,
      and(...filters)!,
      sql`ORDER BY ${accounts.platform}, ${accounts.handle} LIMIT ${query.limit + 1}`,
    );
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    const next = rows.length > query.limit && last ? encodeCursor(last.platform, last.handle) : null;
    return c.json({ accounts: page.map(toAccount), next }, 200);
  })

  .post('/', requireRole('lead'), valid('json', accountCreateBody), async (c) => {
    const { db, clock } = c.var.deps;
    const body = c.req.valid('json');
    const now = clock.now();
    const id = newId(now);
    try {
      await db.batch([
        db.insert(accounts).values({
          id,
          teamId: c.var.member.teamId,
          platform: body.platform,
          handle: body.handle,
          client: body.client || null,
          loginName: body.loginName || null,
          notes: body.notes || null,
          createdAt: now,
          updatedAt: now,
        }),
        eventInsert(c.var.deps, auditContext(c), { action: 'account.created', target: id, accountId: id }),
      ]);
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicate();
      throw error;
    }
    return c.json({ account: await visibleAccount(c, id) }, 201);
  })

  .get('/:id', valid('param', idParam), async (c) => {
    return c.json({ account: await visibleAccount(c, c.req.valid('param').id) }, 200);
  })

  .patch('/:id', requireRole('lead'), valid('param', idParam), valid('json', accountPatchBody), async (c) => {
    const { db, clock } = c.var.deps;
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    await visibleAccount(c, id);
    const now = clock.now();
    const changes = Object.fromEntries(
      Object.entries(body).map(([key, value]) => [key, key === 'platform' || key === 'handle' ? value : value || null]),
    );
    const mine = and(eq(accounts.id, id), eq(accounts.teamId, c.var.member.teamId));
    // Moving an account to another platform must not break "one number, one account per platform".
    const platformFree = body.platform
      ? sql`NOT EXISTS (SELECT 1 FROM enrollments e1 JOIN enrollments e2 ON e2.phone_id = e1.phone_id
          JOIN accounts a2 ON a2.id = e2.account_id
          WHERE e1.account_id = ${id} AND e2.account_id <> ${id} AND a2.platform = ${body.platform})`
      : sql`1`;
    const teamId = c.var.member.teamId;
    const updatable = sql`EXISTS (SELECT 1 FROM accounts WHERE id = ${id} AND team_id = ${teamId}) AND ${platformFree}`;
    try {
      await db.batch([
        // Decided before the UPDATE, on the same condition, so the event is written exactly when it changes the row.
        eventInsertWhen(
          c.var.deps,
          auditContext(c),
          { action: 'account.updated', target: id, accountId: id },
          updatable,
        ),
        db
          .update(accounts)
          .set({ ...changes, updatedAt: now })
          .where(and(mine, platformFree)),
      ]);
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicate();
      throw error;
    }
    const [after] = await db.select({ platform: accounts.platform }).from(accounts).where(mine);
    if (!after) throw notFound('That account');
    if (body.platform && after.platform !== body.platform) {
      throw new ApiError(
        'number_in_use_on_platform',
        "This account's number already protects another account on that platform.",
      );
    }
    return c.json({ account: await visibleAccount(c, id) }, 200);
  })

  .delete('/:id', requireRole('lead'), valid('param', idParam), async (c) => {
    const { db } = c.var.deps;
    const { id } = c.req.valid('param');
    const account = await visibleAccount(c, id);
    const teamId = c.var.member.teamId;
    await db.batch([
      eventInsertWhen(
        c.var.deps,
        auditContext(c),
        { action: 'account.deleted', target: id, accountId: id },
        sql`EXISTS (SELECT 1 FROM accounts WHERE id = ${id} AND team_id = ${teamId})`,
      ),
      db.delete(accounts).where(and(eq(accounts.id, id), eq(accounts.teamId, teamId))),
    ]);
    return c.json({ account }, 200);
  });
