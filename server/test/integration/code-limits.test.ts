import { limits } from '@twostep/shared';
import { describe, expect, it } from 'vitest';
import { enroll, enrollSetup, lastCode, numbers } from '../engine.ts';
import { type Harness, makeHarness } from '../harness.ts';

const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

async function startUnlock(h: Harness, number = numbers.de) {
  const { member, account } = await enrollSetup(h, { number });
  await enroll(h, member.token, account.id, number);
  const started = await h.call('POST', `/v1/accounts/${account.id}/unlock`, { token: member.token });
  expect(started.status).toBe(202);
  const code = await lastCode(h, number);
  const verify = (value: string, token = member.token) =>
    h.call('POST', `/v1/challenges/${started.body.challenge.id}/verify`, { token, body: { code: value } });
  const resend = () => h.call('POST', `/v1/challenges/${started.body.challenge.id}/resend`, { token: member.token });
  return { member, account, number, code, challenge: started.body.challenge, verify, resend };
}

describe('one-time codes', () => {
  it('are 6 digits, stored only as an HMAC bound to the challenge', async () => {
    const h = await makeHarness();
    const { code, challenge } = await startUnlock(h);
    expect(code).toMatch(/^\d{6}$/);
    const [row] = await h.query<{ code_hash: string }>(`SELECT code_hash FROM challenges WHERE id = '${challenge.id}'`);
    expect(row?.code_hash).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(row?.code_hash).not.toContain(code);
  });

  it('live 10 minutes: accepted just before, 410 challenge_expired at 10 minutes', async () => {
    const h = await makeHarness();
    const first = await startUnlock(h);
    h.clock.advance(limits.codeLifetimeMs - 1);
    expect((await first.verify(first.code)).status).toBe(200);

    const second = await startUnlock(h, numbers.de2);
    h.clock.advance(limits.codeLifetimeMs);
    const late = await second.verify(second.code);
    expect(late.status).toBe(410);
    expect(late.body.error.code).toBe('challenge_expired');
  });

  it('lock the challenge after 5 wrong answers: even the right code then gets 423', async () => {
    const h = await makeHarness();
    const { code, verify } = await startUnlock(h);
    for (let left = limits.wrongAnswersPerChallenge - 1; left > 0; left--) {
      const answer = await verify(wrong(code));
      expect(answer.status).toBe(400);
      expect(answer.body.error).toMatchObject({ code: 'code_invalid', attemptsLeft: left });
    }
    expect((await verify(wrong(code))).status).toBe(423);
    const right = await verify(code);
    expect(right.status).toBe(423);
    expect(right.body.error.code).toBe('challenge_locked');
  });

  it('are single use: a second right answer gets 409 challenge_used', async () => {
    const h = await makeHarness();
    const { code, verify } = await startUnlock(h);
    expect((await verify(code)).status).toBe(200);
    const again = await verify(code);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('challenge_used');
  });

  it('belong to the member who asked: anyone else gets 404, as for an unknown challenge', async () => {
    const h = await makeHarness();
    const { code, verify, account } = await startUnlock(h);
    const colleague = await h.addMember('member', 'Ben');
    await h.grant(account.id, colleague.id);
    const other = await verify(code, colleague.token);
    const lead = await verify(code, h.owner.token);
    const unknown = await h.call('POST', '/v1/challenges/01zzzzzzzzzzzzzzzzzzzzzzzz/verify', {
      token: colleague.token,
      body: { code },
    });
    expect(other.status).toBe(404);
    expect(lead.status).toBe(404);
    expect(other.body).toEqual(unknown.body);
    expect((await verify(code)).status).toBe(200);
  });

  it('are bound to their purpose and account: a code for one challenge opens no other', async () => {
    const h = await makeHarness();
    const a = await startUnlock(h);
    h.clock.advance(limits.resendAfterMs);
    const disable = await h.call('DELETE', `/v1/accounts/${a.account.id}/two-step`, { token: a.member.token });
    const disableCode = await lastCode(h, a.number);
    const wrongPurpose = await a.verify(disableCode);
    expect(wrongPurpose.status).toBe(400);
    const rightOne = await h.call('POST', `/v1/challenges/${disable.body.challenge.id}/verify`, {
      token: a.member.token,
      body: { code: a.code === disableCode ? wrong(a.code) : a.code },
    });
    expect(rightOne.status).toBe(400);
  });
});

describe('resending a code', () => {
  it('waits 30 s (429 resend_too_soon with Retry-After), allows 3 resends, then 429 resend_limit', async () => {
    const h = await makeHarness();
    const { resend, verify, number } = await startUnlock(h);
    const early = await resend();
    expect(early.status).toBe(429);
    expect(early.body.error.code).toBe('resend_too_soon');
    expect(early.headers.get('Retry-After')).toBe('30');
    for (let i = 0; i < limits.resendsPerChallenge; i++) {
      h.clock.advance(limits.resendAfterMs);
      expect((await resend()).status).toBe(202);
    }
    h.clock.advance(limits.resendAfterMs);
    const over = await resend();
    expect(over.status).toBe(429);
    expect(over.body.error.code).toBe('resend_limit');
    expect((await verify(await lastCode(h, number))).status).toBe(200);
  });

  it('sends a new code, and the old one stops working', async () => {
    const h = await makeHarness();
    const { resend, verify, number, code } = await startUnlock(h);
    h.clock.advance(limits.resendAfterMs);
    await resend();
    const fresh = await lastCode(h, number);
    if (fresh !== code) expect((await verify(code)).status).toBe(400);
    expect((await verify(fresh)).status).toBe(200);
  });

  it('does not reset the wrong-answer count: 3 wrong, resend, 2 wrong → locked', async () => {
    const h = await makeHarness();
    const { resend, verify, number, code } = await startUnlock(h);
    for (let i = 0; i < 3; i++) await verify(wrong(code));
    h.clock.advance(limits.resendAfterMs);
    const resent = await resend();
    expect(resent.body.challenge.attemptsLeft).toBe(2);
    const fresh = await lastCode(h, number);
    await verify(wrong(fresh));
    expect((await verify(wrong(fresh))).status).toBe(423);
    expect((await verify(fresh)).status).toBe(423);
  });
});

