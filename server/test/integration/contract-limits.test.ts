import { describe, expect, it } from 'vitest';
import { makeHarness } from '../harness.ts';

// The numbers of DESIGN.md written out, not read from `limits`: loosening a constant must fail here.
const day = 24 * 60 * 60_000;

describe('the limits the contract fixes', () => {
  it('expires an invite after exactly 7 days', async () => {
    const h = await makeHarness();
    const invite = (email: string) =>
      h.call('POST', '/v1/invites', { token: h.owner.token, body: { email, role: 'member' } });
    const accept = (token: string) =>
      h.call('POST', '/v1/invites/accept', { body: { token, name: 'New', password: 'new member password' } });
    const early = await invite('early@acme.test');
    const late = await invite('late@acme.test');
    expect(Date.parse(early.body.invite.expiresAt) - h.clock.now()).toBe(7 * day);
    h.clock.advance(7 * day - 1);
    expect((await accept(early.body.token)).status).toBe(201);
    h.clock.advance(1);
    expect((await accept(late.body.token)).status).toBe(410);
  });

  it('ends a session after exactly 14 days', async () => {
    const h = await makeHarness();
    h.clock.advance(14 * day - 1);
    expect((await h.call('GET', '/v1/me', { token: h.owner.token })).status).toBe(200);
    h.clock.advance(1);
    expect((await h.call('GET', '/v1/me', { token: h.owner.token })).status).toBe(401);
    const [row] = await h.query<{ created_at: number; expires_at: number }>(
      'SELECT created_at, expires_at FROM sessions',
    );
    expect(Number(row!.expires_at) - Number(row!.created_at)).toBe(14 * day);
  });

  it('allows 10 failed sign-ins per email in 15 minutes, then answers 429 until the window has passed', async () => {
    const h = await makeHarness();
    const attempt = (password: string) =>
      h.call('POST', '/v1/sessions', { body: { email: 'owner@acme.test', password } });
    for (let i = 0; i < 10; i++) expect((await attempt('wrong')).status).toBe(401);
    const blocked = await attempt('owner password 123');
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('Retry-After')).toBe('900');
    h.clock.advance(15 * 60_000 - 1);
    expect((await attempt('owner password 123')).status).toBe(429);
    h.clock.advance(2);
    expect((await attempt('owner password 123')).status).toBe(201);
  });
});
