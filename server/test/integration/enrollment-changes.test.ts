import { describe, expect, it } from 'vitest';
import { enroll, enrollSetup, lastCode, numbers, unlock } from '../engine.ts';
import { makeHarness } from '../harness.ts';

describe('changing the number', () => {
  it('keeps the old number until the new code is entered, then swaps and tells the old number', async () => {
    const h = await makeHarness();
    const { member, account, number } = await enrollSetup(h);
    await enroll(h, member.token, account.id, number);
    await unlock(h, member.token, account.id, number);
    const started = await h.call('POST', `/v1/accounts/${account.id}/two-step`, {
      token: member.token,
      body: { number: numbers.de2 },
    });
    expect(started.status).toBe(202);
    expect(started.body.challenge.purpose).toBe('change_number');
    expect(started.body.challenge.sentTo).toBe('+49 ••• ••• 6780');
    const meanwhile = await h.call('GET', `/v1/accounts/${account.id}`, { token: member.token });
    expect(meanwhile.body.account.twoStep).toMatchObject({ status: 'on', phone: { masked: '+49 ••• ••• 6789' } });

    const code = await lastCode(h, numbers.de2);
    const verified = await h.call('POST', `/v1/challenges/${started.body.challenge.id}/verify`, {
      token: member.token,
      body: { code },
    });
    expect(verified.status).toBe(200);
    expect(verified.body.account.twoStep.phone.masked).toBe('+49 ••• ••• 6780');
    await h.settle();
    const notice = h.sms.sent.at(-1);
    expect(notice?.to).toBe(number);
    expect(notice?.body).toBe(
      `Twostep: this number no longer protects @${account.handle} on Instagram. Anna moved two-step to +49 ••• ••• 6780. If that is wrong, tell your team lead.`,
    );
    const actions = await h.query<{ action: string }>(
      `SELECT action FROM events WHERE account_id = '${account.id}' ORDER BY id`,
    );
    expect(actions.map((row) => row.action)).toContain('two_step.number_changed');
  });

  it('needs the current phone first: a member without an unlock gets 403 unlock_required, a lead does not', async () => {
    const h = await makeHarness();
    const { member, account, number } = await enrollSetup(h);
    await enroll(h, member.token, account.id, number);
    const refused = await h.call('POST', `/v1/accounts/${account.id}/two-step`, {
      token: member.token,
      body: { number: numbers.de2 },
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('unlock_required');
    const byLead = await h.call('POST', `/v1/accounts/${account.id}/two-step`, {
      token: h.owner.token,
      body: { number: numbers.de2 },
    });
    expect(byLead.status).toBe(202);
  });

  it('refuses to "change" to the number already in place', async () => {
    const h = await makeHarness();
    const { member, account, number } = await enrollSetup(h);
    await enroll(h, member.token, account.id, number);
    await unlock(h, member.token, account.id, number);
    const same = await h.call('POST', `/v1/accounts/${account.id}/two-step`, { token: member.token, body: { number } });
    expect(same.status).toBe(409);
    expect(same.body.error.code).toBe('two_step_already_on');
  });
});

describe('turning two-step off', () => {
  it('needs a code sent to the current number', async () => {
    const h = await makeHarness();
    const { member, account, number } = await enrollSetup(h);
    await enroll(h, member.token, account.id, number);
    const started = await h.call('DELETE', `/v1/accounts/${account.id}/two-step`, { token: member.token });
    expect(started.status).toBe(202);
    expect(started.body.challenge.purpose).toBe('disable');
    const code = await lastCode(h, number);
    expect(h.sms.sent.at(-1)?.body).toContain('asks to turn off two-step for @');
    const still = await h.call('GET', `/v1/accounts/${account.id}`, { token: member.token });
    expect(still.body.account.twoStep.status).toBe('on');
    const verified = await h.call('POST', `/v1/challenges/${started.body.challenge.id}/verify`, {
      token: member.token,
      body: { code },
    });
    expect(verified.status).toBe(200);
    expect(verified.body.account.twoStep).toEqual({ status: 'off', phone: null, verifiedAt: null });
  });

  it('lets a lead force it off with a reason, recorded in the audit trail; a member may not', async () => {
    const h = await makeHarness();
    const { member, account, number } = await enrollSetup(h);
    await enroll(h, member.token, account.id, number);
    const body = { force: true, reason: 'Phone lost on a trip' };
    const byMember = await h.call('DELETE', `/v1/accounts/${account.id}/two-step`, { token: member.token, body });
    expect(byMember.status).toBe(403);
    const byLead = await h.call('DELETE', `/v1/accounts/${account.id}/two-step`, { token: h.owner.token, body });
    expect(byLead.status).toBe(200);
    expect(byLead.body.account.twoStep.status).toBe('off');
    const [event] = await h.query<{ result: string; detail: string }>(
      "SELECT result, detail FROM events WHERE action = 'two_step.disabled'",
    );
    expect(event).toEqual({ result: 'forced', detail: 'Phone lost on a trip' });
  });

  it('answers 409 two_step_off when there is nothing to turn off', async () => {
    const h = await makeHarness();
    const { member, account } = await enrollSetup(h);
    const off = await h.call('DELETE', `/v1/accounts/${account.id}/two-step`, { token: member.token });
    expect(off.status).toBe(409);
    expect(off.body.error.code).toBe('two_step_off');
  });
});

describe('moving an account to another platform', () => {
  it('is refused when its number already protects an account on that platform (409), and nothing changes', async () => {
    const h = await makeHarness();
    const { member, account, number } = await enrollSetup(h, { platform: 'instagram' });
    await enroll(h, member.token, account.id, number);
    const facebook = await h.addAccount({ platform: 'facebook', handle: 'other' });
    await h.grant(facebook.id, member.id);
    await enroll(h, member.token, facebook.id, number);
    const moved = await h.call('PATCH', `/v1/accounts/${facebook.id}`, {
      token: h.owner.token,
      body: { platform: 'instagram' },
    });
    expect(moved.status).toBe(409);
    expect(moved.body.error.code).toBe('number_in_use_on_platform');
    expect((await h.call('GET', `/v1/accounts/${facebook.id}`, { token: h.owner.token })).body.account.platform).toBe(
      'facebook',
    );
    expect(await h.query("SELECT id FROM events WHERE action = 'account.updated'")).toHaveLength(0);
    const elsewhere = await h.call('PATCH', `/v1/accounts/${facebook.id}`, {
      token: h.owner.token,
      body: { platform: 'tiktok' },
    });
    expect(elsewhere.status).toBe(200);
  });
});
