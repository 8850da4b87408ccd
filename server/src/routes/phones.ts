import { idParam, phoneCreateBody, phoneListQuery, phonePatchBody } from '@twostep/shared';
import { and, eq, sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { phones } from '../db/schema.ts';
import type { AppEnv } from '../deps.ts';
import { newId } from '../lib/crypto.ts';
import { ApiError, notFound } from '../lib/errors.ts';
import { valid } from '../lib/validate.ts';
import { requireMember, requireRole } from '../middleware/auth.ts';
import { auditContext, eventInsert, eventInsertWhen } from '../services/audit.ts';
import { isUniqueViolation } from '../services/members.ts';
import {
  decodePhoneCursor,
  encodePhoneCursor,
  holderColumns,
  listPhones,
  parseOrFail,
  phoneProtectsAccount,
} from '../services/phones.ts';

export const phoneRoutes = new Hono<AppEnv>()
  .use(requireMember, requireRole('lead'))
  .get('/', valid('query', phoneListQuery), async (c) => {
    const { limit, cursor, q, holder } = c.req.valid('query');
    const after = cursor === undefined ? undefined : decodePhoneCursor(cursor);
    if (after === null) throw new ApiError('invalid_request', 'cursor: use the `next` value of the previous page.');
    const rows = await listPhones(c.var.deps.db, c.var.member.teamId, { q, holder, after, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const next = rows.length > limit ? encodePhoneCursor(page.at(-1)!.id) : null;
    return c.json({ phones: page, next }, 200);
  })

  .post('/', valid('json', phoneCreateBody), async (c) => {
    const { db, clock } = c.var.deps;
    const body = c.req.valid('json');
    const teamId = c.var.member.teamId;
    const { e164 } = parseOrFail(body.number, body.country);
    const holder = await holderColumns(db, teamId, body.holder);
    const now = clock.now();
    const id = newId(now);
    try {
      await db.batch([
        db.insert(phones).values({ id, teamId, number: e164, label: body.label || null, ...holder, createdAt: now }),
        eventInsert(c.var.deps, auditContext(c), { action: 'phone.created', target: id }),
      ]);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const [existing] = await db
        .select({ id: phones.id })
        .from(phones)
        .where(and(eq(phones.teamId, teamId), eq(phones.number, e164)));
      throw new ApiError('duplicate_phone', 'This number is already on file.', { phoneId: existing?.id });
    }
    const [phone] = await listPhones(db, teamId, { id });
    return c.json({ phone: phone! }, 201);
  })

  .patch('/:id', valid('param', idParam), valid('json', phonePatchBody), async (c) => {
    const { db } = c.var.deps;
    const { id } = c.req.valid('param');
    const body = c.req.valid('json');
    const teamId = c.var.member.teamId;
    const holder = await holderColumns(db, teamId, body.holder);
    const changes = { ...holder, ...(body.label !== undefined ? { label: body.label || null } : {}) };
    const mine = and(eq(phones.id, id), eq(phones.teamId, teamId));
    await db.batch([
      db.update(phones).set(changes).where(mine),
      eventInsertWhen(
        c.var.deps,
        auditContext(c),
        { action: 'phone.updated', target: id },
        sql`EXISTS (SELECT 1 FROM phones WHERE id = ${id} AND team_id = ${teamId})`,
      ),
    ]);
    const [phone] = await listPhones(db, teamId, { id });
    if (!phone) throw notFound('That phone');
    return c.json({ phone }, 200);
  })

  .delete('/:id', valid('param', idParam), async (c) => {
    const { db } = c.var.deps;
    const { id } = c.req.valid('param');
    const teamId = c.var.member.teamId;
    const [phone] = await listPhones(db, teamId, { id });
    if (!phone) throw notFound('That phone');
    const deletable = sql`id = ${id} AND team_id = ${teamId} AND NOT ${phoneProtectsAccount(id)}`;
    await db.batch([
      eventInsertWhen(
        c.var.deps,
        auditContext(c),
        { action: 'phone.deleted', target: id },
        sql`EXISTS (SELECT 1 FROM phones WHERE ${deletable})`,
      ),
      db.run(sql`DELETE FROM phones WHERE ${deletable}`),
    ]);
    const [still] = await listPhones(db, teamId, { id });
    if (still)
      throw new ApiError(
        'phone_in_use',
        'This number still protects an account: change or turn off two-step there first.',
        { protects: still.protects },
      );
    return c.json({ phone }, 200);
  });
