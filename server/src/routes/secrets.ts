import { idParam, secretBody } from '@twostep/shared';
import { sql } from 'drizzle-orm';
import { Hono } from 'hono';
import { firstRow, runBatch, type Statement } from '../db/db.ts';
import type { AppEnv } from '../deps.ts';
import { decryptField, encryptField } from '../lib/crypto.ts';
import { valid } from '../lib/validate.ts';
import { requireMember } from '../middleware/auth.ts';
import { auditContext, eventInsertWhen } from '../services/audit.ts';
import { requireLeadOrUnlock, secretAccess, unlockRequired } from '../services/secret-access.ts';
import { visibleAccount } from './accounts.ts';

const passwordField = (accountId: string) => ({ table: 'secrets', column: 'password_enc', rowId: accountId });

export const secretRoutes = new Hono<AppEnv>()
  .use(requireMember)
  .get('/:id/secret', valid('param', idParam), async (c) => {
    const { db, keys } = c.var.deps;
    const account = await visibleAccount(c, c.req.valid('param').id);
    // Every read is an audit event, in the read's own batch and on the same rule: the row comes back (its
    // password, or null when none is stored) only where the unlock and the access hold in that very statement.
    const { read } = secretAccess(c, account.id);
    const [, readRows] = await runBatch(db, [
      eventInsertWhen(
        c.var.deps,
        auditContext(c),
        { action: 'secret.read', target: account.id, accountId: account.id },
        read,
      ),
      db.run(sql`SELECT (SELECT password_enc FROM secrets WHERE account_id = ${account.id}) AS password_enc
        WHERE ${read}`),
    ]);
    const row = readRows.rows[0] as unknown as { password_enc: string | null } | undefined;
    if (!row) {
      await visibleAccount(c, account.id);
      throw unlockRequired();
    }
    const password = row.password_enc ? await decryptField(keys, passwordField(account.id), row.password_enc) : null;
    return c.json({ loginName: account.loginName, password }, 200);
  })

  .put('/:id/secret', valid('param', idParam), valid('json', secretBody), async (c) => {
    const { db, clock, keys } = c.var.deps;
    const account = await visibleAccount(c, c.req.valid('param').id);
    await requireLeadOrUnlock(c, account.id);
    const body = c.req.valid('json');
    const now = clock.now();
    const me = c.var.member;
    const passwordEnc = await encryptField(keys, passwordField(account.id), body.password);
    const { write } = secretAccess(c, account.id);
    const written = sql`EXISTS (SELECT 1 FROM secrets WHERE account_id = ${account.id} AND password_enc = ${passwordEnc})`;
    const statements: Statement[] = [
      db.run(sql`
        INSERT INTO secrets (account_id, team_id, password_enc, updated_at, updated_by)
        SELECT ${account.id}, ${me.teamId}, ${passwordEnc}, ${now}, ${me.id} WHERE ${write}
        ON CONFLICT (account_id) DO UPDATE SET
          password_enc = excluded.password_enc, updated_at = excluded.updated_at, updated_by = excluded.updated_by`),
      eventInsertWhen(
        c.var.deps,
        auditContext(c),
        { action: 'secret.updated', target: account.id, accountId: account.id },
        written,
      ),
    ];
    if (body.loginName !== undefined) {
      statements.push(
        db.run(sql`UPDATE accounts SET login_name = ${body.loginName || null}, updated_at = ${now}
          WHERE id = ${account.id} AND ${written}`),
      );
    }
    await runBatch(db, statements);
    if (!(await firstRow(db, sql`SELECT 1 AS yes WHERE ${written}`))) throw unlockRequired();
    return c.body(null, 204);
  });
