import { limits } from '@twostep/shared';
import { describe, expect, it } from 'vitest';
import { enroll, enrollSetup, lastCode, numbers, unlock } from '../engine.ts';
import { makeHarness } from '../harness.ts';

describe('a code is good only while two-step is as it was when the code was asked for', () => {
  it('an unlock code dies when a lead forces two-step off (lost phone): no resend, no verify, no secret', async () => {
    const h = await makeHarness();
    const { member, account, number } = await enrollSetup(h);
    await enroll(h, member.token, account.id, number);
    await h.call('PUT', `/v1/accounts/${account.id}/secret`, { token: h.owner.token, body: { password: 'p4ssword!' } });
    const started = await h.call('POST', `/v1/accounts/${account.id}/unlock`, { token: member.token });
    const code = await lastCode(h, number);
    const forced = await h.call('DELETE', `/v1/accounts/${account.id}/two-step`, {
      token: h.owner.token,
      body: { force: true, reason: 'phone lost' },
    });
    expect(forced.status).toBe(200);
    h.clock.advance(limits.resendAfterMs);
    const resend = await h.call('POST', `/v1/challenges/${started.body.challenge.id}/resend`, { token: member.token });
    expect(resend.status).toBe(409);
    expect(resend.body.error.code).toBe('two_step_off');
    const verify = await h.call('POST', `/v1/challenges/${started.body.challenge.id}/verify`, {
      token: member.token,
      body: { code },
    });
    expect(verify.status).toBe(409);
    expect(verify.body.error.code).toBe('two_step_off');
    expect((await h.call('GET', `/v1/accounts/${account.id}/secret`, { token: member.token })).status).toBe(403);
  });

  it('an unlock code sent to the old number stops working once the number changed', async () => {
    const h = await makeHarness();
    const { member, account, number } = await enrollSetup(h);
    await enroll(h, member.token, account.id, number);
    const oldUnlock = await h.call('POST', `/v1/accounts/${account.id}/unlock`, { token: member.token });
    const oldCode = await lastCode(h, number);
    const change = await h.call('POST', `/v1/accounts/${account.id}/two-step`, {
      token: h.owner.token,
      body: { number: numbers.de2 },
    });
    const changeCode = await lastCode(h, numbers.de2);
    await h.call('POST', `/v1/challenges/${change.body.challenge.id}/verify`, {
      token: h.owner.token,
      body: { code: changeCode },
    });
    const verify = await h.call('POST', `/v1/challenges/${oldUnlock.body.challenge.id}/verify`, {
      token: member.token,
      body: { code: oldCode },
    });
    expect(verify.status).toBe(409);
    expect(
      (await h.call('GET', `/v1/accounts/${account.id}/unlock`, { token: member.token })).body.unlockedUntil,
    ).toBeNull();
  });

  it('a right unlock code is refused once the account locked, even on a challenge opened before', async () => {
    const h = await makeHarness();
    const { member, account, number } = await enrollSetup(h);
    await enroll(h, member.token, account.id, number);
    await h.query(
      `UPDATE accounts SET failed_codes = ${limits.accountFailuresBeforeLock - 1} WHERE id = '${account.id}'`,
    );
    const first = await h.call('POST', `/v1/accounts/${account.id}/unlock`, { token: member.token });
    const firstCode = await lastCode(h, number);
    const second = await h.call('POST', `/v1/accounts/${account.id}/unlock`, { token: member.token });
    const secondCode = await lastCode(h, number);
    const wrong = String((Number(firstCode) + 1) % 1_000_000).padStart(6, '0');
    expect(
      (
        await h.call('POST', `/v1/challenges/${first.body.challenge.id}/verify`, {
          token: member.token,
          body: { code: wrong },
        })
      ).status,
    ).toBe(400);
    const right = await h.call('POST', `/v1/challenges/${second.body.challenge.id}/verify`, {
      token: member.token,
      body: { code: secondCode },
    });
    expect(right.status).toBe(423);
    expect(right.body.error.code).toBe('account_locked');
    expect(await h.query(`SELECT id FROM unlocks WHERE account_id = '${account.id}'`)).toHaveLength(0);
  });

  it('a challenge dies with the grant: a member whose grant was revoked cannot use a code', async () => {
    const h = await makeHarness();
    const { member, account, number } = await enrollSetup(h);
    await enroll(h, member.token, account.id, number);
    const started = await h.call('POST', `/v1/accounts/${account.id}/unlock`, { token: member.token });
    const code = await lastCode(h, number);
    await h.call('DELETE', `/v1/accounts/${account.id}/grants/${member.id}`, { token: h.owner.token });
    const verify = await h.call('POST', `/v1/challenges/${started.body.challenge.id}/verify`, {
      token: member.token,
      body: { code },
    });
    expect(verify.status).toBe(404);
  });

  it('two parallel enrollments naming the same new number both start (one phone, two platforms)', async () => {
    const h = await makeHarness();
    const member = await h.addMember();
    const instagram = await h.addAccount({ platform: 'instagram', handle: 'same' });
    const tiktok = await h.addAccount({ platform: 'tiktok', handle: 'same' });
    for (const account of [instagram, tiktok]) await h.grant(account.id, member.id);
    const answers = await Promise.all(
      [instagram, tiktok].map((account) =>
        h.call('POST', `/v1/accounts/${account.id}/two-step`, { token: member.token, body: { number: numbers.de } }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual([202, 202]);
    expect(await h.query('SELECT id FROM phones')).toHaveLength(1);
  });

  it('unlocking twice in a row works (a member may unlock again before the first unlock ends)', async () => {
    const h = await makeHarness();
    const { member, account, number } = await enrollSetup(h);
    await enroll(h, member.token, account.id, number);
    await unlock(h, member.token, account.id, number);
    h.clock.advance(5 * 60_000);
    await unlock(h, member.token, account.id, number);
    const until = await h.call('GET', `/v1/accounts/${account.id}/unlock`, { token: member.token });
    expect(Date.parse(until.body.unlockedUntil) - h.clock.now()).toBe(limits.unlockMs);
  });
});
