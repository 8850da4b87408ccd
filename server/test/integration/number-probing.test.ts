import { limits } from '@twostep/shared';
import { describe, expect, it } from 'vitest';
import { membersShare } from '../../src/services/members-share.ts';
import { enroll, enrollSetup, numbers } from '../engine.ts';
import { type Harness, makeHarness } from '../harness.ts';
import { nextMobile } from '../seed.ts';

const startEnroll = (h: Harness, token: string, accountId: string, number: string) =>
  h.call('POST', `/v1/accounts/${accountId}/two-step`, { token, body: { number } });

const count = async (h: Harness, sql: string) => Number((await h.query<{ n: number }>(sql))[0]!.n);
const phoneRows = (h: Harness) => count(h, 'SELECT count(*) AS n FROM phones');
const phoneEvents = (h: Harness) => count(h, "SELECT count(*) AS n FROM events WHERE action = 'phone.created'");

describe('an enroll with a new number adds its phone only with the challenge', () => {
  it('a refused send (member budget) leaves no phone row and no phone.created event', async () => {
    const h = await makeHarness();
    const { member, account } = await enrollSetup(h);
    const answers: number[] = [];
    for (let i = 0; i < limits.sendsPerMemberPerHour + 10; i++) {
      answers.push((await startEnroll(h, member.token, account.id, nextMobile())).status);
    }
    expect(answers.filter((status) => status === 202)).toHaveLength(limits.sendsPerMemberPerHour);
    expect(answers.filter((status) => status === 429)).toHaveLength(10);
    expect(await phoneRows(h)).toBe(limits.sendsPerMemberPerHour);
    expect(await phoneEvents(h)).toBe(limits.sendsPerMemberPerHour);
    const orphans = await count(
      h,
      'SELECT count(*) AS n FROM phones p WHERE NOT EXISTS (SELECT 1 FROM challenges c WHERE c.phone_id = p.id)',
    );
    expect(orphans).toBe(0);
  });

  it('a refused send (phone budget, country) leaves nothing behind either', async () => {
    const h = await makeHarness({ settings: { smsAllowedCountries: ['DE'] } });
    const { member, account } = await enrollSetup(h);
    const spent = nextMobile();
    const teamId = (await h.query<{ id: string }>('SELECT id FROM teams'))[0]!.id;
    for (let i = 0; i < limits.sendsPerPhonePerHour; i++) {
      await h.query(`INSERT INTO outbox (id, team_id, kind, phone_id, to_number, status, next_attempt_at, created_at)
        VALUES ('old-${i}', '${teamId}', 'code', 'gone', '${spent}', 'sent', 0, ${h.clock.now() - 1000})`);
    }
    const budget = await startEnroll(h, member.token, account.id, spent);
    expect(budget.status).toBe(429);
    const country = await startEnroll(h, member.token, account.id, numbers.us);
    expect(country.status).toBe(403);
    expect(country.body.error.code).toBe('sms_country_not_allowed');
    expect(await phoneRows(h)).toBe(0);
    expect(await phoneEvents(h)).toBe(0);
  });

  it('the label given with a new number is kept on the phone the challenge adds', async () => {
    const h = await makeHarness();
    const { member, account } = await enrollSetup(h);
    const started = await h.call('POST', `/v1/accounts/${account.id}/two-step`, {
      token: member.token,
      body: { number: numbers.de, label: 'Team SIM 3' },
    });
    expect(started.status).toBe(202);
    expect(await h.query('SELECT label FROM phones')).toEqual([{ label: 'Team SIM 3' }]);
    const [created] = await h.query<{ target: string; actor: string }>(
      "SELECT target, actor FROM events WHERE action = 'phone.created'",
    );
    const [challenge] = await h.query<{ phone_id: string }>('SELECT phone_id FROM challenges');
    expect(created).toEqual({ target: challenge!.phone_id, actor: member.id });
  });
});

