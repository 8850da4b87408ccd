import { describe, expect, it } from 'vitest';
import { type Harness, makeHarness } from '../harness.ts';
import { teamIdOf } from '../seed.ts';

type Event = { id: string; actor: string | null; action: string; target: string | null; at: string };
type Page = { events: Event[]; next: string | null };

async function events(h: Harness, query = '', token = h.owner.token): Promise<Page> {
  const response = await h.call('GET', `/v1/events${query}`, { token });
  expect(response.status).toBe(200);
  return response.body;
}

/** Appends `n` events by `actor`, one millisecond apart, with one multi-row INSERT. */
async function seedEvents(h: Harness, n: number, actor: string) {
  const teamId = await teamIdOf(h);
  const start = h.clock.now();
  const rows = Array.from(
    { length: n },
    (_, i) =>
      `('seed-event-${String(i).padStart(5, '0')}', '${teamId}', ${start + i}, '${actor}', 'test.seeded', NULL, 'ok')`,
  );
  await h.query(`INSERT INTO events (id, team_id, at, actor, action, target, result) VALUES ${rows.join(', ')}`);
}

describe('reading the audit log', () => {
  it('shows a member only the events they caused themselves', async () => {
    const h = await makeHarness();
    const member = await h.addMember();
    const other = await h.addMember();
    const account = await h.addAccount();
    await h.grant(account.id, member.id);
    await h.call('POST', '/v1/sessions', { body: { email: other.email, password: 'member password 123' } });
    const own = await events(h, '', member.token);
    expect(own.events.length).toBeGreaterThan(0);
    expect(own.events.every((event) => event.actor === member.id)).toBe(true);
    const asking = await events(h, `?memberId=${other.id}`, member.token);
    expect(asking.events.every((event) => event.actor === member.id)).toBe(true);
    const all = await events(h);
    expect(new Set(all.events.map((event) => event.actor))).toEqual(new Set([h.owner.id, member.id, other.id]));
  });

  it('lets a lead filter by member and by account', async () => {
    const h = await makeHarness();
    const lead = await h.addMember('lead');
    const member = await h.addMember();
    const first = await h.addAccount();
    const second = await h.addAccount();
    await h.grant(first.id, member.id);
    await h.call('PATCH', `/v1/accounts/${second.id}`, { token: lead.token, body: { notes: 'x' } });
    const byLead = await events(h, `?memberId=${lead.id}`, lead.token);
    expect(byLead.events.map((event) => event.action).sort()).toEqual([
      'account.updated',
      'member.created',
      'session.created',
    ]);
    const onFirst = await events(h, `?accountId=${first.id}`, lead.token);
    expect(onFirst.events.map((event) => event.action).sort()).toEqual(['account.created', 'grant.added']);
    const both = await events(h, `?accountId=${second.id}&memberId=${lead.id}`, lead.token);
    expect(both.events.map((event) => event.action)).toEqual(['account.updated']);
  });

  it('pages newest first with `before`, with no duplicates or gaps', async () => {
    const h = await makeHarness();
    await seedEvents(h, 450, h.owner.id);
    const total = (await h.query<{ n: number }>('SELECT count(*) AS n FROM events'))[0]!.n;
    const seen: Event[] = [];
    const sizes: number[] = [];
    let before: string | null = null;
    do {
      const page: Page = await events(h, `?limit=200${before ? `&before=${before}` : ''}`);
      sizes.push(page.events.length);
      seen.push(...page.events);
      before = page.next;
    } while (before && sizes.length < 10);
    expect(sizes.reduce((a, b) => a + b)).toBe(Number(total));
    expect(sizes.slice(0, 2)).toEqual([200, 200]);
    expect(new Set(seen.map((event) => event.id)).size).toBe(seen.length);
    const times = seen.map((event) => Date.parse(event.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('returns 200 events by default, at most 1000, and refuses limit=1001', async () => {
    const h = await makeHarness();
    await seedEvents(h, 1001, h.owner.id);
    expect((await events(h)).events).toHaveLength(200);
    expect((await events(h, '?limit=1000')).events).toHaveLength(1000);
    const tooMany = await h.call('GET', '/v1/events?limit=1001', { token: h.owner.token });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error.code).toBe('invalid_request');
  });

  it('answers 401 without a session', async () => {
    const h = await makeHarness();
    expect((await h.call('GET', '/v1/events')).status).toBe(401);
  });
});
