import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { afterEach, describe, expect, it } from 'vitest';
import { decryptField, deriveKeys } from '../../src/lib/crypto.ts';
import { reportFigure } from '../support/figures.ts';
import { freePort, repoRoot, startScript } from '../support/processes.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const secret = 'backup-test-secret-that-is-long-enough-0123456789';

/** Runs one of the repo's scripts to its end, as `npm run backup` / `npm run restore` do. */
function runScript(script: string, args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; output: string }>((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, script), ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    child.on('close', (code) => done({ code, output }));
  });
}

describe('npm run backup, then npm run restore', () => {
  it('a backup taken during a burst of writes holds everything committed before it began, secrets readable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'twostep-backup-'));
    const fresh = mkdtempSync(join(tmpdir(), 'twostep-restore-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    cleanups.push(() => rmSync(fresh, { recursive: true, force: true }));
    const port = await freePort();
    const env = {
      PORT: String(port),
      DATABASE_URL: `file:${join(dir, 'twostep.db')}`,
      TWOSTEP_DATA_DIR: dir,
      TWOSTEP_SECRET: secret,
      SMS_PROVIDER: 'outbox',
    };
    const server = await startScript('server/src/node.ts', env);
    cleanups.push(() => server.kill('SIGKILL'));
    const call = async (method: string, path: string, token?: string, body?: unknown) => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`, {
        method,
        headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      // biome-ignore lint/suspicious/noExplicitAny: the test reads contract answers loosely.
      return { status: response.status, body: (await response.json().catch(() => null)) as Record<string, any> };
    };
    const owner = await call('POST', '/v1/setup', undefined, {
      team: 'Backup',
      name: 'Olivia',
      email: 'o@b.test',
      password: 'backup password 1',
    });
    const token = owner.body.token as string;
    // One account with two-step on (a phone, an enrollment) and a stored password, before the burst.
    const protectedAccount = (await call('POST', '/v1/accounts', token, { platform: 'instagram', handle: 'safe' })).body
      .account.id as string;
    const started = await call('POST', `/v1/accounts/${protectedAccount}/two-step`, token, {
      number: '+4915123456789',
    });
    let code: string | undefined;
    for (let i = 0; i < 50 && !code; i++) {
      const outbox = await call('GET', '/v1/dev/outbox', token);
      code = /Code (\d{6})/.exec(outbox.body?.messages?.[0]?.body ?? '')?.[1];
      if (!code) await new Promise((done) => setTimeout(done, 100));
    }
    expect((await call('POST', `/v1/challenges/${started.body.challenge.id}/verify`, token, { code })).status).toBe(
      200,
    );
    const put = await call('PUT', `/v1/accounts/${protectedAccount}/secret`, token, {
      loginName: 'safe.login',
      password: 'correct horse, kept safe',
    });
    expect(put.status).toBeLessThan(300);

    // The burst: six lanes creating accounts until the backup is done; each records when its 201 came.
    const committed: { id: string; at: number }[] = [];
    let writing = true;
    let n = 0;
    const lanes = Array.from({ length: 6 }, async () => {
      while (writing) {
        const made = await call('POST', '/v1/accounts', token, { platform: 'tiktok', handle: `burst${n++}` });
        if (made.status === 201) committed.push({ id: made.body.account.id, at: Date.now() });
      }
    });
    await new Promise((done) => setTimeout(done, 400));
    const began = Date.now();
    const backupFile = join(dir, 'copy.db');
    const backup = await runScript('server/scripts/backup.ts', [backupFile], env);
    const ended = Date.now();
    await new Promise((done) => setTimeout(done, 200));
    writing = false;
    await Promise.all(lanes);
    expect(backup.code, backup.output).toBe(0);
    expect(backup.output).toContain('integrity ok');

    const restoredEnv = { ...env, DATABASE_URL: `file:${join(fresh, 'twostep.db')}`, TWOSTEP_DATA_DIR: fresh };
    const restore = await runScript('server/scripts/restore.ts', [backupFile], restoredEnv);
    expect(restore.code, restore.output).toBe(0);

    const db = createClient({ url: restoredEnv.DATABASE_URL });
    cleanups.push(() => db.close());
    expect((await db.execute('PRAGMA integrity_check')).rows[0]?.integrity_check).toBe('ok');
    expect((await db.execute('PRAGMA foreign_key_check')).rows).toHaveLength(0);
    const present = new Set((await db.execute('SELECT id FROM accounts')).rows.map((row) => String(row.id)));
    const before = committed.filter((write) => write.at < began);
    expect(before.length).toBeGreaterThan(0);
    for (const write of before) expect(present.has(write.id), write.id).toBe(true);
    const created = new Set(
      (await db.execute("SELECT account_id FROM events WHERE action = 'account.created'")).rows.map((r) =>
        String(r.account_id),
      ),
    );
    for (const write of before) expect(created.has(write.id)).toBe(true);
    const enrollment = await db.execute({
      sql: 'SELECT p.number FROM enrollments e JOIN phones p ON p.id = e.phone_id WHERE e.account_id = ?',
      args: [protectedAccount],
    });
    expect(enrollment.rows[0]?.number).toBe('+4915123456789');
    const stored = await db.execute({
      sql: 'SELECT password_enc FROM secrets WHERE account_id = ?',
      args: [protectedAccount],
    });
    const sealed = String(stored.rows[0]?.password_enc);
    expect(sealed).not.toContain('kept safe');
    const where = { table: 'secrets', column: 'password_enc', rowId: protectedAccount };
    expect(await decryptField(await deriveKeys(secret), where, sealed)).toBe('correct horse, kept safe');

    reportFigure('backup', {
      'writes before it began': before.length,
      'writes during it': committed.filter((write) => write.at >= began && write.at <= ended).length,
      'took, in ms': ended - began,
      lost: before.filter((write) => !present.has(write.id)).length,
    });
  }, 90_000);
});
