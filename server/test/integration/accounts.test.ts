import { describe, expect, it } from 'vitest';
import { makeHarness } from '../harness.ts';

const unknownId = '01zzzzzzzzzzzzzzzzzzzzzzzz';

describe('creating accounts', () => {
  it('stores the handle without @ and in lower case, and answers 201 with the account', async () => {
    const h = await makeHarness();
    const created = await h.call('POST', '/v1/accounts', {
      token: h.owner.token,
      body: { platform: 'instagram', handle: '@Acme.Brand', client: 'Acme', loginName: 'social@acme.test' },
    });
    expect(created.status).toBe(201);
    expect(created.body.account).toEqual({
      id: expect.any(String),
      platform: 'instagram',
      handle: 'acme.brand',
      client: 'Acme',
      loginName: 'social@acme.test',
      notes: null,
      twoStep: { status: 'off', phone: null, verifiedAt: null },
      backupCodes: { remaining: 0, total: 0 },
    });
  });

  it('refuses a handle already on the platform in any case or spelling with 409 duplicate_account', async () => {
    const h = await makeHarness();
    await h.addAccount({ platform: 'tiktok', handle: 'acme' });
    for (const handle of ['ACME', '@acme', '  @Acme ']) {
      const again = await h.call('POST', '/v1/accounts', {
        token: h.owner.token,
        body: { platform: 'tiktok', handle },
      });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('duplicate_account');
    }
    const rows = await h.query<{ n: number }>("SELECT count(*) AS n FROM accounts WHERE handle = 'acme'");
    expect(Number(rows[0]!.n)).toBe(1);
  });

  it('allows the same handle on another platform', async () => {
    const h = await makeHarness();
    await h.addAccount({ platform: 'tiktok', handle: 'acme' });
    const other = await h.call('POST', '/v1/accounts', {
      token: h.owner.token,
      body: { platform: 'youtube', handle: 'Acme' },
    });
    expect(other.status).toBe(201);
  });

  it('rejects an unknown platform, an empty handle and unknown fields with 400 invalid_request', async () => {
    const h = await makeHarness();
    for (const body of [
      { platform: 'myspace', handle: 'acme' },
      { platform: 'x', handle: '@' },
      { platform: 'x', handle: 'acme', teamId: 'other-team' },
    ]) {
      const response = await h.call('POST', '/v1/accounts', { token: h.owner.token, body });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('invalid_request');
    }
    expect(await h.query('SELECT id FROM accounts')).toHaveLength(0);
  });
});

