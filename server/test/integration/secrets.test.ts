import { describe, expect, it } from 'vitest';
import { deriveKeys, encryptField } from '../../src/lib/crypto.ts';
import { enroll, enrollSetup, lastCode } from '../engine.ts';
import { type Harness, makeHarness } from '../harness.ts';

async function unlockedMember(h: Harness) {
  const setup = await enrollSetup(h);
  await enroll(h, setup.member.token, setup.account.id, setup.number);
  const started = await h.call('POST', `/v1/accounts/${setup.account.id}/unlock`, { token: setup.member.token });
  const code = await lastCode(h, setup.number);
  await h.call('POST', `/v1/challenges/${started.body.challenge.id}/verify`, {
    token: setup.member.token,
    body: { code },
  });
  return setup;
}

describe('the account password', () => {
  it('needs an active unlock to read, for leads too (403 unlock_required)', async () => {
    const h = await makeHarness();
    const { account } = await enrollSetup(h);
    await h.call('PUT', `/v1/accounts/${account.id}/secret`, {
      token: h.owner.token,
      body: { loginName: 'acme.login', password: 'hunter2 but longer' },
    });
    const locked = await h.call('GET', `/v1/accounts/${account.id}/secret`, { token: h.owner.token });
    expect(locked.status).toBe(403);
    expect(locked.body.error.code).toBe('unlock_required');
  });

  it('is readable by an unlocked member, and every read is an audit event', async () => {
    const h = await makeHarness();
    const { member, account } = await unlockedMember(h);
    expect(
      (
        await h.call('PUT', `/v1/accounts/${account.id}/secret`, {
          token: member.token,
          body: { loginName: 'acme.login', password: 'pa55 word!' },
        })
      ).status,
    ).toBe(204);
    const read = await h.call('GET', `/v1/accounts/${account.id}/secret`, { token: member.token });
    expect(read.body).toEqual({ loginName: 'acme.login', password: 'pa55 word!' });
    const reads = await h.query<{ n: number }>("SELECT count(*) AS n FROM events WHERE action = 'secret.read'");
    expect(Number(reads[0]?.n)).toBe(1);
  });

  it('cannot be written by a member without an unlock', async () => {
    const h = await makeHarness();
    const { member, account } = await enrollSetup(h);
    const refused = await h.call('PUT', `/v1/accounts/${account.id}/secret`, {
      token: member.token,
      body: { password: 'x' },
    });
    expect(refused.status).toBe(403);
  });

  it('is stored encrypted, bound to its row: moved to another account it no longer decrypts', async () => {
    const h = await makeHarness();
    const { account } = await enrollSetup(h);
    const other = await h.addAccount({ handle: 'other' });
    await h.call('PUT', `/v1/accounts/${account.id}/secret`, {
      token: h.owner.token,
      body: { password: 'only for acme' },
    });
    const [row] = await h.query<{ password_enc: string }>('SELECT password_enc FROM secrets');
    expect(row?.password_enc).toMatch(/^v2\.[\w-]{8}\./);
    expect(row?.password_enc).not.toContain('only for acme');
    const { decryptField } = await import('../../src/lib/crypto.ts');
    const at = (rowId: string) => ({ table: 'secrets', column: 'password_enc', rowId });
    expect(await decryptField(h.deps.keys, at(account.id), row!.password_enc)).toBe('only for acme');
    await expect(decryptField(h.deps.keys, at(other.id), row!.password_enc)).rejects.toThrow();
    await expect(
      decryptField(h.deps.keys, { table: 'backup_codes', column: 'code_enc', rowId: account.id }, row!.password_enc),
    ).rejects.toThrow();
  });
});

