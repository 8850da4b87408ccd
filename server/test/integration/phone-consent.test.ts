import { limits } from '@twostep/shared';
import { describe, expect, it } from 'vitest';
import { enroll, enrollSetup, lastCode, numbers, unlock } from '../engine.ts';
import { type Harness, makeHarness } from '../harness.ts';
import { nextMobile } from '../seed.ts';

type Who = { token: string };

const verify = (h: Harness, who: Who, id: string, code: string) =>
  h.call('POST', `/v1/challenges/${id}/verify`, { token: who.token, body: { code } });

const resend = (h: Harness, who: Who, id: string) =>
  h.call('POST', `/v1/challenges/${id}/resend`, { token: who.token });

const forceOff = (h: Harness, accountId: string) =>
  h.call('DELETE', `/v1/accounts/${accountId}/two-step`, {
    token: h.owner.token,
    body: { force: true, reason: 'phone lost' },
  });

async function protectedBy(h: Harness, accountId: string) {
  const rows = await h.query<{ number: string }>(
    `SELECT p.number FROM enrollments e JOIN phones p ON p.id = e.phone_id WHERE e.account_id = '${accountId}'`,
  );
  return rows[0]?.number ?? null;
}

const unlockedUntil = async (h: Harness, who: Who, accountId: string) =>
  (await h.call('GET', `/v1/accounts/${accountId}/unlock`, { token: who.token })).body.unlockedUntil;

describe("a phone's consent ends with the phone", () => {
  it('a change asked for through P1 does not apply once a lead forced P1 off and enrolled P2', async () => {
    const h = await makeHarness();
    const { member, account, number: p1 } = await enrollSetup(h);
    await enroll(h, member.token, account.id, p1);
    await unlock(h, member.token, account.id, p1);
    const mine = nextMobile();
    const change = await h.call('POST', `/v1/accounts/${account.id}/two-step`, {
      token: member.token,
      body: { number: mine },
    });
    expect(change.status).toBe(202);
    const code = await lastCode(h, mine);

    expect((await forceOff(h, account.id)).status).toBe(200);
    await enroll(h, h.owner.token, account.id, numbers.de2);

    h.clock.advance(limits.resendAfterMs);
    const again = await resend(h, member, change.body.challenge.id);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('two_step_off');
    const used = await verify(h, member, change.body.challenge.id, code);
    expect(used.status).toBe(409);
    expect(used.body.error.code).toBe('two_step_off');
    expect(await protectedBy(h, account.id)).toBe(numbers.de2);
  });

  it('a change records the phone it replaces: it dies when the account moved to another phone meanwhile', async () => {
    const h = await makeHarness();
    const { member, account, number: p1 } = await enrollSetup(h);
    await enroll(h, member.token, account.id, p1);
    await unlock(h, member.token, account.id, p1);
    const mine = nextMobile();
    const change = await h.call('POST', `/v1/accounts/${account.id}/two-step`, {
      token: member.token,
      body: { number: mine },
    });
    const code = await lastCode(h, mine);
    // P1 → P2 behind the open challenge's back, written straight into the table: no batch closes the challenge,
    // so only the rule (the phone it replaces still protects the account) can refuse the code.
    await h.query(
      `INSERT INTO phones (id, team_id, number, created_at) SELECT 'p2', team_id, '${numbers.de2}', 0 FROM accounts WHERE id = '${account.id}'`,
    );
    await h.query(`UPDATE enrollments SET phone_id = 'p2' WHERE account_id = '${account.id}'`);
    h.clock.advance(limits.resendAfterMs);
    const again = await resend(h, member, change.body.challenge.id);
    expect([again.status, again.body.error.code]).toEqual([409, 'two_step_off']);
    const used = await verify(h, member, change.body.challenge.id, code);
    expect(used.status).toBe(409);
    expect(used.body.error.code).toBe('two_step_off');
    expect(await protectedBy(h, account.id)).toBe(numbers.de2);
  });

  it('a forced off ends the open unlocks (no secret, no change) and open challenges of the account, in its batch', async () => {
    const h = await makeHarness();
    const { member, account, number: p1 } = await enrollSetup(h);
    await enroll(h, member.token, account.id, p1);
    await h.call('PUT', `/v1/accounts/${account.id}/secret`, { token: h.owner.token, body: { password: 'p4ssword!' } });
    await unlock(h, member.token, account.id, p1);
    const pending = await h.call('POST', `/v1/accounts/${account.id}/unlock`, { token: member.token });
    const pendingCode = await lastCode(h, p1);

    expect((await forceOff(h, account.id)).status).toBe(200);
    expect(await unlockedUntil(h, member, account.id)).toBeNull();
    expect((await h.call('GET', `/v1/accounts/${account.id}/secret`, { token: member.token })).status).toBe(403);

    // The same phone protects the account again: the open P1-era code must still be dead.
    await enroll(h, h.owner.token, account.id, p1);
    const late = await verify(h, member, pending.body.challenge.id, pendingCode);
    expect(late.status).toBe(409);
    expect(late.body.error.code).toBe('two_step_off');
    expect(await unlockedUntil(h, member, account.id)).toBeNull();
    const change = await h.call('POST', `/v1/accounts/${account.id}/two-step`, {
      token: member.token,
      body: { number: nextMobile() },
    });
    expect(change.status).toBe(403);
    expect(change.body.error.code).toBe('unlock_required');
    const shown = await h.call('GET', `/v1/challenges/${pending.body.challenge.id}`, { token: member.token });
    expect(shown.body.challenge).toMatchObject({ status: 'expired', resendAfter: null });
  });

  it('a number change ends every open unlock and every other open challenge of the account', async () => {
    const h = await makeHarness();
    const { member, account, number: p1 } = await enrollSetup(h);
    const other = await h.addMember('member', 'Ben');
    await h.grant(account.id, other.id);
    await enroll(h, member.token, account.id, p1);
    await unlock(h, member.token, account.id, p1);
    const disable = await h.call('DELETE', `/v1/accounts/${account.id}/two-step`, { token: other.token });
    const disableCode = await lastCode(h, p1);

    await enroll(h, h.owner.token, account.id, numbers.de2);
    expect(await protectedBy(h, account.id)).toBe(numbers.de2);
    expect(await unlockedUntil(h, member, account.id)).toBeNull();
    // Back to P1: the disable code asked of P1 before the change stays dead.
    await h.call('POST', `/v1/accounts/${account.id}/two-step`, { token: h.owner.token, body: { number: p1 } });
    const [back] = await h.query<{ id: string }>(
      `SELECT id FROM challenges WHERE account_id = '${account.id}' AND purpose = 'change_number' AND status = 'pending' AND closed_at IS NULL`,
    );
    await verify(h, h.owner, back!.id, await lastCode(h, p1));
    expect(await protectedBy(h, account.id)).toBe(p1);
    const late = await verify(h, other, disable.body.challenge.id, disableCode);
    expect(late.status).toBe(409);
    expect(await protectedBy(h, account.id)).toBe(p1);
  });

  it('turning two-step off by code ends the other members’ unlocks of the account', async () => {
    const h = await makeHarness();
    const { member, account, number: p1 } = await enrollSetup(h);
    const other = await h.addMember('member', 'Ben');
    await h.grant(account.id, other.id);
    await enroll(h, member.token, account.id, p1);
    await unlock(h, member.token, account.id, p1);
    const disable = await h.call('DELETE', `/v1/accounts/${account.id}/two-step`, { token: other.token });
    expect((await verify(h, other, disable.body.challenge.id, await lastCode(h, p1))).status).toBe(200);
    expect(await unlockedUntil(h, member, account.id)).toBeNull();
  });

  it('a lead demoted to member cannot finish or resend a change only a lead could start', async () => {
    const h = await makeHarness();
    const { member, account, number: p1 } = await enrollSetup(h);
    await enroll(h, member.token, account.id, p1);
    const lead = await h.addMember('lead', 'Lea');
    await h.grant(account.id, lead.id);
    const mine = nextMobile();
    const change = await h.call('POST', `/v1/accounts/${account.id}/two-step`, {
      token: lead.token,
      body: { number: mine },
    });
    expect(change.status).toBe(202);
    const code = await lastCode(h, mine);
    await h.call('PATCH', `/v1/members/${lead.id}`, { token: h.owner.token, body: { role: 'member' } });

    h.clock.advance(limits.resendAfterMs);
    const again = await resend(h, lead, change.body.challenge.id);
    expect(again.status).toBe(403);
    expect(again.body.error.code).toBe('unlock_required');
    const used = await verify(h, lead, change.body.challenge.id, code);
    expect(used.status).toBe(403);
    expect(used.body.error.code).toBe('unlock_required');
    expect(await protectedBy(h, account.id)).toBe(p1);

    // With an unlock of their own (the current phone's consent), the same member may finish it.
    await unlock(h, lead.token, account.id, p1);
    expect((await verify(h, lead, change.body.challenge.id, code)).status).toBe(200);
    expect(await protectedBy(h, account.id)).toBe(mine);
  });
});

