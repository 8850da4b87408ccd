import { disableBody, idParam, twoStepBody } from '@twostep/shared';
import { and, eq, sql } from 'drizzle-orm';
import { type Context, Hono } from 'hono';
import { runBatch } from '../db/db.ts';
import { phones } from '../db/schema.ts';
import type { AppEnv } from '../deps.ts';
import { ApiError, notFound } from '../lib/errors.ts';
import { valid } from '../lib/validate.ts';
import { isLead, requireMember } from '../middleware/auth.ts';
import { auditContext, eventInsertWhen } from '../services/audit.ts';
import { type NewChallenge, type Sender, startChallenge } from '../services/challenges.ts';
import { endConsents } from '../services/consent-end.ts';
import { parseOrFail } from '../services/phones.ts';
import { unlockedUntil } from '../services/unlocks.ts';
import { visibleAccount } from './accounts.ts';

export function senderOf(c: Context<AppEnv>): Sender {
  const me = c.var.member;
  return { memberId: me.id, name: me.name, lead: isLead(me.role) };
}

type PhoneChoice = { phoneId: string } | { number: string; country?: string; label?: string };

/**
 * The phone a request names: an existing one by id or by number, or a number new to the team, whose row is
 * added only with the challenge, in its batch (services/enroll-phone.ts).
 */
async function resolvePhone(c: Context<AppEnv>, choice: PhoneChoice): Promise<NewChallenge['phone']> {
  const { db } = c.var.deps;
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
  const [existing] = await db
    .select()
    .from(phones)
    .where(and(eq(phones.teamId, teamId), eq(phones.number, e164)));
  return existing ?? { new: { number: e164, label: choice.label || null } };
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
    const current = account.twoStep.phone?.id;
    if ('id' in phone && current === phone.id) {
      throw new ApiError('two_step_already_on', 'This number already protects this account.');
    }
    const challenge = await startChallenge(c.var.deps, auditContext(c), {
      purpose: changing ? 'change_number' : 'enroll',
      account,
      phone,
      ...(changing && current ? { replacesPhoneId: current } : {}),
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
    // Decided again in the batch on the role as it is then: a demotion racing this request changes nothing.
    const me = c.var.member.id;
    const enrolled = sql`EXISTS (SELECT 1 FROM enrollments WHERE account_id = ${account.id})
      AND EXISTS (SELECT 1 FROM members WHERE id = ${me} AND removed_at IS NULL AND role IN ('lead', 'owner'))`;
    const [, , , gone] = await runBatch(db, [
      // What the lost phone consented to (unlocks, open codes) ends with it, before its binding goes.
      ...endConsents(db, account.id, c.var.deps.clock.now(), enrolled),
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
      db.run(sql`DELETE FROM enrollments WHERE account_id = ${account.id} AND ${enrolled}`),
    ]);
    const after = await visibleAccount(c, account.id);
    if (gone.rowsAffected === 0 && after.twoStep.phone) {
      throw new ApiError('forbidden', 'Only a lead may turn two-step off without a code.');
    }
    return c.json({ account: after }, 200);
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
