import { limits } from '@twostep/shared';
import { describe, expect, it } from 'vitest';
import { type Harness, makeHarness } from '../harness.ts';

let counter = 0;

async function invite(h: Harness, token: string, role: 'lead' | 'member' = 'member') {
  const email = `invitee${++counter}@acme.test`;
  const made = await h.call('POST', '/v1/invites', { token, body: { email, role } });
  expect(made.status).toBe(201);
  return { id: made.body.invite.id as string, token: made.body.token as string, email };
}

const accept = (h: Harness, token: string) =>
  h.call('POST', '/v1/invites/accept', { body: { token, name: `New ${++counter}`, password: 'newcomer password' } });

const openIds = async (h: Harness, token = h.owner.token) =>
  ((await h.call('GET', '/v1/invites', { token })).body.invites as { id: string }[]).map((row) => row.id).sort();

const revokedEvents = (h: Harness, id: string) =>
  h.query<{ actor: string | null; result: string }>(
    `SELECT actor, result FROM events WHERE action = 'invite.revoked' AND target = '${id}'`,
  );

describe('listing and revoking invites', () => {
  it('lists the open invites only, with who made them; a member gets 403', async () => {
    const h = await makeHarness();
    const lead = await h.addMember('lead', 'Lena');
    const open = await invite(h, lead.token, 'lead');
    const used = await invite(h, h.owner.token);
    expect((await accept(h, used.token)).status).toBe(201);
    const revoked = await invite(h, h.owner.token);
    expect((await h.call('DELETE', `/v1/invites/${revoked.id}`, { token: lead.token })).status).toBe(204);

    const list = await h.call('GET', '/v1/invites', { token: lead.token });
    expect(list.status).toBe(200);
    expect(list.body.invites).toEqual([
      {
        id: open.id,
        email: open.email,
        role: 'lead',
        expiresAt: new Date(h.clock.now() + limits.inviteMs).toISOString(),
        createdBy: lead.id,
      },
    ]);
    h.clock.advance(limits.inviteMs);
    expect(await openIds(h)).toEqual([]);
    const member = await h.addMember('member');
    expect((await h.call('GET', '/v1/invites', { token: member.token })).status).toBe(403);
  });

  it('revokes an open invite (204, invite.revoked); then it cannot be accepted, and a second revoke is 404', async () => {
    const h = await makeHarness();
    const made = await invite(h, h.owner.token);
    const revoked = await h.call('DELETE', `/v1/invites/${made.id}`, { token: h.owner.token });
    expect(revoked.status).toBe(204);
    expect(await revokedEvents(h, made.id)).toEqual([{ actor: h.owner.id, result: 'ok' }]);
    const late = await accept(h, made.token);
    expect(late.status).toBe(410);
    expect(late.body.error.code).toBe('invite_invalid');
    expect((await h.call('DELETE', `/v1/invites/${made.id}`, { token: h.owner.token })).status).toBe(404);
    expect(await revokedEvents(h, made.id)).toHaveLength(1);
  });

  it('answers 404 for an unknown, used or expired invite, and 403 to a member', async () => {
    const h = await makeHarness();
    const unknown = await h.call('DELETE', '/v1/invites/01JDUNKNOWN0000000000000000', { token: h.owner.token });
    expect(unknown.status).toBe(404);
    const used = await invite(h, h.owner.token);
    await accept(h, used.token);
    expect((await h.call('DELETE', `/v1/invites/${used.id}`, { token: h.owner.token })).status).toBe(404);
    const old = await invite(h, h.owner.token);
    h.clock.advance(limits.inviteMs);
    expect((await h.call('DELETE', `/v1/invites/${old.id}`, { token: h.owner.token })).status).toBe(404);
    const open = await invite(h, h.owner.token);
    const member = await h.addMember('member');
    expect((await h.call('DELETE', `/v1/invites/${open.id}`, { token: member.token })).status).toBe(403);
    expect(await openIds(h)).toEqual([open.id]);
  });

  it('parallel revokes of one invite: one 204, one event', async () => {
    const h = await makeHarness();
    const made = await invite(h, h.owner.token);
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => h.call('DELETE', `/v1/invites/${made.id}`, { token: h.owner.token })),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([204, 404, 404, 404, 404]);
    expect(await revokedEvents(h, made.id)).toHaveLength(1);
  });
});