describe("a forced off decides the lead's role in its own batch", () => {
  it('a demotion racing a forced off: the off never runs after the demotion', async () => {
    const h = await makeHarness();
    const account = await h.addAccount({ platform: 'instagram', handle: 'raced' });
    const lead = await h.addMember('lead', 'Lena');
    await enroll(h, h.owner.token, account.id, numbers.de);
    const [enrollment] = await h.query<Record<string, unknown>>(
      `SELECT team_id, phone_id FROM enrollments WHERE account_id = '${account.id}'`,
    );
    const settle = async (n: number) => {
      for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
    };
    for (let trial = 0; trial < 20; trial++) {
      await h.query(`UPDATE members SET role = 'lead' WHERE id = '${lead.id}'`);
      await h.query(`INSERT INTO enrollments (account_id, team_id, phone_id, enabled_at)
        VALUES ('${account.id}', '${enrollment!.team_id}', '${enrollment!.phone_id}', ${h.clock.now()})
        ON CONFLICT DO NOTHING`);
      const [off] = await Promise.all([
        h.call('DELETE', `/v1/accounts/${account.id}/two-step`, {
          token: lead.token,
          body: { force: true, reason: 'phone lost' },
        }),
        settle(trial % 5).then(() =>
          h.call('PATCH', `/v1/members/${lead.id}`, { token: h.owner.token, body: { role: 'member' } }),
        ),
      ]);
      const [last] = await h.query<{ action: string }>(
        `SELECT action FROM events WHERE action IN ('two_step.disabled', 'member.role_changed') ORDER BY rowid DESC LIMIT 1`,
      );
      // The demotion is last, or the off was refused: it never runs on a role already taken away.
      expect(last!.action).toBe('member.role_changed');
      if (off.status === 200) expect(off.body.account.twoStep.phone).toBeNull();
      else {
        // Refused as a member: 403, or 404 when the demotion landed before the account was even looked up (a
        // member without a grant does not see it).
        expect([
          [403, 'forbidden'],
          [404, 'not_found'],
        ]).toContainEqual([off.status, off.body.error.code]);
        expect(await protectedBy(h, account.id)).toBe(numbers.de);
      }
    }
  });
});
