import { describe, expect, it } from 'vitest';
import { type Harness, makeHarness } from '../harness.ts';
import { addPhone, enroll } from '../seed.ts';

const createPhone = (h: Harness, body: Record<string, unknown>) =>
  h.call('POST', '/v1/phones', { token: h.owner.token, body });

describe('adding phones', () => {
  it('stores the number in E.164 and shows it masked', async () => {
    const h = await makeHarness();
    const created = await createPhone(h, { number: '+49 151 23456789', label: 'Team SIM 3' });
    expect(created.status).toBe(201);
    expect(created.body.phone).toEqual({
      id: expect.any(String),
      number: '+4915123456789',
      masked: '+49 ••• ••• 6789',
      label: 'Team SIM 3',
      holder: null,
      verifiedAt: null,
      protects: [],
    });
  });

  it.each([
    { number: '0049 1512 3456789' },
    { number: '+4915123456789' },
    { number: '01512 3456789', country: 'DE' },
    { number: '01512 3456789', country: 'de' },
  ])('treats %j as the number already on file: 409 duplicate_phone with its id', async (spelling) => {
    const h = await makeHarness();
    const first = await createPhone(h, { number: '+49 151 23456789' });
    const second = await createPhone(h, spelling);
    expect(second.status).toBe(409);
    expect(second.body.error).toMatchObject({ code: 'duplicate_phone', phoneId: first.body.phone.id });
    expect(await h.query('SELECT id FROM phones')).toHaveLength(1);
  });

  it.each([
    { number: '112' },
    { number: '+49 112' },
    { number: '22222' },
    { number: '+49 151 ABCDEFGH' },
    { number: 'call me maybe' },
    { number: '+49 30 12345678' },
    { number: '+49 900 1234567' },
    { number: '01512 3456789' },
    { number: '+49 151 2345' },
  ])('refuses %j with 400 invalid_phone', async (body) => {
    const h = await makeHarness();
    const response = await createPhone(h, body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_phone');
    expect(await h.query('SELECT id FROM phones')).toHaveLength(0);
  });

  it('records a team member or an outside name as the holder', async () => {
    const h = await makeHarness();
    const member = await h.addMember('member', 'Mia');
    const held = await createPhone(h, { number: '+4915123456781', holder: { memberId: member.id } });
    expect(held.body.phone.holder).toEqual({ memberId: member.id, name: 'Mia' });
    const outside = await createPhone(h, { number: '+4915123456782', holder: { name: 'Jane at the client' } });
    expect(outside.body.phone.holder).toEqual({ memberId: null, name: 'Jane at the client' });
    const nobody = await createPhone(h, { number: '+4915123456783', holder: { memberId: 'no-such-member' } });
    expect(nobody.status).toBe(400);
    const both = await createPhone(h, { number: '+4915123456784', holder: { memberId: member.id, name: 'Mia' } });
    expect(both.status).toBe(400);
  });
});

describe('changing and deleting phones', () => {
  it('changes the label and the holder, and clears the holder with null', async () => {
    const h = await makeHarness();
    const phone = await addPhone(h, { label: 'Old' });
    const member = await h.addMember('member', 'Mia');
    const patched = await h.call('PATCH', `/v1/phones/${phone.id}`, {
      token: h.owner.token,
      body: { label: 'Team SIM 4', holder: { memberId: member.id } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.phone).toMatchObject({ label: 'Team SIM 4', holder: { memberId: member.id, name: 'Mia' } });
    const cleared = await h.call('PATCH', `/v1/phones/${phone.id}`, { token: h.owner.token, body: { holder: null } });
    expect(cleared.body.phone).toMatchObject({ label: 'Team SIM 4', holder: null });
  });

  it('refuses to change the number itself or unknown fields, and answers 404 for an unknown phone', async () => {
    const h = await makeHarness();
    const phone = await addPhone(h);
    const renumbered = await h.call('PATCH', `/v1/phones/${phone.id}`, {
      token: h.owner.token,
      body: { label: 'x', number: '+4915199999999' },
    });
    expect(renumbered.status).toBe(400);
    expect(renumbered.body.error.code).toBe('invalid_request');
    const stored = await h.query<{ number: string; label: string | null }>('SELECT number, label FROM phones');
    expect(stored).toEqual([{ number: phone.number, label: null }]);
    const unknown = await h.call('PATCH', '/v1/phones/nope', { token: h.owner.token, body: { label: 'x' } });
    expect(unknown.status).toBe(404);
  });

  it('refuses to delete a phone with 409 phone_in_use while it protects an account, and deletes it after', async () => {
    const h = await makeHarness();
    const phone = await addPhone(h);
    const account = await h.addAccount({ platform: 'instagram', handle: 'acme' });
    await enroll(h, account.id, phone.id);
    const refused = await h.call('DELETE', `/v1/phones/${phone.id}`, { token: h.owner.token });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('phone_in_use');
    expect(await h.query('SELECT id FROM phones')).toHaveLength(1);
    await h.query(`DELETE FROM enrollments WHERE account_id = '${account.id}'`);
    const deleted = await h.call('DELETE', `/v1/phones/${phone.id}`, { token: h.owner.token });
    expect(deleted.status).toBe(200);
    expect(await h.query('SELECT id FROM phones')).toHaveLength(0);
    expect((await h.call('DELETE', `/v1/phones/${phone.id}`, { token: h.owner.token })).status).toBe(404);
  });
});

describe('listing phones', () => {
  it('shows each phone masked with the accounts it protects', async () => {
    const h = await makeHarness();
    const phone = await addPhone(h, { number: '+49 151 23456789', label: 'SIM 1' });
    const spare = await addPhone(h, { number: '+49 151 23450000' });
    const insta = await h.addAccount({ platform: 'instagram', handle: 'acme' });
    const tiktok = await h.addAccount({ platform: 'tiktok', handle: 'acme' });
    await enroll(h, insta.id, phone.id);
    await enroll(h, tiktok.id, phone.id);
    const list = await h.call('GET', '/v1/phones', { token: h.owner.token });
    expect(list.status).toBe(200);
    const byId = new Map(list.body.phones.map((p: { id: string }) => [p.id, p]));
    expect(byId.get(phone.id)).toMatchObject({ number: '+4915123456789', masked: '+49 ••• ••• 6789', label: 'SIM 1' });
    const protects = (byId.get(phone.id) as { protects: { accountId: string }[] }).protects;
    expect(protects).toHaveLength(2);
    expect(protects).toEqual(
      expect.arrayContaining([
        { accountId: insta.id, platform: 'instagram', handle: 'acme' },
        { accountId: tiktok.id, platform: 'tiktok', handle: 'acme' },
      ]),
    );
    expect(byId.get(spare.id)).toMatchObject({ masked: '+49 ••• ••• 0000', protects: [] });
  });

  it('is for leads only: a member gets 403 forbidden and cannot add phones', async () => {
    const h = await makeHarness();
    const member = await h.addMember();
    expect((await h.call('GET', '/v1/phones', { token: member.token })).body.error.code).toBe('forbidden');
    const added = await h.call('POST', '/v1/phones', { token: member.token, body: { number: '+4915123456789' } });
    expect(added.status).toBe(403);
    expect(await h.query('SELECT id FROM phones')).toHaveLength(0);
  });
});
