import { backupCodesBody, idParam, revealBody, secretBody } from '@twostep/shared';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { type Context, Hono } from 'hono';
import { runBatch, type Statement } from '../db/db.ts';
import { backupCodeSets, backupCodes, secrets } from '../db/schema.ts';
import type { AppEnv } from '../deps.ts';
import { decryptField, encryptField, newId, newToken } from '../lib/crypto.ts';
import { ApiError } from '../lib/errors.ts';
import { valid } from '../lib/validate.ts';
import { isLead, requireMember } from '../middleware/auth.ts';
import { auditContext, eventInsert, eventInsertWhen } from '../services/audit.ts';
import { visibleAccount } from './accounts.ts';
import { unlockedUntil } from './two-step.ts';

const passwordField = (accountId: string) => ({ table: 'secrets', column: 'password_enc', rowId: accountId });
const codeField = (codeId: string) => ({ table: 'backup_codes', column: 'code_enc', rowId: codeId });

/** Reading a secret needs an active unlock, leads included: the account's phone must have said yes. */
async function requireUnlock(c: Context<AppEnv>, accountId: string) {
  if ((await unlockedUntil(c, accountId)) === null) {
    throw new ApiError('unlock_required', 'Unlock this account first: a code goes to its phone.');
  }
}

/** Writing one: a lead, or a member with an active unlock. */
async function requireLeadOrUnlock(c: Context<AppEnv>, accountId: string) {
  if (!isLead(c.var.member.role)) await requireUnlock(c, accountId);
}

export const secretRoutes = new Hono<AppEnv>()
  .use(requireMember)
  .get('/:id/secret', valid('param', idParam), async (c) => {
    const { db, keys } = c.var.deps;
    const account = await visibleAccount(c, c.req.valid('param').id);
    await requireUnlock(c, account.id);
    const [row] = await db.select().from(secrets).where(eq(secrets.accountId, account.id));
    await eventInsert(c.var.deps, auditContext(c), {
      action: 'secret.read',
      target: account.id,
      accountId: account.id,
    });
    const password = row ? await decryptField(keys, passwordField(account.id), row.passwordEnc) : null;
    return c.json({ loginName: account.loginName, password }, 200);
  })

  .put('/:id/secret', valid('param', idParam), valid('json', secretBody), async (c) => {
    const { db, clock, keys } = c.var.deps;
    const account = await visibleAccount(c, c.req.valid('param').id);
    await requireLeadOrUnlock(c, account.id);
    const body = c.req.valid('json');
    const now = clock.now();
    const passwordEnc = await encryptField(keys, passwordField(account.id), body.password);
    const values = {
      accountId: account.id,
      teamId: c.var.member.teamId,
      passwordEnc,
      updatedAt: now,
      updatedBy: c.var.member.id,
    };
    const statements: Statement[] = [
      db
        .insert(secrets)
        .values(values)
        .onConflictDoUpdate({
          target: secrets.accountId,
          set: { passwordEnc, updatedAt: now, updatedBy: values.updatedBy },
        }),
      eventInsert(c.var.deps, auditContext(c), { action: 'secret.updated', target: account.id, accountId: account.id }),
    ];
    if (body.loginName !== undefined) {
      statements.push(
        db.run(
          sql`UPDATE accounts SET login_name = ${body.loginName || null}, updated_at = ${now} WHERE id = ${account.id}`,
        ),
      );
    }
    await runBatch(db, statements);
    return c.body(null, 204);
  })

  .get('/:id/backup-codes', valid('param', idParam), async (c) => {
    const { db } = c.var.deps;
    const account = await visibleAccount(c, c.req.valid('param').id);
    const [set] = await db.select().from(backupCodeSets).where(eq(backupCodeSets.accountId, account.id));
    return c.json({ ...account.backupCodes, updatedAt: set ? new Date(set.updatedAt).toISOString() : null }, 200);
  })

  .put('/:id/backup-codes', valid('param', idParam), valid('json', backupCodesBody), async (c) => {
    const { db, clock, keys } = c.var.deps;
    const account = await visibleAccount(c, c.req.valid('param').id);
    await requireLeadOrUnlock(c, account.id);
    const { codes } = c.req.valid('json');
    const now = clock.now();
    const teamId = c.var.member.teamId;
    const rows = await Promise.all(
      codes.map(async (code, position) => {
        const id = newId(now);
        return {
          id,
          teamId,
          accountId: account.id,
          position,
          codeEnc: await encryptField(keys, codeField(id), code),
          createdAt: now,
        };
      }),
    );
    const set = { accountId: account.id, teamId, updatedAt: now, updatedBy: c.var.member.id };
    await db.batch([
      db.delete(backupCodes).where(eq(backupCodes.accountId, account.id)),
      db.insert(backupCodes).values(rows),
      db
        .insert(backupCodeSets)
        .values(set)
        .onConflictDoUpdate({ target: backupCodeSets.accountId, set: { updatedAt: now, updatedBy: set.updatedBy } }),
      eventInsert(c.var.deps, auditContext(c), {
        action: 'backup_codes.replaced',
        target: account.id,
        accountId: account.id,
      }),
    ]);
    return c.body(null, 204);
  })

  .post('/:id/backup-codes/reveal', valid('param', idParam), valid('json', revealBody), async (c) => {
    const { db, clock, keys } = c.var.deps;
    const account = await visibleAccount(c, c.req.valid('param').id);
    await requireUnlock(c, account.id);
    const { reason } = c.req.valid('json');
    const now = clock.now();
    const revealId = newToken();
    // One conditional UPDATE claims the next unused code: parallel reveals never hand out the same one.
    const claimed = sql`EXISTS (SELECT 1 FROM backup_codes WHERE account_id = ${account.id} AND reveal_id = ${revealId})`;
    await db.batch([
      db.run(sql`
        UPDATE backup_codes SET used_at = ${now}, used_by = ${c.var.member.id}, reveal_id = ${revealId}
        WHERE id = (SELECT id FROM backup_codes WHERE account_id = ${account.id} AND used_at IS NULL ORDER BY position LIMIT 1)
          AND used_at IS NULL`),
      eventInsertWhen(
        c.var.deps,
        auditContext(c),
        { action: 'backup_code.revealed', target: account.id, accountId: account.id, detail: reason },
        claimed,
      ),
    ]);
    const [code] = await db
      .select()
      .from(backupCodes)
      .where(and(eq(backupCodes.accountId, account.id), eq(backupCodes.revealId, revealId)));
    if (!code)
      throw new ApiError('no_backup_codes', 'No unused backup codes are left: store a new set from the platform.');
    const [left] = await db
      .select({ n: sql<number>`count(*)` })
      .from(backupCodes)
      .where(and(eq(backupCodes.accountId, account.id), isNull(backupCodes.usedAt)));
    return c.json(
      { code: await decryptField(keys, codeField(code.id), code.codeEnc), remaining: Number(left?.n ?? 0) },
      200,
    );
  });