describe('reading, changing and deleting one account', () => {
  it('reads an account by id and answers 404 not_found for an unknown id', async () => {
    const h = await makeHarness();
    const account = await h.addAccount({ handle: 'acme' });
    const read = await h.call('GET', `/v1/accounts/${account.id}`, { token: h.owner.token });
    expect(read.status).toBe(200);
    expect(read.body.account).toEqual(account);
    const unknown = await h.call('GET', `/v1/accounts/${unknownId}`, { token: h.owner.token });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('not_found');
  });

  it('changes only the fields sent, normalising a new handle', async () => {
    const h = await makeHarness();
    const account = await h.addAccount({ handle: 'acme', client: 'Acme', loginName: 'a@acme.test' });
    const patched = await h.call('PATCH', `/v1/accounts/${account.id}`, {
      token: h.owner.token,
      body: { handle: '@Acme.Official', notes: 'Main brand account' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.account).toEqual({ ...account, handle: 'acme.official', notes: 'Main brand account' });
  });

  it('answers 409 duplicate_account when a patch would collide with another handle', async () => {
    const h = await makeHarness();
    await h.addAccount({ handle: 'taken' });
    const account = await h.addAccount({ handle: 'mine' });
    const patched = await h.call('PATCH', `/v1/accounts/${account.id}`, {
      token: h.owner.token,
      body: { handle: 'TAKEN' },
    });
    expect(patched.status).toBe(409);
    expect(patched.body.error.code).toBe('duplicate_account');
  });

  it.each([
    { teamId: 'another-team' },
    { role: 'owner' },
    { id: 'hijacked' },
    { twoStep: { status: 'on' } },
    { failedCodes: 0, lockedUntil: null },
    { backupCodes: { remaining: 10, total: 10 } },
  ])('refuses a patch carrying %j with 400 and persists nothing of it', async (extra) => {
    const h = await makeHarness();
    const account = await h.addAccount({ handle: 'acme' });
    const rowBefore = await h.query(`SELECT * FROM accounts WHERE id = '${account.id}'`);
    const patched = await h.call('PATCH', `/v1/accounts/${account.id}`, {
      token: h.owner.token,
      body: { notes: 'should not be saved', ...extra },
    });
    expect(patched.status).toBe(400);
    expect(patched.body.error.code).toBe('invalid_request');
    expect(await h.query(`SELECT * FROM accounts WHERE id = '${account.id}'`)).toEqual(rowBefore);
    expect(await h.query('SELECT account_id FROM enrollments')).toHaveLength(0);
  });

  it('refuses an empty patch with 400 invalid_request', async () => {
    const h = await makeHarness();
    const account = await h.addAccount();
    const patched = await h.call('PATCH', `/v1/accounts/${account.id}`, { token: h.owner.token, body: {} });
    expect(patched.status).toBe(400);
    expect(patched.body.error.code).toBe('invalid_request');
  });

  it('deletes an account with its grants; afterwards it is 404', async () => {
    const h = await makeHarness();
    const member = await h.addMember();
    const account = await h.addAccount();
    await h.grant(account.id, member.id);
    const deleted = await h.call('DELETE', `/v1/accounts/${account.id}`, { token: h.owner.token });
    expect(deleted.status).toBe(200);
    expect(deleted.body.account.id).toBe(account.id);
    expect((await h.call('GET', `/v1/accounts/${account.id}`, { token: h.owner.token })).status).toBe(404);
    expect((await h.call('DELETE', `/v1/accounts/${account.id}`, { token: h.owner.token })).status).toBe(404);
    expect(await h.query(`SELECT * FROM grants WHERE account_id = '${account.id}'`)).toHaveLength(0);
  });
});

describe('what a member may see', () => {
  it('lists only the accounts granted to the member', async () => {
    const h = await makeHarness();
    const member = await h.addMember();
    const granted = await h.addAccount({ handle: 'granted' });
    await h.addAccount({ handle: 'hidden' });
    await h.grant(granted.id, member.id);
    const list = await h.call('GET', '/v1/accounts', { token: member.token });
    expect(list.body.accounts.map((a: { handle: string }) => a.handle)).toEqual(['granted']);
    const lead = await h.addMember('lead');
    const all = await h.call('GET', '/v1/accounts', { token: lead.token });
    expect(all.body.accounts).toHaveLength(2);
  });

  it('answers an ungranted account exactly like an unknown id', async () => {
    const h = await makeHarness();
    const member = await h.addMember();
    const hidden = await h.addAccount({ handle: 'hidden' });
    const ungranted = await h.call('GET', `/v1/accounts/${hidden.id}`, { token: member.token });
    const unknown = await h.call('GET', `/v1/accounts/${unknownId}`, { token: member.token });
    expect(ungranted.status).toBe(404);
    expect(ungranted.body).toEqual(unknown.body);
    expect(JSON.stringify(ungranted.body)).not.toContain('hidden');
  });

  it('takes a revoked grant away on the very next request', async () => {
    const h = await makeHarness();
    const member = await h.addMember();
    const account = await h.addAccount();
    await h.grant(account.id, member.id);
    expect((await h.call('GET', `/v1/accounts/${account.id}`, { token: member.token })).status).toBe(200);
    const revoked = await h.call('DELETE', `/v1/accounts/${account.id}/grants/${member.id}`, { token: h.owner.token });
    expect(revoked.status).toBe(204);
    expect((await h.call('GET', `/v1/accounts/${account.id}`, { token: member.token })).status).toBe(404);
    expect((await h.call('GET', '/v1/accounts', { token: member.token })).body.accounts).toEqual([]);
  });

  it('lists the grants of an account for a lead', async () => {
    const h = await makeHarness();
    const member = await h.addMember('member', 'Mia');
    const account = await h.addAccount();
    await h.grant(account.id, member.id);
    const grants = await h.call('GET', `/v1/accounts/${account.id}/grants`, { token: h.owner.token });
    expect(grants.body.grants).toEqual([
      { memberId: member.id, name: 'Mia', grantedAt: new Date(h.clock.now()).toISOString() },
    ]);
  });
});