describe('an invite lives only as long as its creator may make it', () => {
  it("removing a lead revokes their open invites in the removal's batch", async () => {
    const h = await makeHarness();
    const lead = await h.addMember('lead', 'Lena');
    const mine = [await invite(h, lead.token, 'lead'), await invite(h, lead.token, 'member')];
    const others = await invite(h, h.owner.token, 'lead');
    expect((await h.call('DELETE', `/v1/members/${lead.id}`, { token: h.owner.token })).status).toBe(200);
    expect(await openIds(h)).toEqual([others.id]);
    for (const made of mine) {
      const late = await accept(h, made.token);
      expect(late.status).toBe(410);
      expect(await revokedEvents(h, made.id)).toEqual([{ actor: h.owner.id, result: 'member_removed' }]);
    }
    expect((await accept(h, others.token)).status).toBe(201);
  });

  it('demoting a lead revokes their open invites', async () => {
    const h = await makeHarness();
    const lead = await h.addMember('lead', 'Lena');
    const made = await invite(h, lead.token, 'lead');
    await h.call('PATCH', `/v1/members/${lead.id}`, { token: h.owner.token, body: { role: 'member' } });
    expect(await openIds(h)).toEqual([]);
    expect((await accept(h, made.token)).status).toBe(410);
    expect(await revokedEvents(h, made.id)).toEqual([{ actor: h.owner.id, result: 'member_demoted' }]);
  });

  it('promoting a member, or a lead to owner, revokes nothing', async () => {
    const h = await makeHarness();
    const lead = await h.addMember('lead', 'Lena');
    const made = await invite(h, lead.token, 'lead');
    await h.call('PATCH', `/v1/members/${lead.id}`, { token: h.owner.token, body: { role: 'owner' } });
    await h.call('PATCH', `/v1/members/${lead.id}`, { token: h.owner.token, body: { role: 'lead' } });
    expect(await openIds(h)).toEqual([made.id]);
    expect((await accept(h, made.token)).status).toBe(201);
  });

  it('the accept itself checks, in its SQL, that the creator still holds the role it grants', async () => {
    const h = await makeHarness();
    const lead = await h.addMember('lead', 'Lena');
    const made = await invite(h, lead.token, 'lead');
    const spare = await invite(h, lead.token, 'member');
    // Changed behind the routes' back: only the accepting statement can notice.
    await h.query(`UPDATE members SET role = 'member' WHERE id = '${lead.id}'`);
    const refused = await accept(h, made.token);
    expect(refused.status).toBe(410);
    expect(refused.body.error.code).toBe('invite_invalid');
    expect((await accept(h, spare.token)).status).toBe(410);
    expect(await h.query(`SELECT id FROM members WHERE email = '${made.email}'`)).toHaveLength(0);
    expect(await h.query(`SELECT id FROM invites WHERE id = '${made.id}' AND accepted_at IS NOT NULL`)).toHaveLength(0);
    await h.query(`UPDATE members SET role = 'lead' WHERE id = '${lead.id}'`);
    expect((await accept(h, made.token)).status).toBe(201);
    await h.query(`UPDATE members SET removed_at = 1 WHERE id = '${lead.id}'`);
    expect((await accept(h, spare.token)).status).toBe(410);
  });
});

describe('the list shows only invites that would still be accepted', () => {
  it("an open invite whose creator no longer holds a lead's role is not listed (nor accepted)", async () => {
    const h = await makeHarness();
    const lead = await h.addMember('lead', 'Lena');
    const kept = await invite(h, h.owner.token);
    const orphan = await invite(h, lead.token);
    // As a demotion racing the invite's creation would leave it: open, its creator a member now.
    await h.query(`UPDATE members SET role = 'member' WHERE id = '${lead.id}'`);
    expect(await openIds(h)).toEqual([kept.id]);
    expect((await accept(h, orphan.token)).status).not.toBe(201);
  });
});