describe('a number already in use is no free oracle for a member', () => {
  async function hiddenNumber(h: Harness) {
    const hidden = await h.addAccount({ platform: 'instagram', handle: 'hidden' });
    const number = nextMobile();
    await enroll(h, h.owner.token, hidden.id, number);
    return number;
  }

  it("an attempt with a number protecting another account on the platform costs the member's budget", async () => {
    const h = await makeHarness();
    const { member, account } = await enrollSetup(h);
    const taken = await hiddenNumber(h);
    for (let i = 0; i < limits.sendsPerMemberPerHour; i++) {
      const probe = await startEnroll(h, member.token, account.id, taken);
      expect(probe.status).toBe(409);
    }
    // The budget is spent: a fresh number and the taken number now answer alike.
    const fresh = await startEnroll(h, member.token, account.id, nextMobile());
    const again = await startEnroll(h, member.token, account.id, taken);
    expect([fresh.status, fresh.body.error.code]).toEqual([429, 'rate_limited']);
    expect([again.status, again.body.error.code]).toEqual([429, 'rate_limited']);
    expect(again.headers.get('retry-after')).toBe(fresh.headers.get('retry-after'));
    // Nothing is sent for a probe, and the number's own budget is untouched (no denial of service on it).
    expect(await count(h, `SELECT count(*) AS n FROM outbox WHERE to_number = '${taken}' AND kind = 'code'`)).toBe(1);
  });

  async function spendNumberBudget(h: Harness, number: string) {
    const teamId = (await h.query<{ id: string }>('SELECT id FROM teams'))[0]!.id;
    const sent = await count(h, `SELECT count(*) AS n FROM outbox WHERE to_number = '${number}' AND kind = 'code'`);
    for (let i = sent; i < limits.sendsPerPhonePerHour; i++) {
      await h.query(`INSERT INTO outbox (id, team_id, kind, phone_id, to_number, status, next_attempt_at, created_at)
        VALUES ('spent-${i}', '${teamId}', 'code', 'x', '${number}', 'sent', 0, ${h.clock.now() - 60_000 * (i + 1)})`);
    }
  }

  it("a hidden number whose own budget is spent is charged to the member and names only the member's budget", async () => {
    const h = await makeHarness();
    const { member, account } = await enrollSetup(h, { platform: 'tiktok' });
    const taken = await hiddenNumber(h);
    await spendNumberBudget(h, taken);
    const answers = [];
    for (let i = 0; i < limits.sendsPerMemberPerHour + 10; i++)
      answers.push(await startEnroll(h, member.token, account.id, taken));
    for (const answer of answers) {
      expect([answer.status, answer.body.error.code]).toEqual([429, 'rate_limited']);
      expect(answer.body.error.message).not.toMatch(/phone|number/i);
    }
    // Charged like a send, with a fixed hour that says nothing about when that number last got codes.
    const charged = answers.slice(0, limits.sendsPerMemberPerHour);
    for (const answer of charged) expect(answer.headers.get('retry-after')).toBe('3600');
    expect(await count(h, `SELECT count(*) AS n FROM outbox WHERE member_id = '${member.id}' AND kind = 'probe'`)).toBe(
      limits.sendsPerMemberPerHour,
    );
    const after = answers.at(-1)!;
    expect(after.body.error.message).toMatch(/you this hour/);
    const fresh = await startEnroll(h, member.token, account.id, nextMobile());
    expect(fresh.body).toEqual(after.body);
    expect(await count(h, `SELECT count(*) AS n FROM outbox WHERE to_number = '${taken}' AND kind = 'code'`)).toBe(
      limits.sendsPerPhonePerHour,
    );
  });

  it('once the budget is spent, a free number, one in use and one whose own budget is spent answer alike', async () => {
    const h = await makeHarness();
    const { member, account } = await enrollSetup(h);
    const inUse = await hiddenNumber(h);
    const active = nextMobile();
    const other = await h.addAccount({ platform: 'x', handle: 'busy' });
    await enroll(h, h.owner.token, other.id, active);
    await spendNumberBudget(h, active);
    for (let i = 0; i < limits.sendsPerMemberPerHour; i++) {
      expect((await startEnroll(h, member.token, account.id, nextMobile())).status).toBe(202);
    }
    const answers = [
      await startEnroll(h, member.token, account.id, nextMobile()),
      await startEnroll(h, member.token, account.id, inUse),
      await startEnroll(h, member.token, account.id, active),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(429);
      expect(answer.body).toEqual(answers[0]!.body);
      expect(answer.headers.get('retry-after')).toBe(answers[0]!.headers.get('retry-after'));
    }
    expect(answers[0]!.body.error.message).toMatch(/you this hour/);
  });

  it('a lead is not charged (leads see every phone anyway)', async () => {
    const h = await makeHarness();
    const account = await h.addAccount({ platform: 'instagram', handle: 'mine' });
    const taken = await hiddenNumber(h);
    const lead = await h.addMember('lead', 'Lena');
    for (let i = 0; i < 3; i++) expect((await startEnroll(h, lead.token, account.id, taken)).status).toBe(409);
    expect(await count(h, `SELECT count(*) AS n FROM outbox WHERE member_id = '${lead.id}'`)).toBe(0);
  });
});