describe('backup codes', () => {
  it('are counted, never listed; a reveal hands out one unused code with a reason and marks it used', async () => {
    const h = await makeHarness();
    const { member, account } = await unlockedMember(h);
    const codes = ['1111 2222', '3333 4444', '5555 6666'];
    expect(
      (await h.call('PUT', `/v1/accounts/${account.id}/backup-codes`, { token: member.token, body: { codes } })).status,
    ).toBe(204);
    const counts = await h.call('GET', `/v1/accounts/${account.id}/backup-codes`, { token: member.token });
    expect(counts.body).toMatchObject({ remaining: 3, total: 3 });
    expect(JSON.stringify(counts.body)).not.toContain('1111');

    const reveal = () =>
      h.call('POST', `/v1/accounts/${account.id}/backup-codes/reveal`, {
        token: member.token,
        body: { reason: 'Client phone is abroad' },
      });
    expect((await reveal()).body).toEqual({ code: '1111 2222', remaining: 2 });
    expect((await reveal()).body).toEqual({ code: '3333 4444', remaining: 1 });
    const listed = await h.call('GET', `/v1/accounts/${account.id}`, { token: member.token });
    expect(listed.body.account.backupCodes).toEqual({ remaining: 1, total: 3 });
    const [event] = await h.query<{ detail: string; actor: string }>(
      "SELECT detail, actor FROM events WHERE action = 'backup_code.revealed'",
    );
    expect(event).toEqual({ detail: 'Client phone is abroad', actor: member.id });
    const audit = await h.call('GET', `/v1/events?accountId=${account.id}`, { token: h.owner.token });
    const revealed = audit.body.events.filter((e: { action: string }) => e.action === 'backup_code.revealed');
    expect(revealed).toHaveLength(2);
    expect(revealed[0]).toMatchObject({
      actor: member.id,
      target: account.id,
      result: 'ok',
      detail: 'Client phone is abroad',
    });
  });

  it('hand out each code once under parallel reveals, then 409 no_backup_codes', async () => {
    const h = await makeHarness();
    const { member, account } = await unlockedMember(h);
    const codes = Array.from({ length: 5 }, (_, i) => `code-${i}-abcd`);
    await h.call('PUT', `/v1/accounts/${account.id}/backup-codes`, { token: member.token, body: { codes } });
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        h.call('POST', `/v1/accounts/${account.id}/backup-codes/reveal`, {
          token: member.token,
          body: { reason: 'travel' },
        }),
      ),
    );
    const revealed = answers.filter((a) => a.status === 200).map((a) => a.body.code);
    expect(revealed.sort()).toEqual([...codes].sort());
    expect(answers.filter((a) => a.status === 409).every((a) => a.body.error.code === 'no_backup_codes')).toBe(true);
    const events = await h.query<{ n: number }>(
      "SELECT count(*) AS n FROM events WHERE action = 'backup_code.revealed'",
    );
    expect(Number(events[0]?.n)).toBe(5);
  });

  it('under parallel reveals, never use up a code other than the one it opened first', async () => {
    const h = await makeHarness();
    const { member, account } = await unlockedMember(h);
    await h.call('PUT', `/v1/accounts/${account.id}/backup-codes`, {
      token: member.token,
      body: { codes: ['readable-code', 'second-code'] },
    });
    // The second code sealed under a secret this server does not hold (TWOSTEP_SECRET_PREVIOUS removed too early).
    const [second] = await h.query<{ id: string }>(
      `SELECT id FROM backup_codes WHERE account_id = '${account.id}' AND position = 1`,
    );
    const stranger = await deriveKeys('a-secret-this-server-never-had-0123456789abc');
    const where = { table: 'backup_codes', column: 'code_enc', rowId: second!.id };
    await h.query(`UPDATE backup_codes SET code_enc = '${await encryptField(stranger, where, 'second-code')}'
      WHERE id = '${second!.id}'`);
    const answers = await Promise.all(
      Array.from({ length: 6 }, () =>
        h.call('POST', `/v1/accounts/${account.id}/backup-codes/reveal`, {
          token: member.token,
          body: { reason: 'travel' },
        }),
      ),
    );
    expect(answers.filter((a) => a.status === 200).map((a) => a.body.code)).toEqual(['readable-code']);
    expect(answers.filter((a) => a.status !== 200).map((a) => [a.status, a.body.error.code])).toEqual(
      Array.from({ length: 5 }, () => [503, 'secret_unreadable']),
    );
    const unused = await h.query<{ id: string }>('SELECT id FROM backup_codes WHERE used_at IS NULL');
    expect(unused).toEqual([{ id: second!.id }]);
  });

  it('need an unlock to reveal, leads included, and a reason', async () => {
    const h = await makeHarness();
    const { account } = await enrollSetup(h);
    await h.call('PUT', `/v1/accounts/${account.id}/backup-codes`, {
      token: h.owner.token,
      body: { codes: ['1234 5678'] },
    });
    const lead = await h.call('POST', `/v1/accounts/${account.id}/backup-codes/reveal`, {
      token: h.owner.token,
      body: { reason: 'audit' },
    });
    expect(lead.status).toBe(403);
    const noReason = await h.call('POST', `/v1/accounts/${account.id}/backup-codes/reveal`, {
      token: h.owner.token,
      body: {},
    });
    expect(noReason.status).toBe(400);
  });

  it('are replaced as a set', async () => {
    const h = await makeHarness();
    const { account } = await enrollSetup(h);
    await h.call('PUT', `/v1/accounts/${account.id}/backup-codes`, {
      token: h.owner.token,
      body: { codes: ['a1a1a1', 'b2b2b2'] },
    });
    await h.call('PUT', `/v1/accounts/${account.id}/backup-codes`, {
      token: h.owner.token,
      body: { codes: ['c3c3c3'] },
    });
    const counts = await h.call('GET', `/v1/accounts/${account.id}/backup-codes`, { token: h.owner.token });
    expect(counts.body).toMatchObject({ remaining: 1, total: 1 });
    expect(Date.parse(counts.body.updatedAt)).toBe(h.clock.now());
  });
});

