import { type Account, disableBody, idParam, twoStepBody } from '@twostep/shared';
import { and, eq, gt, max, sql } from 'drizzle-orm';
import { type Context, Hono } from 'hono';
import { firstRow, type Statement } from '../db/db.ts';
import { phones, unlocks } from '../db/schema.ts';
import type { AppEnv } from '../deps.ts';
import { newId } from '../lib/crypto.ts';
import { ApiError, notFound, tooMany } from '../lib/errors.ts';
import { valid } from '../lib/validate.ts';
import { isLead, requireMember } from '../middleware/auth.ts';
import { auditContext, eventInsertWhen } from '../services/audit.ts';
import { type Sender, startChallenge } from '../services/challenges.ts';
import { parseOrFail } from '../services/phones.ts';
import { visibleAccount } from './accounts.ts';

export function senderOf(c: Context<AppEnv>): Sender {
  const me = c.var.member;
  return { memberId: me.id, name: me.name, lead: isLead(me.role) };
}

/** The phone a request names: an existing one by id, or a number, added to the team's phones if new. */
async function resolvePhone(
  c: Context<AppEnv>,
  body: { phoneId: string } | { number: string; country?: string; label?: string },
) {
  const { db, clock } = c.var.deps;
  const teamId = c.var.member.teamId;
  if ('phoneId' in body) {
    const [phone] = await db
      .select()
      .from(phones)
      .where(and(eq(phones.id, body.phoneId), eq(phones.teamId, teamId)));
    if (!phone) throw notFound('That phone');
    return { phone, insert: [] as Statement[] };
  }
  const { e164 } = parseOrFail(body.number, body.country);
  const [existing] = await db
    .select()
    .from(phones)
    .where(and(eq(phones.teamId, teamId), eq(phones.number, e164)));
  if (existing) return { phone: existing, insert: [] as Statement[] };
  const now = clock.now();
  const phone = { id: newId(now), teamId, number: e164, label: body.label || null, createdAt: now };
  const insert: Statement[] = [
    db.run(sql`INSERT INTO phones (id, team_id, number, label, created_at) VALUES (${phone.id}, ${teamId}, ${e164}, ${phone.label}, ${now})
      ON CONFLICT DO NOTHING`),
    eventInsertWhen(
      c.var.deps,
      auditContext(c),
      { action: 'phone.created', target: phone.id },
      sql`EXISTS (SELECT 1 FROM phones WHERE id = ${phone.id})`,
    ),
  ];
  return { phone, insert };
}

/** SQL: this phone protects no other account on this platform. */
export const numberFreeOnPlatform = (phoneId: string, account: Pick<Account, 'id' | 'platform'>) =>
  sql`NOT EXISTS (SELECT 1 FROM enrollments e JOIN accounts a ON a.id = e.account_id
    WHERE e.phone_id = ${phoneId} AND a.platform = ${account.platform} AND e.account_id <> ${account.id})`;

const inUseOnPlatform = () =>
  new ApiError('number_in_use_on_platform', 'This number already protects another account on this platform.');

export const twoStepRoutes = new Hono<AppEnv>()
  .use(requireMember)
  .post('/:id/two-step', valid('param', idParam), valid('json', twoStepBody), async (c) => {
    const account = await visibleAccount(c, c.req.valid('param').id);
    const { phone, insert } = await resolvePhone(c, c.req.valid('json'));
    if (account.twoStep.phone?.id === phone.id) {
      throw new ApiError('two_step_already_on', 'This number already protects this account.');
    }
    const free = await firstRow(c.var.deps.db, sql`SELECT 1 AS free WHERE ${numberFreeOnPlatform(phone.id, account)}`);
    if (!free) throw inUseOnPlatform();
    const challenge = await startChallenge(c.var.deps, auditContext(c), {
      purpose: account.twoStep.status === 'on' ? 'change_number' : 'enroll',
      account,
      phone,
      sender: senderOf(c),
      before: insert,
      condition: numberFreeOnPlatform(phone.id, account),
    });
    return c.json({ challenge }, 202);
  })

  .delete('/:id/two-step', valid('param', idParam), async (c) => {
    const { db } = c.var.deps;
    const account = await visibleAccount(c, c.req.valid('param').id);
    const raw = await c.req.text();
    let parsedJson: unknown = {};
    try {
      parsedJson = raw.trim() ? JSON.parse(raw) : {};
    } catch {
      throw new ApiError('invalid_request', 'The body is not valid JSON.');
    }
    const parsed = disableBody.safeParse(parsedJson);
    if (!parsed.success)
      throw new ApiError('invalid_request', parsed.error.issues[0]?.message ?? 'The request is not valid.');
    if (account.twoStep.status !== 'on' || !account.twoStep.phone) {
      throw new ApiError('two_step_off', 'Two-step is not on for this account.');
    }
    const body = parsed.data;
    if ('force' in body) {
      if (!isLead(c.var.member.role))
        throw new ApiError('forbidden', 'Only a lead may turn two-step off without a code.');
      const enrolled = sql`EXISTS (SELECT 1 FROM enrollments WHERE account_id = ${account.id})`;
      await db.batch([
        eventInsertWhen(
          c.var.deps,
          auditContext(c),
          {
            action: 'two_step.disabled',
            target: account.id,
            accountId: account.id,
            result: 'forced',
            detail: body.reason,
          },
          enrolled,
        ),
        db.run(sql`DELETE FROM enrollments WHERE account_id = ${account.id}`),
      ]);
      return c.json({ account: await visibleAccount(c, account.id) }, 200);
    }
    const [phone] = await db.select().from(phones).where(eq(phones.id, account.twoStep.phone.id));
    if (!phone) throw new ApiError('two_step_off', 'Two-step is not on for this account.');
    const challenge = await startChallenge(c.var.deps, auditContext(c), {
      purpose: 'disable',
      account,
      phone,
      sender: senderOf(c),
    });
    return c.json({ challenge }, 202);
  })

  .post('/:id/unlock', valid('param', idParam), async (c) => {
    const { db, clock } = c.var.deps;
    const account = await visibleAccount(c, c.req.valid('param').id);
    if (account.twoStep.status !== 'on' || !account.twoStep.phone) {
      throw new ApiError(
        'two_step_off',
        'Turn two-step on for this account first: unlocking sends a code to its phone.',
      );
    }
    const now = clock.now();
    const lock = await firstRow<{ locked_until: number }>(
      db,
      sql`SELECT locked_until FROM accounts WHERE id = ${account.id} AND locked_until > ${now}`,
    );
    if (lock)
      throw tooMany(
        'account_locked',
        'Too many wrong codes for this account: unlocking is paused.',
        lock.locked_until - now,
      );
    const [phone] = await db.select().from(phones).where(eq(phones.id, account.twoStep.phone.id));
    if (!phone) throw new ApiError('two_step_off', 'Two-step is not on for this account.');
    const challenge = await startChallenge(c.var.deps, auditContext(c), {
      purpose: 'unlock',
      account,
      phone,
      sender: senderOf(c),
      condition: sql`NOT EXISTS (SELECT 1 FROM accounts WHERE id = ${account.id} AND locked_until > ${now})`,
    });
    return c.json({ challenge }, 202);
  })

  .get('/:id/unlock', valid('param', idParam), async (c) => {
    const account = await visibleAccount(c, c.req.valid('param').id);
    const until = await unlockedUntil(c, account.id);
    return c.json({ unlockedUntil: until === null ? null : new Date(until).toISOString() }, 200);
  });

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
