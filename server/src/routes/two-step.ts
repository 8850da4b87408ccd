import { disableBody, idParam, twoStepBody } from '@twostep/shared';
import { and, eq, sql } from 'drizzle-orm';
import { type Context, Hono } from 'hono';
import { phones } from '../db/schema.ts';
import type { AppEnv } from '../deps.ts';
import { newId } from '../lib/crypto.ts';
import { ApiError, notFound } from '../lib/errors.ts';
import { valid } from '../lib/validate.ts';
import { isLead, requireMember } from '../middleware/auth.ts';
import { auditContext, eventInsertWhen } from '../services/audit.ts';
import { type Sender, startChallenge } from '../services/challenges.ts';
import { parseOrFail } from '../services/phones.ts';
import { unlockedUntil } from '../services/unlocks.ts';
import { visibleAccount } from './accounts.ts';

export function senderOf(c: Context<AppEnv>): Sender {
  const me = c.var.member;
  return { memberId: me.id, name: me.name, lead: isLead(me.role) };
}

type PhoneChoice = { phoneId: string } | { number: string; country?: string; label?: string };

/**
 * The phone a request names: an existing one by id, or a number, added to the team's phones if new. The new
 * phone and its event commit on their own; a parallel request adding the same number finds that row.
 */
async function resolvePhone(c: Context<AppEnv>, choice: PhoneChoice) {
  const { db, clock } = c.var.deps;
  const teamId = c.var.member.teamId;
  if ('phoneId' in choice) {
    const [phone] = await db
      .select()
      .from(phones)
      .where(and(eq(phones.id, choice.phoneId), eq(phones.teamId, teamId)));
    if (!phone) throw notFound('That phone');
    return phone;
  }
  const { e164 } = parseOrFail(choice.number, choice.country);
  const byNumber = and(eq(phones.teamId, teamId), eq(phones.number, e164));
  const [existing] = await db.select().from(phones).where(byNumber);
  if (existing) return existing;
  const now = clock.now();
  const id = newId(now);
  await db.batch([
    db.run(sql`INSERT INTO phones (id, team_id, number, label, created_at)
      VALUES (${id}, ${teamId}, ${e164}, ${choice.label || null}, ${now}) ON CONFLICT DO NOTHING`),
    eventInsertWhen(
      c.var.deps,
      auditContext(c),
      { action: 'phone.created', target: id },
      sql`EXISTS (SELECT 1 FROM phones WHERE id = ${id})`,
    ),
  ]);
  const [phone] = await db.select().from(phones).where(byNumber);
  if (!phone) throw new Error('A phone that was just added is missing.');
  return phone;
}

/** The phone protecting an account, or 409 two_step_off. */
async function protectingPhone(c: Context<AppEnv>, account: Awaited<ReturnType<typeof visibleAccount>>, why: string) {
  const phoneId = account.twoStep.status === 'on' ? account.twoStep.phone?.id : undefined;
  const [phone] = phoneId ? await c.var.deps.db.select().from(phones).where(eq(phones.id, phoneId)) : [];
  if (!phone) throw new ApiError('two_step_off', why);
  return phone;
}

/** DELETE's body is optional: none, `{}`, or a lead's `{force: true, reason}`. */
async function disableRequest(c: Context<AppEnv>) {
  const raw = await c.req.text();
  let json: unknown = {};
  try {
    json = raw.trim() ? JSON.parse(raw) : {};
  } catch {
    throw new ApiError('invalid_request', 'The body is not valid JSON.');
  }
  const parsed = disableBody.safeParse(json);
  if (!parsed.success)
    throw new ApiError('invalid_request', parsed.error.issues[0]?.message ?? 'The request is not valid.');
  return parsed.data;
}

export const twoStepRoutes = new Hono<AppEnv>()
  .use(requireMember)
  .post('/:id/two-step', valid('param', idParam), valid('json', twoStepBody), async (c) => {
    const account = await visibleAccount(c, c.req.valid('param').id);
    const changing = account.twoStep.status === 'on';
    // Moving two-step to another phone needs the current phone's consent first: a lead, or an unlocked member.
    if (changing && !isLead(c.var.member.role) && (await unlockedUntil(c, account.id)) === null) {
      throw new ApiError('unlock_required', 'Unlock this account first: a code goes to its current phone.');
    }
    const phone = await resolvePhone(c, c.req.valid('json'));
    if (account.twoStep.phone?.id === phone.id) {
      throw new ApiError('two_step_already_on', 'This number already protects this account.');
    }
    const purpose = changing ? 'change_number' : 'enroll';
    const challenge = await startChallenge(c.var.deps, auditContext(c), {
      purpose,
      account,
      phone,
      sender: senderOf(c),
    });
    return c.json({ challenge }, 202);
  })

  .delete('/:id/two-step', valid('param', idParam), async (c) => {
    const { db } = c.var.deps;
    const account = await visibleAccount(c, c.req.valid('param').id);
    const body = await disableRequest(c);
    const phone = await protectingPhone(c, account, 'Two-step is not on for this account.');
    if (!('force' in body)) {
      const challenge = await startChallenge(c.var.deps, auditContext(c), {
        purpose: 'disable',
        account,
        phone,
        sender: senderOf(c),
      });
      return c.json({ challenge }, 202);
    }
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
  })

  .post('/:id/unlock', valid('param', idParam), async (c) => {
    const account = await visibleAccount(c, c.req.valid('param').id);
    const phone = await protectingPhone(
      c,
      account,
      'Turn two-step on for this account first: unlocking sends a code to its phone.',
    );
    const challenge = await startChallenge(c.var.deps, auditContext(c), {
      purpose: 'unlock',
      account,
      phone,
      sender: senderOf(c),
    });
    return c.json({ challenge }, 202);
  })

  .get('/:id/unlock', valid('param', idParam), async (c) => {
    const account = await visibleAccount(c, c.req.valid('param').id);
    const until = await unlockedUntil(c, account.id);
    return c.json({ unlockedUntil: until === null ? null : new Date(until).toISOString() }, 200);
  });
