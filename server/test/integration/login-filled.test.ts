import { limits } from '@twostep/shared';
import { describe, expect, it } from 'vitest';
import { enroll, enrollSetup, unlock } from '../engine.ts';
import { type Harness, makeHarness } from '../harness.ts';

type FillEvent = { actor: string; action: string; target: string; account_id: string; result: string; detail: string };

const fill = (h: Harness, token: string, accountId: string, body: unknown = { step: 'login' }) =>
  h.call('POST', `/v1/accounts/${accountId}/login-filled`, { token, body });
const fillEvents = (h: Harness) =>
  h.query<FillEvent>(
    "SELECT actor, action, target, account_id, result, detail FROM events WHERE action = 'login.filled' ORDER BY id",
  );

/** A granted member who has unlocked an Instagram account whose password is stored. */
async function unlocked(h: Harness) {
  const setup = await enrollSetup(h);
  await enroll(h, setup.member.token, setup.account.id, setup.number);
  await h.call('PUT', `/v1/accounts/${setup.account.id}/secret`, {
    token: h.owner.token,
    body: { loginName: 'acme.login', password: 'the stored password 1' },
  });
  await unlock(h, setup.member.token, setup.account.id, setup.number);
  return setup;
}

describe('POST /v1/accounts/:id/login-filled', () => {
  it('records each step as a login.filled event of the member and account, never a value (204)', async () => {
    const h = await makeHarness();
    const { member, account } = await unlocked(h);
    for (const step of ['login', 'code', 'backup_code']) {
      const answer = await fill(h, member.token, account.id, { step });
      expect(answer.status).toBe(204);
      expect(answer.body).toBeNull();
      h.clock.advance(1);
    }
    const base = { actor: member.id, action: 'login.filled', target: account.id, account_id: account.id, result: 'ok' };
    expect(await fillEvents(h)).toEqual([
      { ...base, detail: 'login' },
      { ...base, detail: 'code' },
      { ...base, detail: 'backup_code' },
    ]);
    const leaked = await h.query(
      "SELECT id FROM events WHERE detail LIKE '%stored password%' OR detail LIKE '%acme.login%'",
    );
    expect(leaked).toEqual([]);
  });

  it('answers 403 unlock_required without an active unlock, for leads too, and writes nothing', async () => {
    const h = await makeHarness();
    const { member, account, number } = await enrollSetup(h);
    await enroll(h, member.token, account.id, number);
    for (const token of [member.token, h.owner.token]) {
      const refused = await fill(h, token, account.id);
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe('unlock_required');
    }
    expect(await fillEvents(h)).toEqual([]);
  });

  it('lets a lead with an active unlock record a fill', async () => {
    const h = await makeHarness();
    const { account, number } = await enrollSetup(h);
    await enroll(h, h.owner.token, account.id, number);
    await unlock(h, h.owner.token, account.id, number);
    expect((await fill(h, h.owner.token, account.id, { step: 'code' })).status).toBe(204);
    expect((await fillEvents(h)).map((event) => [event.actor, event.detail])).toEqual([[h.owner.id, 'code']]);
  });

  it('answers 403 once the unlock has run out', async () => {
    const h = await makeHarness();
    const { member, account } = await unlocked(h);
    h.clock.advance(limits.unlockMs);
    const refused = await fill(h, member.token, account.id);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('unlock_required');
    expect(await fillEvents(h)).toEqual([]);
  });

  it('answers 404 for an account the member may not see, exactly as for an unknown id, even with an unlock left', async () => {
    const h = await makeHarness();
    const { member, account } = await unlocked(h);
    // The grant ends while the member's unlock still runs: the account is no longer theirs to see.
    await h.call('DELETE', `/v1/accounts/${account.id}/grants/${member.id}`, { token: h.owner.token });
    const hidden = await fill(h, member.token, account.id);
    const unknown = await fill(h, member.token, '01zzzzzzzzzzzzzzzzzzzzzzzz');
    expect(hidden.status).toBe(404);
    expect(hidden.body).toEqual(unknown.body);
    expect(unknown.status).toBe(404);
    const stranger = await h.addMember();
    expect((await fill(h, stranger.token, account.id)).body).toEqual(unknown.body);
    expect(await fillEvents(h)).toEqual([]);
  });

  it('refuses a step outside the three, a value sent along, or no body (400), and writes nothing', async () => {
    const h = await makeHarness();
    const { member, account } = await unlocked(h);
    const bodies = [{ step: 'password' }, { step: 'login', value: 'the stored password 1' }, {}, { step: ['login'] }];
    for (const body of bodies) {
      const refused = await fill(h, member.token, account.id, body);
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('invalid_request');
    }
    const empty = await h.call('POST', `/v1/accounts/${account.id}/login-filled`, { token: member.token });
    expect(empty.status).toBe(400);
    expect(await fillEvents(h)).toEqual([]);
  });

  it(`writes at most ${limits.loginFillsPerWindow} fills of one account per member in the window, then 429`, async () => {
    const h = await makeHarness();
    const { member, account, number } = await unlocked(h);
    for (let i = 0; i < limits.loginFillsPerWindow; i++) {
      expect((await fill(h, member.token, account.id)).status).toBe(204);
      h.clock.advance(1000);
    }
    const refused = await fill(h, member.token, account.id);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    // The first fill leaves the window 15 minutes after it was made; 30 s have gone by since.
    const wait = limits.loginFillWindowMs / 1000 - limits.loginFillsPerWindow;
    expect(refused.body.error.retryAfter).toBe(wait);
    expect(refused.headers.get('Retry-After')).toBe(String(wait));
    expect(await fillEvents(h)).toHaveLength(limits.loginFillsPerWindow);
    // Once the window has moved on (and a new unlock runs), fills are written again.
    h.clock.advance(limits.loginFillWindowMs);
    await unlock(h, member.token, account.id, number);
    expect((await fill(h, member.token, account.id)).status).toBe(204);
    expect(await fillEvents(h)).toHaveLength(limits.loginFillsPerWindow + 1);
  });

  it('holds the cap under parallel fills: exactly the cap is written', async () => {
    const h = await makeHarness();
    const { member, account } = await unlocked(h);
    const extra = 6;
    const answers = await Promise.all(
      Array.from({ length: limits.loginFillsPerWindow + extra }, () => fill(h, member.token, account.id)),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses.filter((status) => status === 204)).toHaveLength(limits.loginFillsPerWindow);
    expect(statuses.filter((status) => status === 429)).toHaveLength(extra);
    expect(await fillEvents(h)).toHaveLength(limits.loginFillsPerWindow);
  });

  it("counts each member's fills apart: another member's do not use up the cap", async () => {
    const h = await makeHarness();
    const { member, account, number } = await unlocked(h);
    for (let i = 0; i < limits.loginFillsPerWindow; i++) await fill(h, member.token, account.id);
    await unlock(h, h.owner.token, account.id, number);
    expect((await fill(h, h.owner.token, account.id)).status).toBe(204);
    expect((await fill(h, member.token, account.id)).status).toBe(429);
  });
});
