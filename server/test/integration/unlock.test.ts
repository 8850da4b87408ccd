import { limits } from '@twostep/shared';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { enroll, enrollSetup, lastCode } from '../engine.ts';
import { makeHarness } from '../harness.ts';

describe('unlocking an account', () => {
  it('sends a code naming who asks, and unlocks that account for that member for 15 minutes', async () => {
    const h = await makeHarness();
    const { member, account, number } = await enrollSetup(h);
    await enroll(h, member.token, account.id, number);
    expect((await h.call('GET', `/v1/accounts/${account.id}/unlock`, { token: member.token })).body).toEqual({
      unlockedUntil: null,
    });
    const started = await h.call('POST', `/v1/accounts/${account.id}/unlock`, { token: member.token });
    const code = await lastCode(h, number);
    expect(h.sms.sent.at(-1)?.body).toBe(
      `Twostep: Anna asks to sign in to @${account.handle} on Instagram. Code ${code}, valid 10 minutes. Give it only to Anna.`,
    );
    await h.call('POST', `/v1/challenges/${started.body.challenge.id}/verify`, { token: member.token, body: { code } });
    const unlocked = await h.call('GET', `/v1/accounts/${account.id}/unlock`, { token: member.token });
    expect(Date.parse(unlocked.body.unlockedUntil) - h.clock.now()).toBe(limits.unlockMs);
    const lead = await h.call('GET', `/v1/accounts/${account.id}/unlock`, { token: h.owner.token });
    expect(lead.body.unlockedUntil).toBeNull();
    h.clock.advance(limits.unlockMs);
    expect(
      (await h.call('GET', `/v1/accounts/${account.id}/unlock`, { token: member.token })).body.unlockedUntil,
    ).toBeNull();
  });

  it('hides a challenge from its member once the grant is gone: 404 to read, verify or resend, and nothing counted', async () => {
    const h = await makeHarness();
    const { member, account, number } = await enrollSetup(h);
    await enroll(h, member.token, account.id, number);
    const started = await h.call('POST', `/v1/accounts/${account.id}/unlock`, { token: member.token });
    const id = started.body.challenge.id;
    const code = await lastCode(h, number);
    await h.call('DELETE', `/v1/accounts/${account.id}/grants/${member.id}`, { token: h.owner.token });
    h.clock.advance(limits.resendAfterMs);
    const read = await h.call('GET', `/v1/challenges/${id}`, { token: member.token });
    const verify = await h.call('POST', `/v1/challenges/${id}/verify`, { token: member.token, body: { code } });
    const resend = await h.call('POST', `/v1/challenges/${id}/resend`, { token: member.token });
    expect([read.status, verify.status, resend.status]).toEqual([404, 404, 404]);
    expect([read.body.error.code, verify.body.error.code, resend.body.error.code]).toEqual([
      'not_found',
      'not_found',
      'not_found',
    ]);
    const [row] = await h.db.all(sql`SELECT attempts, resends, status FROM challenges WHERE id = ${id}`);
    expect(row).toMatchObject({ attempts: 0, resends: 0, status: 'pending' });
  });

  it('answers 409 two_step_off for an account without two-step', async () => {
    const h = await makeHarness();
    const { member, account } = await enrollSetup(h);
    const off = await h.call('POST', `/v1/accounts/${account.id}/unlock`, { token: member.token });
    expect(off.status).toBe(409);
    expect(off.body.error.code).toBe('two_step_off');
  });

  it(`pauses new unlocks for an hour after ${limits.accountFailuresBeforeLock} consecutive wrong codes across challenges`, async () => {
    const h = await makeHarness();
    const { member, account, number } = await enrollSetup(h);
    await enroll(h, member.token, account.id, number);
    let wrongSoFar = 0;
    while (wrongSoFar < limits.accountFailuresBeforeLock) {
      h.clock.advance(60 * 60_000); // fresh send budgets
      const started = await h.call('POST', `/v1/accounts/${account.id}/unlock`, { token: member.token });
      expect(started.status).toBe(202);
      const code = await lastCode(h, number);
      const bad = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
      for (
        let i = 0;
        i < limits.wrongAnswersPerChallenge && wrongSoFar < limits.accountFailuresBeforeLock;
        i++, wrongSoFar++
      ) {
        await h.call('POST', `/v1/challenges/${started.body.challenge.id}/verify`, {
          token: member.token,
          body: { code: bad },
        });
      }
    }
    const paused = await h.call('POST', `/v1/accounts/${account.id}/unlock`, { token: member.token });
    expect(paused.status).toBe(423);
    expect(paused.body.error.code).toBe('account_locked');
    expect(Number(paused.headers.get('Retry-After'))).toBe(60 * 60);
    h.clock.advance(limits.accountLockMs);
    expect((await h.call('POST', `/v1/accounts/${account.id}/unlock`, { token: member.token })).status).toBe(202);
  });

  it('resets the account count with a right code: 19 wrong, 1 right, 19 wrong does not lock', async () => {
    const h = await makeHarness();
    const { member, account, number } = await enrollSetup(h);
    await enroll(h, member.token, account.id, number);
    const failMany = async (count: number) => {
      let done = 0;
      while (done < count) {
        h.clock.advance(60 * 60_000);
        const started = await h.call('POST', `/v1/accounts/${account.id}/unlock`, { token: member.token });
        const code = await lastCode(h, number);
        const bad = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
        for (let i = 0; i < 4 && done < count; i++, done++) {
          await h.call('POST', `/v1/challenges/${started.body.challenge.id}/verify`, {
            token: member.token,
            body: { code: bad },
          });
        }
        if (done === count) return started.body.challenge.id as string;
      }
      return '';
    };
    const last = await failMany(limits.accountFailuresBeforeLock - 1);
    const code = await lastCode(h, number);
    expect(
      (await h.call('POST', `/v1/challenges/${last}/verify`, { token: member.token, body: { code } })).status,
    ).toBe(200);
    await failMany(limits.accountFailuresBeforeLock - 1);
    expect((await h.call('POST', `/v1/accounts/${account.id}/unlock`, { token: member.token })).status).toBe(202);
  });
});
