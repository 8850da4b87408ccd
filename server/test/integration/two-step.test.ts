import { describe, expect, it } from 'vitest';
import { enroll, enrollSetup, lastCode, numbers } from '../engine.ts';
import { makeHarness } from '../harness.ts';

describe('enrolling an account', () => {
  it('sends a code to the number, shows pending, and turns two-step on when the code is entered', async () => {
    const h = await makeHarness();
    const { member, account, number } = await enrollSetup(h);
    const started = await h.call('POST', `/v1/accounts/${account.id}/two-step`, {
      token: member.token,
      body: { number: '+49 151 23456789' },
    });
    expect(started.status).toBe(202);
    expect(started.body.challenge).toMatchObject({
      purpose: 'enroll',
      accountId: account.id,
      sentTo: '+49 ••• ••• 6789',
      attemptsLeft: 5,
      status: 'pending',
    });
    const pending = await h.call('GET', `/v1/accounts/${account.id}`, { token: member.token });
    expect(pending.body.account.twoStep.status).toBe('pending');

    const code = await lastCode(h, number);
    expect(h.sms.sent.at(-1)?.body).toBe(
      `Twostep: Anna asks to protect @${account.handle} on Instagram with this number. Code ${code}, valid 10 minutes. Give it only to Anna.`,
    );
    const verified = await h.call('POST', `/v1/challenges/${started.body.challenge.id}/verify`, {
      token: member.token,
      body: { code },
    });
    expect(verified.status).toBe(200);
    expect(verified.body.challenge.status).toBe('verified');
    expect(verified.body.account.twoStep).toMatchObject({ status: 'on', phone: { masked: '+49 ••• ••• 6789' } });
  });

  it('goes back to off when the enroll code expires unused', async () => {
    const h = await makeHarness();
    const { member, account } = await enrollSetup(h);
    await h.call('POST', `/v1/accounts/${account.id}/two-step`, { token: member.token, body: { number: numbers.de } });
    h.clock.advance(10 * 60_000);
    const after = await h.call('GET', `/v1/accounts/${account.id}`, { token: member.token });
    expect(after.body.account.twoStep.status).toBe('off');
  });

  it('refuses a number that already protects another account on the same platform, allows another platform', async () => {
    const h = await makeHarness();
    const { member, account, number } = await enrollSetup(h);
    await enroll(h, member.token, account.id, number);
    const second = await h.addAccount({ platform: 'instagram', handle: 'second' });
    const facebook = await h.addAccount({ platform: 'facebook', handle: 'second' });
    const refused = await h.call('POST', `/v1/accounts/${second.id}/two-step`, {
      token: h.owner.token,
      body: { number },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('number_in_use_on_platform');
    const allowed = await h.call('POST', `/v1/accounts/${facebook.id}/two-step`, {
      token: h.owner.token,
      body: { number },
    });
    expect(allowed.status).toBe(202);
  });
});
