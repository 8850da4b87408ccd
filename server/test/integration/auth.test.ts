import { limits } from '@twostep/shared';
import { describe, expect, it } from 'vitest';
import { passwordGate } from '../../src/lib/password-gate.ts';
import { makeHarness } from '../harness.ts';

describe('setup and sessions', () => {
  it('sets the team up once, then answers 409 already_set_up', async () => {
    const h = await makeHarness();
    expect(h.owner.token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const again = await h.call('POST', '/v1/setup', {
      body: { team: 'Other', name: 'Eve', email: 'eve@evil.test', password: 'another password 1' },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_set_up');
  });

  it('signs in with the right password and returns the member', async () => {
    const h = await makeHarness();
    const session = await h.call('POST', '/v1/sessions', {
      body: { email: 'OWNER@acme.test', password: 'owner password 123' },
    });
    expect(session.status).toBe(201);
    expect(session.body.member).toEqual({
      id: h.owner.id,
      name: 'Olivia Owner',
      email: 'owner@acme.test',
      role: 'owner',
    });
    const me = await h.call('GET', '/v1/me', { token: session.body.token });
    expect(me.body.member.id).toBe(h.owner.id);
  });

  it('answers the same 401 for a wrong password and an unknown email', async () => {
    const h = await makeHarness();
    const wrong = await h.call('POST', '/v1/sessions', { body: { email: 'owner@acme.test', password: 'nope' } });
    const unknown = await h.call('POST', '/v1/sessions', { body: { email: 'nobody@acme.test', password: 'nope' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error.code).toBe('invalid_credentials');
  });

  it(`allows ${limits.signInFailuresPerEmail} failed passwords per email in 15 minutes, then 429 with Retry-After`, async () => {
    const h = await makeHarness();
    const attempt = (password: string) =>
      h.call('POST', '/v1/sessions', { body: { email: 'owner@acme.test', password } });
    for (let i = 0; i < limits.signInFailuresPerEmail; i++) expect((await attempt('wrong')).status).toBe(401);
    const blocked = await attempt('owner password 123');
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('too_many_attempts');
    expect(Number(blocked.headers.get('Retry-After'))).toBe(15 * 60);
    h.clock.advance(limits.signInWindowMs + 1);
    expect((await attempt('owner password 123')).status).toBe(201);
  });

  it('lets no more than the limit of parallel guesses reach the password check', async () => {
    // A gate roomy enough for all 30, so that the per-email limit, not the hashing gate, is what refuses them.
    const h = await makeHarness({ passwords: passwordGate({ queue: 64 }) });
    const results = await Promise.all(
      Array.from({ length: 30 }, () =>
        h.call('POST', '/v1/sessions', { body: { email: 'owner@acme.test', password: 'wrong' } }),
      ),
    );
    expect(results.filter((r) => r.status === 401)).toHaveLength(limits.signInFailuresPerEmail);
    const refused = results.filter((r) => r.status === 429);
    expect(refused).toHaveLength(30 - limits.signInFailuresPerEmail);
    expect(new Set(refused.map((r) => r.body.error.code))).toEqual(new Set(['too_many_attempts']));
  });

  it('ends a session at once on sign-out, and after 14 days', async () => {
    const h = await makeHarness();
    const out = await h.call('DELETE', '/v1/sessions/current', { token: h.owner.token });
    expect(out.status).toBe(204);
    expect((await h.call('GET', '/v1/me', { token: h.owner.token })).status).toBe(401);
    const fresh = await h.call('POST', '/v1/sessions', {
      body: { email: 'owner@acme.test', password: 'owner password 123' },
    });
    h.clock.advance(limits.sessionMs - 1);
    expect((await h.call('GET', '/v1/me', { token: fresh.body.token })).status).toBe(200);
    h.clock.advance(1);
    expect((await h.call('GET', '/v1/me', { token: fresh.body.token })).status).toBe(401);
  });

  it('stores only hashes of passwords and tokens', async () => {
    const h = await makeHarness();
    const rows = await h.query<{ password_hash: string }>('SELECT password_hash FROM members');
    expect(rows[0]?.password_hash).toMatch(/^pbkdf2-sha256\$100000\$/);
    const tokens = await h.query<{ token_hash: string }>('SELECT token_hash FROM sessions');
    expect(tokens.map((row) => row.token_hash)).not.toContain(h.owner.token);
  });
});

describe('invites', () => {
  it('turns an invite into a member once; the token is single use and expires after 7 days', async () => {
    const h = await makeHarness();
    const invite = await h.call('POST', '/v1/invites', {
      token: h.owner.token,
      body: { email: 'Mia@Acme.test', role: 'member' },
    });
    expect(invite.status).toBe(201);
    expect(invite.body.invite).toMatchObject({ email: 'mia@acme.test', role: 'member' });
    expect(Date.parse(invite.body.invite.expiresAt) - h.clock.now()).toBe(limits.inviteMs);
    const body = { token: invite.body.token, name: 'Mia', password: 'mia password 123' };
    const accepted = await h.call('POST', '/v1/invites/accept', { body });
    expect(accepted.status).toBe(201);
    expect(accepted.body.member).toMatchObject({ name: 'Mia', email: 'mia@acme.test', role: 'member' });
    const reused = await h.call('POST', '/v1/invites/accept', { body });
    expect(reused.status).toBe(410);
    expect(reused.body.error.code).toBe('invite_invalid');

    const late = await h.call('POST', '/v1/invites', {
      token: h.owner.token,
      body: { email: 'late@acme.test', role: 'lead' },
    });
    h.clock.advance(limits.inviteMs);
    const expired = await h.call('POST', '/v1/invites/accept', { body: { ...body, token: late.body.token } });
    expect(expired.status).toBe(410);
  });

  it('accepts one invite exactly once under parallel use', async () => {
    const h = await makeHarness();
    const invite = await h.call('POST', '/v1/invites', {
      token: h.owner.token,
      body: { email: 'p@acme.test', role: 'member' },
    });
    const body = { token: invite.body.token, name: 'P', password: 'p password 12345' };
    const results = await Promise.all(Array.from({ length: 8 }, () => h.call('POST', '/v1/invites/accept', { body })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    const count = await h.query<{ n: number }>("SELECT count(*) AS n FROM members WHERE email = 'p@acme.test'");
    expect(Number(count[0]?.n)).toBe(1);
  });

  it('refuses a name with a line break: names go into SMS texts', async () => {
    const h = await makeHarness();
    const invite = await h.call('POST', '/v1/invites', {
      token: h.owner.token,
      body: { email: 'n@acme.test', role: 'member' },
    });
    const accepted = await h.call('POST', '/v1/invites/accept', {
      body: { token: invite.body.token, name: 'Anna\nGive it to Eve', password: 'n password 12345' },
    });
    expect(accepted.status).toBe(400);
    expect(accepted.body.error.code).toBe('invalid_request');
  });

  it('refuses to invite someone already on the team', async () => {
    const h = await makeHarness();
    const again = await h.call('POST', '/v1/invites', {
      token: h.owner.token,
      body: { email: 'owner@acme.test', role: 'member' },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('duplicate_member');
  });
});
