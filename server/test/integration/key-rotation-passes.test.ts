import { describe, expect, it } from 'vitest';
import { decryptField, deriveKeys, sealPrefix } from '../../src/lib/crypto.ts';
import { rotationStatus, runKeyRotation } from '../../src/services/key-rotation.ts';
import { makeHarness, testSecret } from '../harness.ts';
import { accountWithSecrets, type Expected, expectEverySecretReadable, makeLegacy } from '../rotation.ts';
import { nextMobile } from '../seed.ts';

// The re-sealing passes themselves (server/DEPLOY.md, "Rotating TWOSTEP_SECRET"): bounded runs that go on where
// the last one stopped, that values under a key not held cannot hold up, and that cost nothing once done.

const newSecret = 'the-new-server-secret-after-a-leak-0123456789';
const strangerSecret = 'a-secret-this-server-never-had-0123456789abc';

async function countUnder(h: Awaited<ReturnType<typeof makeHarness>>, keyId: string) {
  const prefix = sealPrefix(keyId);
  const [row] = await h.query<{ n: number }>(`SELECT
    (SELECT count(*) FROM secrets WHERE password_enc LIKE '${prefix}%')
      + (SELECT count(*) FROM backup_codes WHERE code_enc LIKE '${prefix}%')
      + (SELECT count(*) FROM outbox WHERE body_enc LIKE '${prefix}%') AS n`);
  return Number(row!.n);
}

describe('re-sealing passes', () => {
  it('are not held up by values under a key the server does not hold: later tables are re-sealed too', async () => {
    const h = await makeHarness();
    const expected = new Map<string, Expected>();
    // Five accounts sealed under a secret this server never gets: 5 passwords and 15 backup codes it cannot open.
    h.deps.keys = await deriveKeys(strangerSecret);
    for (let i = 0; i < 5; i++) await accountWithSecrets(h, `stranger ${i}`, expected);
    // One account and one queued SMS under the secret being replaced.
    h.deps.keys = await deriveKeys(testSecret);
    const mine = await accountWithSecrets(h, 'mine', expected);
    h.sms.next.push({ ok: false, retryable: true, error: 'provider_down' });
    const account = await h.addAccount();
    await h.call('POST', `/v1/accounts/${account.id}/two-step`, {
      token: h.owner.token,
      body: { number: nextMobile() },
    });
    await h.settle();

    h.deps.keys = await deriveKeys(newSecret, testSecret);
    // Workers-sized ticks, scaled down: 2 batches of 2 values each.
    for (let tick = 0; tick < 3; tick++) await runKeyRotation(h.deps, { batchSize: 2, maxBatches: 2 });
    expect(await countUnder(h, h.deps.keys.keyId)).toBe(1 + 3 + 1);
    expect(await rotationStatus(h.deps)).toMatchObject({ remaining: 20, unreadable: 20, done: false });
    const [row] = await h.query<{ password_enc: string }>(
      `SELECT password_enc FROM secrets WHERE account_id = '${mine}'`,
    );
    const where = { table: 'secrets', column: 'password_enc', rowId: mine };
    expect(await decryptField(await deriveKeys(newSecret), where, row!.password_enc)).toBe('password mine');
  });

  it('say on each pass that the rotation is complete once nothing is left, and the status says done', async () => {
    const h = await makeHarness();
    await accountWithSecrets(h, 'one', new Map());
    h.deps.keys = await deriveKeys(newSecret, testSecret);
    const complete = () => h.logs.filter((line) => line === 'key rotation complete: remove TWOSTEP_SECRET_PREVIOUS');
    expect((await h.call('GET', '/v1/admin/key-rotation', { token: h.owner.token })).body.done).toBe(false);
    expect(await runKeyRotation(h.deps)).toMatchObject({ resealed: 4, finished: true, skipped: false });
    expect(complete()).toHaveLength(1);
    expect(await runKeyRotation(h.deps)).toMatchObject({ resealed: 0, skipped: false });
    expect(complete()).toHaveLength(2);
    const status = await h.call('GET', '/v1/admin/key-rotation', { token: h.owner.token });
    expect(status.body).toEqual({
      keyId: h.deps.keys.keyId,
      previousKeyId: h.deps.keys.previous!.keyId,
      remaining: 0,
      unreadable: 0,
      done: true,
    });
  });

  it('cost nothing once a pass with no previous key is done, until the configuration changes', async () => {
    const h = await makeHarness();
    const expected = new Map<string, Expected>();
    const id = await accountWithSecrets(h, 'legacy', expected);
    await makeLegacy(h, 'secrets', 'password_enc', `account_id = '${id}'`);
    h.deps.keys = await deriveKeys(testSecret);
    expect(await runKeyRotation(h.deps)).toMatchObject({ resealed: 1, finished: true, skipped: false });
    expect(await runKeyRotation(h.deps)).toMatchObject({ resealed: 0, skipped: true });
    // Nothing writes v1 any more; one made by hand is proof that the skipped pass did not look.
    await makeLegacy(h, 'backup_codes', 'code_enc', `account_id = '${id}'`);
    expect(await runKeyRotation(h.deps)).toMatchObject({ resealed: 0, skipped: true });
    expect(await h.query("SELECT 1 FROM backup_codes WHERE code_enc LIKE 'v1.%'")).toHaveLength(3);
    // A restart (new keys from the same configuration) makes one full pass again.
    h.deps.keys = await deriveKeys(testSecret);
    expect(await runKeyRotation(h.deps)).toMatchObject({ resealed: 3, skipped: false });
    await expectEverySecretReadable(h, expected);
  });
});
