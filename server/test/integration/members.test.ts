import { describe, expect, it } from 'vitest';
import { makeHarness } from '../harness.ts';
import { addPhone } from '../seed.ts';

describe('listing members', () => {
  it('lists the active members for a lead, and refuses a member with 403 forbidden', async () => {
    const h = await makeHarness();
    const lead = await h.addMember('lead', 'Lena');
    const member = await h.addMember('member', 'Mia');
    const list = await h.call('GET', '/v1/members', { token: lead.token });
    expect(list.status).toBe(200);
    expect(list.body.members.map((m: { name: string; role: string }) => [m.name, m.role])).toEqual([
      ['Lena', 'lead'],
      ['Mia', 'member'],
      ['Olivia Owner', 'owner'],
    ]);
    expect(JSON.stringify(list.body)).not.toMatch(/password|hash/i);
    const refused = await h.call('GET', '/v1/members', { token: member.token });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('forbidden');
  });
});

describe('changing roles', () => {
  it('lets the owner promote a member; the new role applies to the next request', async () => {
    const h = await makeHarness();
    const member = await h.addMember();
    expect((await h.call('GET', '/v1/members', { token: member.token })).status).toBe(403);
    const promoted = await h.call('PATCH', `/v1/members/${member.id}`, {
      token: h.owner.token,
      body: { role: 'lead' },
    });
    expect(promoted.status).toBe(200);
    expect(promoted.body.member).toMatchObject({ id: member.id, role: 'lead' });
    expect((await h.call('GET', '/v1/members', { token: member.token })).status).toBe(200);
  });

  it('lets only the owner change roles: a lead gets 403 and nothing changes', async () => {
    const h = await makeHarness();
    const lead = await h.addMember('lead');
    const member = await h.addMember();
    const refused = await h.call('PATCH', `/v1/members/${member.id}`, { token: lead.token, body: { role: 'lead' } });
    expect(refused.status).toBe(403);
    const self = await h.call('PATCH', `/v1/members/${lead.id}`, { token: lead.token, body: { role: 'owner' } });
    expect(self.status).toBe(403);
    const roles = await h.query<{ role: string }>(
      `SELECT role FROM members WHERE id IN ('${lead.id}', '${member.id}')`,
    );
    expect(roles.map((row) => row.role).sort()).toEqual(['lead', 'member']);
  });

  it('refuses to demote the last owner with 409 last_owner, and allows it once there is another owner', async () => {
    const h = await makeHarness();
    const demoted = await h.call('PATCH', `/v1/members/${h.owner.id}`, {
      token: h.owner.token,
      body: { role: 'lead' },
    });
    expect(demoted.status).toBe(409);
    expect(demoted.body.error.code).toBe('last_owner');
    expect((await h.call('GET', '/v1/me', { token: h.owner.token })).body.member.role).toBe('owner');
    await h.addMember('owner');
    const now = await h.call('PATCH', `/v1/members/${h.owner.id}`, { token: h.owner.token, body: { role: 'lead' } });
    expect(now.status).toBe(200);
    expect(now.body.member.role).toBe('lead');
  });

  it('lets exactly one of two owners demote the other when both try at once', async () => {
    const h = await makeHarness();
    const second = await h.addMember('owner');
    const results = await Promise.all([
      h.call('PATCH', `/v1/members/${second.id}`, { token: h.owner.token, body: { role: 'member' } }),
      h.call('PATCH', `/v1/members/${h.owner.id}`, { token: second.token, body: { role: 'member' } }),
    ]);
    // The loser is refused either by the SQL guard (409) or, when it already lost its role, as a non-owner (403).
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409 || r.status === 403)).toHaveLength(1);
    const owners = await h.query("SELECT id FROM members WHERE role = 'owner' AND removed_at IS NULL");
    expect(owners).toHaveLength(1);
  });

  it('refuses an unknown role or extra fields with 400, and an unknown member with 404', async () => {
    const h = await makeHarness();
    const member = await h.addMember();
    for (const body of [{ role: 'admin' }, { role: 'lead', email: 'x@evil.test' }, {}]) {
      const response = await h.call('PATCH', `/v1/members/${member.id}`, { token: h.owner.token, body });
      expect(response.status).toBe(400);
    }
    const unknown = await h.call('PATCH', '/v1/members/nobody', { token: h.owner.token, body: { role: 'lead' } });
    expect(unknown.status).toBe(404);
  });
});

describe('removing members', () => {
  it('ends the removed member’s sessions and grants at once', async () => {
    const h = await makeHarness();
    const lead = await h.addMember('lead');
    const member = await h.addMember();
    const account = await h.addAccount();
    await h.grant(account.id, member.id);
    const removed = await h.call('DELETE', `/v1/members/${member.id}`, { token: lead.token });
    expect(removed.status).toBe(200);
    const next = await h.call('GET', '/v1/me', { token: member.token });
    expect(next.status).toBe(401);
    expect(next.body.error.code).toBe('unauthorized');
    expect(await h.query(`SELECT * FROM grants WHERE member_id = '${member.id}'`)).toHaveLength(0);
    const signIn = await h.call('POST', '/v1/sessions', {
      body: { email: member.email, password: 'member password 123' },
    });
    expect(signIn.status).toBe(401);
    const list = await h.call('GET', '/v1/members', { token: lead.token });
    expect(list.body.members.map((m: { id: string }) => m.id)).not.toContain(member.id);
    expect((await h.call('DELETE', `/v1/members/${member.id}`, { token: lead.token })).status).toBe(404);
  });

  it('hands over the phones the removed member held, masked', async () => {
    const h = await makeHarness();
    const member = await h.addMember();
    const held = await addPhone(h, { number: '+49 151 23456789', label: 'SIM 1', holder: { memberId: member.id } });
    await addPhone(h, { holder: { name: 'Someone else' } });
    const removed = await h.call('DELETE', `/v1/members/${member.id}`, { token: h.owner.token });
    expect(removed.body.handover).toEqual({
      heldPhones: [{ id: held.id, masked: '+49 ••• ••• 6789', label: 'SIM 1' }],
      recentlyUnlocked: [],
    });
  });

  it('does not let a lead remove an owner, nor a member remove anyone', async () => {
    const h = await makeHarness();
    const lead = await h.addMember('lead');
    const member = await h.addMember();
    const byLead = await h.call('DELETE', `/v1/members/${h.owner.id}`, { token: lead.token });
    expect(byLead.status).toBe(403);
    expect(byLead.body.error.code).toBe('forbidden');
    const byMember = await h.call('DELETE', `/v1/members/${lead.id}`, { token: member.token });
    expect(byMember.status).toBe(403);
    expect((await h.call('GET', '/v1/me', { token: h.owner.token })).status).toBe(200);
    expect((await h.call('GET', '/v1/me', { token: lead.token })).status).toBe(200);
  });

  it('does not let the last owner remove themselves', async () => {
    const h = await makeHarness();
    const self = await h.call('DELETE', `/v1/members/${h.owner.id}`, { token: h.owner.token });
    expect(self.status).toBe(409);
    expect(self.body.error.code).toBe('last_owner');
    expect((await h.call('GET', '/v1/me', { token: h.owner.token })).status).toBe(200);
  });
});
