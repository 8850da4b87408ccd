import { describe, expect, it } from 'vitest';
import { type Harness, makeHarness } from '../harness.ts';
import { addPhone } from '../seed.ts';

type EventRow = { id: string; actor: string | null; action: string; target: string | null; result: string };

/** Runs `change` and returns the audit rows it wrote. */
async function eventsWrittenBy(h: Harness, change: () => Promise<unknown>): Promise<EventRow[]> {
  const before = new Set((await h.query<EventRow>('SELECT id FROM events')).map((row) => row.id));
  await change();
  const after = await h.query<EventRow>('SELECT id, actor, action, target, result FROM events');
  return after.filter((row) => !before.has(row.id)).map((row) => ({ ...row }));
}

const only = (rows: EventRow[]) => {
  expect(rows).toHaveLength(1);
  const { id: _, ...rest } = rows[0]!;
  return rest;
};

describe('one audit event per change', () => {
  it('records account, phone and grant changes with actor, target and result', async () => {
    const h = await makeHarness();
    const lead = await h.addMember('lead');
    const member = await h.addMember();
    const as = lead.token;
    let accountId = '';
    const created = await eventsWrittenBy(h, async () => {
      accountId = (await h.call('POST', '/v1/accounts', { token: as, body: { platform: 'x', handle: 'acme' } })).body
        .account.id;
    });
    expect(only(created)).toEqual({ actor: lead.id, action: 'account.created', target: accountId, result: 'ok' });
    const updated = await eventsWrittenBy(h, () =>
      h.call('PATCH', `/v1/accounts/${accountId}`, { token: as, body: { notes: 'n' } }),
    );
    expect(only(updated)).toEqual({ actor: lead.id, action: 'account.updated', target: accountId, result: 'ok' });
    const grantPath = `/v1/accounts/${accountId}/grants/${member.id}`;
    const added = await eventsWrittenBy(h, () => h.call('PUT', grantPath, { token: as }));
    expect(only(added)).toEqual({ actor: lead.id, action: 'grant.added', target: member.id, result: 'ok' });
    const removed = await eventsWrittenBy(h, () => h.call('DELETE', grantPath, { token: as }));
    expect(only(removed)).toEqual({ actor: lead.id, action: 'grant.removed', target: member.id, result: 'ok' });
    const deleted = await eventsWrittenBy(h, () => h.call('DELETE', `/v1/accounts/${accountId}`, { token: as }));
    expect(only(deleted)).toEqual({ actor: lead.id, action: 'account.deleted', target: accountId, result: 'ok' });
    let phoneId = '';
    const phone = await eventsWrittenBy(h, async () => {
      phoneId = (await h.call('POST', '/v1/phones', { token: as, body: { number: '+4915123456789' } })).body.phone.id;
    });
    expect(only(phone)).toEqual({ actor: lead.id, action: 'phone.created', target: phoneId, result: 'ok' });
  });

  it('writes no event for a change that did not happen (a grant given twice, a refused request)', async () => {
    const h = await makeHarness();
    const member = await h.addMember();
    const account = await h.addAccount();
    await h.grant(account.id, member.id);
    expect(await eventsWrittenBy(h, () => h.grant(account.id, member.id))).toEqual([]);
    const path = `/v1/accounts/${account.id}/grants/${member.id}`;
    await h.call('DELETE', path, { token: h.owner.token });
    expect(await eventsWrittenBy(h, () => h.call('DELETE', path, { token: h.owner.token }))).toEqual([]);
    const refused = () =>
      h.call('POST', '/v1/accounts', { token: member.token, body: { platform: 'x', handle: 'nope' } });
    expect(await eventsWrittenBy(h, refused)).toEqual([]);
  });

  it('records members, roles, invites and sessions', async () => {
    const h = await makeHarness();
    const member = await h.addMember('member', 'Mia');
    const role = await eventsWrittenBy(h, () =>
      h.call('PATCH', `/v1/members/${member.id}`, { token: h.owner.token, body: { role: 'lead' } }),
    );
    expect(only(role)).toEqual({ actor: h.owner.id, action: 'member.role_changed', target: member.id, result: 'ok' });
    let inviteId = '';
    const invite = await eventsWrittenBy(h, async () => {
      inviteId = (
        await h.call('POST', '/v1/invites', { token: h.owner.token, body: { email: 'n@acme.test', role: 'member' } })
      ).body.invite.id;
    });
    expect(only(invite)).toEqual({ actor: h.owner.id, action: 'invite.created', target: inviteId, result: 'ok' });
    const signIn = (password: string) => h.call('POST', '/v1/sessions', { body: { email: member.email, password } });
    expect(only(await eventsWrittenBy(h, () => signIn('member password 123')))).toEqual({
      actor: member.id,
      action: 'session.created',
      target: member.id,
      result: 'ok',
    });
    expect(only(await eventsWrittenBy(h, () => signIn('wrong password')))).toMatchObject({
      action: 'session.failed',
      target: member.id,
      result: 'invalid_credentials',
    });
    const removed = await eventsWrittenBy(h, () =>
      h.call('DELETE', `/v1/members/${member.id}`, { token: h.owner.token }),
    );
    expect(only(removed)).toEqual({ actor: h.owner.id, action: 'member.removed', target: member.id, result: 'ok' });
  });

  it('never stores a full phone number in any event', async () => {
    const h = await makeHarness();
    const member = await h.addMember();
    const phone = await addPhone(h, { number: '+49 151 23456789', holder: { memberId: member.id } });
    await h.call('PATCH', `/v1/phones/${phone.id}`, { token: h.owner.token, body: { label: '+49 151 23456789' } });
    await h.call('POST', '/v1/phones', { token: h.owner.token, body: { number: '0049 1512 3456789' } });
    await h.call('DELETE', `/v1/members/${member.id}`, { token: h.owner.token });
    await h.call('DELETE', `/v1/phones/${phone.id}`, { token: h.owner.token });
    const dump = JSON.stringify(await h.query('SELECT * FROM events')).replace(/\D/g, ' ');
    expect(dump.split(/\s+/).some((digits) => digits.includes('15123456789'))).toBe(false);
    expect(JSON.stringify(await h.query('SELECT * FROM events'))).not.toMatch(/\+?49[\s\d]{8,}/);
  });
});

