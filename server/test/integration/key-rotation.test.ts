import { describe, expect, it } from 'vitest';
import { decryptField, deriveKeys } from '../../src/lib/crypto.ts';
import { resealBatch, rotationStatus, runKeyRotation } from '../../src/services/key-rotation.ts';
import { dispatchDue } from '../../src/sms/dispatcher.ts';
import { enroll, unlock } from '../engine.ts';
import { makeHarness, testSecret } from '../harness.ts';
import {
  accountWithSecrets,
  type Expected,
  expectEverySecretReadable,
  makeLegacy,
  sealedCount,
  writeSecrets,
} from '../rotation.ts';
import { nextMobile } from '../seed.ts';

// Rotating TWOSTEP_SECRET (server/DEPLOY.md): the app runs with the new secret and the old one, re-seals every
// stored value under the new one in batches, and then works with the new secret alone.

const newSecret = 'the-new-server-secret-after-a-leak-0123456789';
const strangerSecret = 'a-secret-this-server-never-had-0123456789abc';

describe('rotating TWOSTEP_SECRET', () => {
  it('re-seals everything while writes go on, and then every secret reads with the new secret alone', async () => {
    const h = await makeHarness();
    const expected = new Map<string, Expected>();
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(await accountWithSecrets(h, `old ${i}`, expected));
    // Half of it as stored before key ids existed: it must stay readable and be migrated too.
    await makeLegacy(h, 'secrets', 'password_enc', `account_id IN ('${ids[0]}', '${ids[1]}', '${ids[2]}')`);
    await makeLegacy(h, 'backup_codes', 'code_enc', `account_id IN ('${ids[3]}', '${ids[4]}')`);
    // Queued SMS bodies: the provider refuses for now, so they wait in the outbox, sealed.
    for (let i = 0; i < 3; i++) h.sms.next.push({ ok: false, retryable: true, error: 'provider_down' });
    const queued = [];
    for (let i = 0; i < 3; i++) {
      const account = await h.addAccount();
      const number = nextMobile();
      const started = await h.call('POST', `/v1/accounts/${account.id}/two-step`, {
        token: h.owner.token,
        body: { number },
      });
      expect(started.status).toBe(202);
      queued.push(number);
    }
    await h.settle();
    await makeLegacy(h, 'outbox', 'body_enc', '1 = 1');
    const oldKeyId = h.deps.keys.keyId;
    const total = await sealedCount(h);
    expect(total).toBe(6 + 18 + 3);

    // The restart with TWOSTEP_SECRET=new and TWOSTEP_SECRET_PREVIOUS=old.
    h.deps.keys = await deriveKeys(newSecret, testSecret);
    const before = await h.call('GET', '/v1/admin/key-rotation', { token: h.owner.token });
    expect(before.body).toEqual({
      keyId: h.deps.keys.keyId,
      previousKeyId: oldKeyId,
      remaining: total,
      unreadable: 0,
      done: false,
    });
    expect(h.deps.keys.keyId).not.toBe(oldKeyId);

    let finished = false;
    let writesDuringRun = 0;
    const rotation = runKeyRotation(h.deps, { batchSize: 2 }).finally(() => {
      finished = true;
    });
    const traffic = (async () => {
      for (let round = 0; !finished || round < 6; round++) {
        await writeSecrets(h, ids[round % ids.length]!, `new ${round}`, expected);
        if (!finished) writesDuringRun++;
      }
    })();
    const [run] = await Promise.all([rotation, traffic]);
    expect(run.finished).toBe(true);
    expect(run.unreadable).toBe(0);
    expect(writesDuringRun).toBeGreaterThan(0);
    expect(h.logs.some((line) => /^key rotation: \d+ values resealed under key \S+, 0 remaining$/.test(line))).toBe(
      true,
    );
    const after = await h.call('GET', '/v1/admin/key-rotation', { token: h.owner.token });
    expect(after.body).toMatchObject({ remaining: 0, unreadable: 0, done: true });

    // TWOSTEP_SECRET_PREVIOUS removed: the new secret alone.
    h.deps.keys = await deriveKeys(newSecret);
    await expectEverySecretReadable(h, expected);
    // Through the routes too: a fresh unlock of each account, its password and its next backup code.
    for (const id of ids) {
      const number = nextMobile();
      await enroll(h, h.owner.token, id, number);
      await unlock(h, h.owner.token, id, number);
      const secret = await h.call('GET', `/v1/accounts/${id}/secret`, { token: h.owner.token });
      expect(secret.body.password).toBe(expected.get(id)!.password);
      const revealed = await h.call('POST', `/v1/accounts/${id}/backup-codes/reveal`, {
        token: h.owner.token,
        body: { reason: 'rotation check' },
      });
      expect(revealed.body).toEqual({ code: expected.get(id)!.codes[0], remaining: 2 });
    }
    // The SMS queued before the switch are still delivered, their bodies read with the new secret alone.
    h.clock.advance(60_000);
    await dispatchDue(h.deps);
    for (const number of queued) {
      expect(h.sms.sent.filter((message) => message.to === number).at(-1)?.body).toMatch(/Code \d{6}/);
    }
  });

  it('never overwrites a value written while its batch was being re-sealed', async () => {
    const h = await makeHarness();
    const expected = new Map<string, Expected>();
    const id = await accountWithSecrets(h, 'before', expected);
    h.deps.keys = await deriveKeys(newSecret, testSecret);
    const result = await resealBatch(h.deps, undefined, {
      beforeWrite: async () => {
        const put = await h.call('PUT', `/v1/accounts/${id}/secret`, {
          token: h.owner.token,
          body: { password: 'written meanwhile' },
        });
        expect(put.status).toBe(204);
      },
    });
    expect(result).toMatchObject({ resealed: 0, changed: 1 });
    const [row] = await h.query<{ password_enc: string }>('SELECT password_enc FROM secrets');
    h.deps.keys = await deriveKeys(newSecret);
    const where = { table: 'secrets', column: 'password_enc', rowId: id };
    expect(await decryptField(h.deps.keys, where, row!.password_enc)).toBe('written meanwhile');
  });

  it('never brings back an SMS body the dispatcher erased while its batch was being re-sealed', async () => {
    const h = await makeHarness();
    h.sms.next.push({ ok: false, retryable: true, error: 'provider_down' });
    const account = await h.addAccount();
    const number = nextMobile();
    await h.call('POST', `/v1/accounts/${account.id}/two-step`, { token: h.owner.token, body: { number } });
    await h.settle();
    expect(await h.query("SELECT id FROM outbox WHERE status = 'queued' AND body_enc IS NOT NULL")).toHaveLength(1);
    h.deps.keys = await deriveKeys(newSecret, testSecret);
    const outboxColumn = { column: 2, after: '' };
    const result = await resealBatch(h.deps, outboxColumn, {
      beforeWrite: async () => {
        h.clock.advance(60_000);
        expect(await dispatchDue(h.deps)).toEqual({ sent: 1, failed: 0 });
      },
    });
    expect(result).toMatchObject({ resealed: 0, changed: 1 });
    expect(await h.query('SELECT status, body_enc FROM outbox')).toEqual([{ status: 'sent', body_enc: null }]);
    expect(h.sms.sent.at(-1)).toMatchObject({ to: number, body: expect.stringMatching(/Code \d{6}/) });
  });

  it('is resumable: stopped halfway, started again, it finishes what is left', async () => {
    const h = await makeHarness();
    const expected = new Map<string, Expected>();
    for (let i = 0; i < 5; i++) await accountWithSecrets(h, `acct ${i}`, expected);
    const total = await sealedCount(h);
    h.deps.keys = await deriveKeys(newSecret, testSecret);
    const first = await resealBatch(h.deps, undefined, { limit: 2 });
    const second = await resealBatch(h.deps, first.cursor!, { limit: 2 });
    expect(first.resealed + second.resealed).toBe(4);
    expect((await rotationStatus(h.deps)).remaining).toBe(total - 4);

    // A restart: new keys objects from the same configuration, a new run from the start.
    h.deps.keys = await deriveKeys(newSecret, testSecret);
    const rest = await runKeyRotation(h.deps, { batchSize: 3 });
    expect(rest).toMatchObject({ finished: true, resealed: total - 4, unreadable: 0 });
    expect((await rotationStatus(h.deps)).remaining).toBe(0);
    h.deps.keys = await deriveKeys(newSecret);
    await expectEverySecretReadable(h, expected);
  });

  it('answers a clear 503 for a value sealed under a key it does not hold, and uses up no backup code', async () => {
    const h = await makeHarness();
    const expected = new Map<string, Expected>();
    const id = await accountWithSecrets(h, 'sealed', expected);
    const oldKeyId = h.deps.keys.keyId;
    // TWOSTEP_SECRET replaced without TWOSTEP_SECRET_PREVIOUS.
    h.deps.keys = await deriveKeys(strangerSecret);
    const number = nextMobile();
    await enroll(h, h.owner.token, id, number);
    await unlock(h, h.owner.token, id, number);

    const read = await h.call('GET', `/v1/accounts/${id}/secret`, { token: h.owner.token });
    expect(read.status).toBe(503);
    expect(read.body.error.code).toBe('secret_unreadable');
    expect(read.body.error.message).toMatch(/TWOSTEP_SECRET_PREVIOUS/);
    expect(Object.keys(read.body.error).sort()).toEqual(['code', 'message', 'reason']);
    expect(JSON.stringify(read.body)).not.toMatch(/:\d+:\d+|UnreadableSealError|stack/);
    expect(h.logs.some((line) => line.includes(oldKeyId) && /unreadable sealed value/.test(line))).toBe(true);
    const reveal = await h.call('POST', `/v1/accounts/${id}/backup-codes/reveal`, {
      token: h.owner.token,
      body: { reason: 'checking the old key' },
    });
    expect([reveal.status, reveal.body.error.code]).toEqual([503, 'secret_unreadable']);
    const [left] = await h.query<{ n: number }>('SELECT count(*) AS n FROM backup_codes WHERE used_at IS NULL');
    expect(Number(left!.n)).toBe(3);

    const status = await h.call('GET', '/v1/admin/key-rotation', { token: h.owner.token });
    expect(status.body).toMatchObject({ previousKeyId: null, remaining: 4, unreadable: 4, done: false });
    // Values under a key not held are not even selected: there is nothing the run could do with them.
    const run = await runKeyRotation(h.deps, { batchSize: 2 });
    expect(run).toMatchObject({ finished: true, resealed: 0, unreadable: 0 });

    // The old secret given back as TWOSTEP_SECRET_PREVIOUS: readable again, and re-sealed.
    h.deps.keys = await deriveKeys(strangerSecret, testSecret);
    const again = await h.call('GET', `/v1/accounts/${id}/secret`, { token: h.owner.token });
    expect(again.body.password).toBe('password sealed');
    expect(await runKeyRotation(h.deps)).toMatchObject({ resealed: 4, unreadable: 0 });
  });

  it('accepts a code sent just before the switch while the old secret is held, not after', async () => {
    const h = await makeHarness();
    const account = await h.addAccount();
    const start = async (number: string) => {
      const started = await h.call('POST', `/v1/accounts/${account.id}/two-step`, {
        token: h.owner.token,
        body: { number },
      });
      await h.settle();
      const code = /Code (\d{6})/.exec(h.sms.sent.at(-1)!.body)![1]!;
      return { id: started.body.challenge.id as string, code };
    };
    const kept = await start(nextMobile());
    h.deps.keys = await deriveKeys(newSecret, testSecret);
    const verified = await h.call('POST', `/v1/challenges/${kept.id}/verify`, {
      token: h.owner.token,
      body: { code: kept.code },
    });
    expect(verified.status).toBe(200);

    const second = await h.addAccount();
    h.deps.keys = await deriveKeys(testSecret);
    const started = await h.call('POST', `/v1/accounts/${second.id}/two-step`, {
      token: h.owner.token,
      body: { number: nextMobile() },
    });
    await h.settle();
    const code = /Code (\d{6})/.exec(h.sms.sent.at(-1)!.body)![1]!;
    h.deps.keys = await deriveKeys(newSecret);
    const refused = await h.call('POST', `/v1/challenges/${started.body.challenge.id}/verify`, {
      token: h.owner.token,
      body: { code },
    });
    expect(refused.body.error.code).toBe('code_invalid');
  });
});
