import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.ts';
import { nodePeerAddress } from '../../src/lib/client-address.ts';
import { deriveKeys } from '../../src/lib/crypto.ts';
import { passwordGate } from '../../src/lib/password-gate.ts';
import { fakeClock, fakeSms, openTestDatabase, testSecret } from '../harness.ts';

const closers: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

/** An app on a fresh database that nobody has set up yet (the harness always sets one up). */
async function freshApp() {
  const database = await openTestDatabase();
  closers.push(() => database.close());
  return createApp({
    db: database.db,
    clock: fakeClock(),
    sms: fakeSms(),
    keys: await deriveKeys(testSecret),
    passwords: passwordGate(),
    clientAddress: nodePeerAddress,
    settings: { version: 'test', smsAllowedCountries: [], allowedOrigins: [] },
    background: () => undefined,
    log: () => undefined,
  });
}

describe('GET /v1/health', () => {
  it('says whether the team is set up yet, so a first-run popup offers setting it up', async () => {
    const app = await freshApp();
    const before = await app.request('/v1/health');
    expect(before.status).toBe(200);
    expect(await before.json()).toEqual({ ok: true, version: expect.any(String), setUp: false });
    const setup = await app.request('/v1/setup', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ team: 'Acme', name: 'Olivia', email: 'o@acme.test', password: 'owner password 1' }),
    });
    expect(setup.status).toBe(201);
    expect(await (await app.request('/v1/health')).json()).toEqual({
      ok: true,
      version: expect.any(String),
      setUp: true,
    });
  });
});