describe('audit integrity', () => {
  it('refuses to change or remove an event, even with raw SQL', async () => {
    const h = await makeHarness();
    const [event] = await h.query<EventRow>('SELECT id, action FROM events LIMIT 1');
    const failure = (statement: string) =>
      h.query(statement).then(
        () => 'succeeded',
        (error: Error) => `${error.message} ${(error.cause as Error | undefined)?.message}`,
      );
    expect(await failure(`UPDATE events SET result = 'tampered' WHERE id = '${event!.id}'`)).toMatch(/append-only/);
    expect(await failure('DELETE FROM events')).toMatch(/append-only/);
    const [still] = await h.query<EventRow>(`SELECT id, action, result FROM events WHERE id = '${event!.id}'`);
    expect(still).toMatchObject({ action: event!.action, result: 'ok' });
  });
});

describe('the address an event records', () => {
  it('is the peer of the connection on Node, not a cf-connecting-ip header the client made up', async () => {
    const h = await makeHarness();
    const response = await h.app.request(
      '/v1/accounts',
      {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${h.owner.token}`,
          'Content-Type': 'application/json',
          'cf-connecting-ip': '203.0.113.9',
        },
        body: JSON.stringify({ platform: 'x', handle: 'acme' }),
      },
      { incoming: { socket: { remoteAddress: '192.0.2.1' } } },
    );
    expect(response.status).toBe(201);
    const [event] = await h.query<{ ip: string }>("SELECT ip FROM events WHERE action = 'account.created'");
    expect(event!.ip).toBe('192.0.2.1');
  });

  it('is never the header on Node, even when the socket no longer knows its peer', async () => {
    const h = await makeHarness();
    const headers = {
      Authorization: `Bearer ${h.owner.token}`,
      'Content-Type': 'application/json',
      'cf-connecting-ip': '203.0.113.9',
    };
    const body = JSON.stringify({ platform: 'x', handle: 'acme' });
    const response = await h.app.request(
      '/v1/accounts',
      { method: 'POST', headers, body },
      { incoming: { socket: {} } },
    );
    expect(response.status).toBe(201);
    const [event] = await h.query<{ ip: string | null }>("SELECT ip FROM events WHERE action = 'account.created'");
    expect(event!.ip).toBeNull();
  });
});