describe("a member's events name only phones they can see", () => {
  it('no phone.created for a number that protects none of their accounts; it shows once it does', async () => {
    const h = await makeHarness();
    const { member, account } = await enrollSetup(h);
    const other = await h.addAccount({ platform: 'tiktok', handle: 'other' });
    await h.grant(other.id, member.id);
    const pending = await startEnroll(h, member.token, other.id, nextMobile());
    expect(pending.status).toBe(202);
    const seen = async () => {
      const list = await h.call('GET', '/v1/events', { token: member.token });
      return (list.body.events as { action: string }[]).filter((event) => event.action.startsWith('phone.')).length;
    };
    expect(await seen()).toBe(0);
    await enroll(h, member.token, account.id, numbers.de);
    expect(await seen()).toBe(1);
    // A phone deleted by a lead stays hidden: its event is about a phone by its action, row or no row.
    const [hidden] = await h.query<{ phone_id: string }>(
      `SELECT phone_id FROM challenges WHERE id = '${pending.body.challenge.id}'`,
    );
    const deleted = await h.call('DELETE', `/v1/phones/${hidden!.phone_id}`, { token: h.owner.token });
    expect(deleted.status).toBe(200);
    expect(await h.query(`SELECT id FROM phones WHERE id = '${hidden!.phone_id}'`)).toEqual([]);
    expect(await seen()).toBe(1);
    // A lead still sees every phone event.
    const lead = await h.call('GET', '/v1/events', { token: h.owner.token });
    expect((lead.body.events as { action: string }[]).filter((e) => e.action.startsWith('phone.'))).toHaveLength(3);
  });
});

describe("members' enroll codes cannot spend a protecting number's whole budget", () => {
  it("a member enrolling a hidden team number on another platform leaves codes for that number's account", async () => {
    const h = await makeHarness();
    const hidden = await h.addAccount({ platform: 'instagram', handle: 'hidden' });
    const number = nextMobile();
    await enroll(h, h.owner.token, hidden.id, number);
    const member = await h.addMember('member', 'Mo');
    const mine = await h.addAccount({ platform: 'tiktok', handle: 'mine' });
    await h.grant(mine.id, member.id);
    const answers = [];
    for (let i = 0; i < limits.sendsPerPhonePerHour; i++) {
      answers.push((await startEnroll(h, member.token, mine.id, number)).status);
    }
    expect(answers.filter((status) => status === 202)).toHaveLength(membersShare.perHour);
    expect(answers.filter((status) => status === 429)).toHaveLength(limits.sendsPerPhonePerHour - membersShare.perHour);
    // The account that number protects can still be unlocked, up to the number's own budget.
    const left = limits.sendsPerPhonePerHour - 1 - membersShare.perHour;
    for (let i = 0; i < left; i++) {
      expect((await h.call('POST', `/v1/accounts/${hidden.id}/unlock`, { token: h.owner.token })).status).toBe(202);
    }
    const over = await h.call('POST', `/v1/accounts/${hidden.id}/unlock`, { token: h.owner.token });
    expect([over.status, over.body.error.message]).toEqual([429, expect.stringMatching(/this phone this hour/)]);
  });

  it('a number that protects no account is not held to the share', async () => {
    const h = await makeHarness();
    const { member, account } = await enrollSetup(h);
    const number = nextMobile();
    for (let i = 0; i < limits.sendsPerPhonePerHour; i++) {
      expect((await startEnroll(h, member.token, account.id, number)).status).toBe(202);
    }
    expect((await startEnroll(h, member.token, account.id, number)).status).toBe(429);
  });
});
