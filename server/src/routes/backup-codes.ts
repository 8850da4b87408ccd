import { backupCodesBody, idParam, revealBody } from '@twostep/shared';
import { eq, sql } from 'drizzle-orm';
import { type Context, Hono } from 'hono';
import { firstRow, runBatch, type Statement } from '../db/db.ts';
import { backupCodeSets } from '../db/schema.ts';
import type { AppEnv } from '../deps.ts';
import { decryptField, encryptField, newId, newToken } from '../lib/crypto.ts';
import { ApiError } from '../lib/errors.ts';
import { valid } from '../lib/validate.ts';
import { requireMember } from '../middleware/auth.ts';
import { auditContext, eventInsertWhen } from '../services/audit.ts';
import { requireLeadOrUnlock, requireUnlock, secretAccess, unlockRequired } from '../services/secret-access.ts';
import { visibleAccount } from './accounts.ts';

const codeField = (codeId: string) => ({ table: 'backup_codes', column: 'code_enc', rowId: codeId });
// D1 binds at most 100 parameters a statement: 15 rows of 6, plus the access condition's.
const rowsPerInsert = 15;
/** The most codes a set holds (backupCodesBody: `.max(50)`). */
const maxCodes = 50;

/**
 * Opens the next unused code, then claims exactly that one with one conditional UPDATE (still unused, and the
 * unlock and the access still hold): a code this server cannot open is never used up unseen, and parallel reveals
 * never hand out the same code. A reveal that lost its code to a parallel one tries the next; each lost round
 * means another code was used, so the rounds are bounded by the codes an account can hold.
 */
async function claimNextCode(c: Context<AppEnv>, accountId: string, reason: string, now: number) {
  const { db, keys } = c.var.deps;
  for (let round = 0; round < maxCodes; round++) {
    const next = await firstRow<{ id: string; code_enc: string }>(
      db,
      sql`SELECT id, code_enc FROM backup_codes WHERE account_id = ${accountId} AND used_at IS NULL ORDER BY position LIMIT 1`,
    );
    if (!next) return null;
    const code = await decryptField(keys, codeField(next.id), next.code_enc);
    const revealId = newToken();
    const claimed = sql`EXISTS (SELECT 1 FROM backup_codes WHERE id = ${next.id} AND reveal_id = ${revealId})`;
    await db.batch([
      db.run(sql`
        UPDATE backup_codes SET used_at = ${now}, used_by = ${c.var.member.id}, reveal_id = ${revealId}
        WHERE id = ${next.id} AND account_id = ${accountId} AND used_at IS NULL AND ${secretAccess(c, accountId).read}`),
      eventInsertWhen(
        c.var.deps,
        auditContext(c),
        { action: 'backup_code.revealed', target: accountId, accountId, detail: reason },
        claimed,
      ),
    ]);
    if (await firstRow(db, sql`SELECT 1 AS yes FROM backup_codes WHERE id = ${next.id} AND reveal_id = ${revealId}`)) {
      return code;
    }
    // Not claimed: the unlock ended (its error answers), or a parallel reveal took this code (try the next).
    await requireUnlock(c, accountId);
  }
  return null;
}

export const backupCodeRoutes = new Hono<AppEnv>()
  .use(requireMember)
  .get('/:id/backup-codes', valid('param', idParam), async (c) => {
    const account = await visibleAccount(c, c.req.valid('param').id);
    const [set] = await c.var.deps.db.select().from(backupCodeSets).where(eq(backupCodeSets.accountId, account.id));
    return c.json({ ...account.backupCodes, updatedAt: set ? new Date(set.updatedAt).toISOString() : null }, 200);
  })

  .put('/:id/backup-codes', valid('param', idParam), valid('json', backupCodesBody), async (c) => {
    const { db, clock, keys } = c.var.deps;
    const account = await visibleAccount(c, c.req.valid('param').id);
    await requireLeadOrUnlock(c, account.id);
    const now = clock.now();
    const me = c.var.member;
    const rows = await Promise.all(
      c.req.valid('json').codes.map(async (code, position) => {
        const id = newId(now);
        return sql`(${id}, ${me.teamId}, ${account.id}, ${position}, ${await encryptField(keys, codeField(id), code)}, ${now})`;
      }),
    );
    const { write } = secretAccess(c, account.id);
    const statements: Statement[] = [
      db.run(sql`DELETE FROM backup_codes WHERE account_id = ${account.id} AND ${write}`),
    ];
    for (let i = 0; i < rows.length; i += rowsPerInsert) {
      statements.push(
        db.run(sql`INSERT INTO backup_codes (id, team_id, account_id, position, code_enc, created_at)
          SELECT * FROM (VALUES ${sql.join(rows.slice(i, i + rowsPerInsert), sql`, `)}) WHERE ${write}`),
      );
    }
    const replaced = sql`EXISTS (SELECT 1 FROM backup_codes WHERE account_id = ${account.id} AND created_at = ${now}
      AND position = 0 AND used_at IS NULL) AND ${write}`;
    statements.push(
      db.run(sql`
        INSERT INTO backup_code_sets (account_id, team_id, updated_at, updated_by)
        SELECT ${account.id}, ${me.teamId}, ${now}, ${me.id} WHERE ${replaced}
        ON CONFLICT (account_id) DO UPDATE SET updated_at = excluded.updated_at, updated_by = excluded.updated_by`),
      eventInsertWhen(
        c.var.deps,
        auditContext(c),
        { action: 'backup_codes.replaced', target: account.id, accountId: account.id },
        replaced,
      ),
    );
    await runBatch(db, statements);
    const [set] = await db.select().from(backupCodeSets).where(eq(backupCodeSets.accountId, account.id));
    if (set?.updatedAt !== now || set.updatedBy !== me.id) throw unlockRequired();
    return c.body(null, 204);
  })

  .post('/:id/backup-codes/reveal', valid('param', idParam), valid('json', revealBody), async (c) => {
    const { db, clock } = c.var.deps;
    const account = await visibleAccount(c, c.req.valid('param').id);
    await requireUnlock(c, account.id);
    const { reason } = c.req.valid('json');
    const now = clock.now();
    const revealed = await claimNextCode(c, account.id, reason, now);
    if (!revealed) {
      await requireUnlock(c, account.id);
      throw new ApiError('no_backup_codes', 'No unused backup codes are left: store a new set from the platform.');
    }
    const left = await firstRow<{ n: number }>(
      db,
      sql`SELECT count(*) AS n FROM backup_codes WHERE account_id = ${account.id} AND used_at IS NULL`,
    );
    return c.json({ code: revealed, remaining: Number(left?.n ?? 0) }, 200);
  });