describe('send budgets', () => {
  it(`allow ${limits.sendsPerPhonePerHour} codes an hour per phone, then 429 with Retry-After`, async () => {
    const h = await makeHarness();
    const { member, account, number } = await enrollSetup(h);
    await enroll(h, member.token, account.id, number);
    const unlock = () => h.call('POST', `/v1/accounts/${account.id}/unlock`, { token: member.token });
    for (let i = 1; i < limits.sendsPerPhonePerHour; i++) expect((await unlock()).status).toBe(202);
    h.clock.advance(60_000);
    const refused = await unlock();
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(Number(refused.headers.get('Retry-After'))).toBe(59 * 60);
    await h.settle();
    expect(h.sms.sent).toHaveLength(limits.sendsPerPhonePerHour);
    h.clock.advance(59 * 60_000 + 1);
    expect((await unlock()).status).toBe(202);
  });

  it(`allow ${limits.sendsPerPhonePerDay} codes a day per phone`, async () => {
    const h = await makeHarness();
    const { member, account, number } = await enrollSetup(h);
    await enroll(h, member.token, account.id, number);
    let accepted = 1;
    for (let hour = 0; hour < 5; hour++) {
      for (let i = 0; i < limits.sendsPerPhonePerHour; i++) {
        const answer = await h.call('POST', `/v1/accounts/${account.id}/unlock`, { token: member.token });
        if (answer.status === 202) accepted++;
        else expect(answer.status).toBe(429);
      }
      h.clock.advance(60 * 60_000 + 1);
    }
    expect(accepted).toBe(limits.sendsPerPhonePerDay);
  });

  it(`allow a member ${limits.sendsPerMemberPerHour} codes an hour and a lead ${limits.sendsPerLeadPerHour}`, async () => {
    const h = await makeHarness();
    const member = await h.addMember('member', 'Anna');
    const sendMany = async (token: string, count: number, prefix: string) => {
      const statuses: number[] = [];
      for (let i = 0; i < count; i++) {
        const account = await h.addAccount({ handle: `${prefix}${i}` });
        await h.grant(account.id, member.id);
        const number = `+49151${String(10_000_000 + i + (prefix === 'l' ? 5000 : 0))}`;
        statuses.push(
          (await h.call('POST', `/v1/accounts/${account.id}/two-step`, { token, body: { number } })).status,
        );
      }
      return statuses;
    };
    const memberStatuses = await sendMany(member.token, limits.sendsPerMemberPerHour + 1, 'm');
    expect(memberStatuses.filter((s) => s === 202)).toHaveLength(limits.sendsPerMemberPerHour);
    expect(memberStatuses.at(-1)).toBe(429);
    const leadStatuses = await sendMany(h.owner.token, limits.sendsPerLeadPerHour + 1, 'l');
    expect(leadStatuses.filter((s) => s === 202)).toHaveLength(limits.sendsPerLeadPerHour);
    expect(leadStatuses.at(-1)).toBe(429);
  });

  it('count by number: deleting and re-adding a phone does not reset its budget', async () => {
    const h = await makeHarness();
    const start = async (i: number) => {
      const account = await h.addAccount({ platform: 'tiktok', handle: `flood${i}` });
      return h.call('POST', `/v1/accounts/${account.id}/two-step`, {
        token: h.owner.token,
        body: { number: numbers.us },
      });
    };
    for (let i = 0; i < limits.sendsPerPhonePerHour; i++) expect((await start(i)).status).toBe(202);
    const [phone] = await h.query<{ id: string }>('SELECT id FROM phones');
    expect((await h.call('DELETE', `/v1/phones/${phone!.id}`, { token: h.owner.token })).status).toBe(200);
    const again = await start(99);
    expect(again.status).toBe(429);
    expect(again.body.error.code).toBe('rate_limited');
  });

  it('count resends as sends', async () => {
    const h = await makeHarness();
    const { member, account, number } = await enrollSetup(h, { number: numbers.de2 });
    await enroll(h, member.token, account.id, number);
    const started = await h.call('POST', `/v1/accounts/${account.id}/unlock`, { token: member.token });
    for (let i = 0; i < 3; i++) {
      h.clock.advance(limits.resendAfterMs);
      expect(
        (await h.call('POST', `/v1/challenges/${started.body.challenge.id}/resend`, { token: member.token })).status,
      ).toBe(202);
    }
    const sixth = await h.call('POST', `/v1/accounts/${account.id}/unlock`, { token: member.token });
    expect(sixth.status).toBe(429);
  });
});
