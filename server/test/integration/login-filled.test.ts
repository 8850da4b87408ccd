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

describe('a fill is decided in its own insert', () => {
  it('a grant removed while a fill runs: no login.filled event follows the removal', async () => {
    const h = await makeHarness();
    const { member, account } = await unlocked(h);
    const [team] = await h.query<{ id: string }>('SELECT id FROM teams');
    // The removal starts a little later each trial, so it lands at a different step of the fill (the race shows
    // on the databases that yield between queries; in memory a request runs without yielding).
    const yields = async (n: number) => {
      for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
    };
    for (let trial = 0; trial < 40; trial++) {
      if (trial > 0) {
        h.clock.advance(limits.loginFillWindowMs); // past the cap's window: only the race decides
        const now = h.clock.now();
        await h.query(`INSERT INTO grants (account_id, member_id, team_id, granted_at)
          VALUES ('${account.id}', '${member.id}', '${team!.id}', ${now})`);
        await h.query(`INSERT INTO unlocks (id, team_id, account_id, member_id, until, created_at)
          VALUES ('fill-race-${trial}', '${team!.id}', '${account.id}', '${member.id}', ${now + 60_000}, ${now})`);
      }
      const [filled] = await Promise.all([
        fill(h, member.token, account.id),
        yields(trial).then(() =>
          h.call('DELETE', `/v1/accounts/${account.id}/grants/${member.id}`, { token: h.owner.token }),
        ),
      ]);
      const last = await h.query<{ action: string }>(
        `SELECT action FROM events WHERE action IN ('login.filled', 'grant.removed') ORDER BY rowid DESC LIMIT 1`,
      );
      expect(last).toEqual([{ action: 'grant.removed' }]);
      // Refused: not found, or its unlock ended with the grant (whichever the route saw first). Never a 5xx.
      expect([204, 403, 404]).toContain(filled.status);
    }
  });
});
