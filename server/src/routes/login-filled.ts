import { idParam, limits, loginFilledSchema } from '@twostep/shared';
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { firstRow, runBatch } from '../db/db.ts';
import type { AppEnv } from '../deps.ts';
import { newId } from '../lib/crypto.ts';
import { tooMany } from '../lib/errors.ts';
import { valid } from '../lib/validate.ts';
import { requireMember } from '../middleware/auth.ts';
import { auditContext, eventInsertWhen } from '../services/audit.ts';
import { fillConditions, fillRetryAfter } from '../services/login-fills.ts';
import { requireUnlock, unlockRequired } from '../services/secret-access.ts';
import { visibleAccount } from './accounts.ts';

export const loginFilledRoutes = new Hono<AppEnv>()
  .use(requireMember)
  /** The extension filled `step` into the account's platform page: an audit event, never the value filled. */
  .post('/:id/login-filled', valid('param', idParam), valid('json', loginFilledSchema), async (c) => {
    const { db, clock } = c.var.deps;
    const account = await visibleAccount(c, c.req.valid('param').id);
    await requireUnlock(c, account.id);
    const { step } = c.req.valid('json');
    const { allowed, underCap, since } = fillConditions(c, account.id);
    const eventId = newId(clock.now());
    // The insert decides on its own: the checks above only answer early and friendly.
    const [, written] = await runBatch(db, [
      eventInsertWhen(
        c.var.deps,
        auditContext(c),
        { id: eventId, action: 'login.filled', target: account.id, accountId: account.id, detail: step },
        sql`${allowed} AND ${underCap}`,
      ),
      db.run(sql`SELECT 1 AS yes FROM events WHERE id = ${eventId}`),
    ]);
    if (written.rows.length > 0) return c.body(null, 204);
    await visibleAccount(c, account.id);
    await requireUnlock(c, account.id);
    if (!(await firstRow(db, sql`SELECT 1 AS yes WHERE ${allowed}`))) throw unlockRequired();
    const oldest = await firstRow<{ at: number | null }>(
      db,
      sql`SELECT min(at) AS at FROM events WHERE account_id = ${account.id} AND at > ${since}
        AND action = 'login.filled' AND actor = ${c.var.member.id}`,
    );
    throw tooMany(
      'rate_limited',
      `At most ${limits.loginFillsPerWindow} fills of one account in ${limits.loginFillWindowMs / 60_000} minutes.`,
      fillRetryAfter(Number(oldest?.at ?? clock.now()), clock.now()),
    );
  });