describe('reading the password is decided in the read itself', () => {
  it('a grant removed while a read runs: no read answers after it, and no secret.read event follows it', async () => {
    const h = await makeHarness();
    const { member, account } = await unlockedMember(h);
    await h.call('PUT', `/v1/accounts/${account.id}/secret`, {
      token: h.owner.token,
      body: { password: 'pa55 word!' },
    });
    const [team] = await h.query<{ id: string }>('SELECT id FROM teams');
    // The removal starts a little later each trial, so it lands at a different step of the read. (On the
    // in-memory database a request runs its queries without yielding: the race shows on the others.)
    const yields = async (n: number) => {
      for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
    };
    for (let trial = 0; trial < 60; trial++) {
      if (trial > 0) {
        // Granted and unlocked again (as a grant and an unlock would leave it), for the next race.
        const now = h.clock.now();
        await h.query(`INSERT INTO grants (account_id, member_id, team_id, granted_at)
          VALUES ('${account.id}', '${member.id}', '${team!.id}', ${now})`);
        await h.query(`INSERT INTO unlocks (id, team_id, account_id, member_id, until, created_at)
          VALUES ('race-${trial}', '${team!.id}', '${account.id}', '${member.id}', ${now + 60_000}, ${now})`);
      }
      const [read] = await Promise.all([
        h.call('GET', `/v1/accounts/${account.id}/secret`, { token: member.token }),
        yields(trial).then(() =>
          h.call('DELETE', `/v1/accounts/${account.id}/grants/${member.id}`, { token: h.owner.token }),
        ),
      ]);
      const order = await h.query<{ action: string }>(
        `SELECT action FROM events WHERE action IN ('secret.read', 'grant.removed') ORDER BY rowid DESC LIMIT 1`,
      );
      // The last of the two is the removal: a read either happened entirely before it or not at all.
      expect(order).toEqual([{ action: 'grant.removed' }]);
      if (read.status === 200) expect(read.body.password).toBe('pa55 word!');
      else expect([read.status, read.body.error.code]).toEqual([404, 'not_found']);
    }
  });
});
