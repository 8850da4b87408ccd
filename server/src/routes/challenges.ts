import { idParam, verifyBody } from '@twostep/shared';
import { type Context, Hono } from 'hono';
import type { AppEnv } from '../deps.ts';
import { notFound } from '../lib/errors.ts';
import { valid } from '../lib/validate.ts';
import { requireMember } from '../middleware/auth.ts';
import { findAccount, findAccountRef } from '../services/accounts.ts';
import { auditContext } from '../services/audit.ts';
import { loadChallenge, resendChallenge, toChallenge } from '../services/challenges.ts';
import { assertOpen, verifyChallenge } from '../services/verify.ts';
import { viewerOf } from './accounts.ts';
import { senderOf } from './two-step.ts';

/** A challenge belongs to the member who started it, and only while they may still see its account. */
async function ownChallenge(c: Context<AppEnv>, id: string) {
  const me = c.var.member;
  const row = await loadChallenge(c.var.deps.db, id);
  const account =
    row && row.member_id === me.id && row.team_id === me.teamId
      ? await findAccountRef(c.var.deps.db, viewerOf(c), row.account_id)
      : null;
  if (!row || !account) throw notFound('That challenge');
  return { row, account };
}

export const challengeRoutes = new Hono<AppEnv>()
  .use(requireMember)
  // Not in the contract's table: lets the popup follow delivery (`delivery_failed`) and expiry of its own challenge.
  .get('/:id', valid('param', idParam), async (c) => {
    const { row } = await ownChallenge(c, c.req.valid('param').id);
    return c.json({ challenge: toChallenge(row, c.var.deps.clock.now()) }, 200);
  })
  .post('/:id/verify', valid('param', idParam), valid('json', verifyBody), async (c) => {
    const { row, account } = await ownChallenge(c, c.req.valid('param').id);
    const verified = await verifyChallenge(c.var.deps, auditContext(c), {
      row,
      account,
      code: c.req.valid('json').code,
      requester: c.var.member.name,
    });
    const after = await findAccount(c.var.deps.db, viewerOf(c), account.id);
    if (!after) throw notFound('That account');
    return c.json({ challenge: toChallenge(verified, c.var.deps.clock.now()), account: after }, 200);
  })

  .post('/:id/resend', valid('param', idParam), async (c) => {
    const { row, account } = await ownChallenge(c, c.req.valid('param').id);
    assertOpen(row, c.var.deps.clock.now());
    const challenge = await resendChallenge(c.var.deps, auditContext(c), row, senderOf(c), account);
    return c.json({ challenge }, 202);
  });
