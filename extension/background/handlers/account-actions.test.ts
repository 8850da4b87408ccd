import type { Account, Challenge, Phone } from '@twostep/shared';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { type ApiClient, ApiRequestError } from '../api-client.ts';
import { createIntentHandler } from '../intent-handler.ts';
import { sessionStore } from '../session-store.ts';
import type { BadgeDeps } from '../toolbar-badge.ts';

const lead = { id: 'm1', name: 'Lena', email: 'lena@acme.test', role: 'lead' as const };
const member = { ...lead, id: 'm2', name: 'Mia', role: 'member' as const };
const token = 'tok_abcdefghijklmnop';
const serverUrl = 'http://127.0.0.1:9999';
const challenge = (purpose: Challenge['purpose']): Challenge => ({
  id: 'c1',
  purpose,
  accountId: 'a1',
  sentTo: '+49 ••• ••• 0001',
  expiresAt: new Date(Date.now() + 600_000).toISOString(),
  resendAfter: new Date(Date.now() + 30_000).toISOString(),
  attemptsLeft: 5,
  status: 'pending',
});

function fakeApi(overrides: Partial<ApiClient>) {
  return () =>
    new Proxy(overrides, {
      get: (target, name: string) =>
        name === 'then'
          ? undefined
          : (target[name as keyof ApiClient] ?? (() => Promise.reject(new Error(`unexpected ${name}`)))),
    }) as ApiClient;
}
const refuse = (code: ConstructorParameters<typeof ApiRequestError>[0], status: number, details = {}) =>
  vi.fn(async () => {
    throw new ApiRequestError(code, `refused: ${code}`, status, details);
  });
const noBadge: BadgeDeps = { show: async () => undefined, activeTab: async () => undefined };
const handlerWith = (api: Partial<ApiClient>, badge = noBadge) =>
  createIntentHandler({ session: sessionStore, api: fakeApi(api), badge });

describe('the account actions in the background', () => {
  beforeEach(async () => {
    fakeBrowser.reset();
    await sessionStore.save({ serverUrl, token, member: lead });
  });

  it('sets a fresh server up and signs its owner in, keeping the token to itself', async () => {
    await sessionStore.clear();
    const setUp = vi.fn(async () => ({ token, member: { ...lead, role: 'owner' as const } }));
    const handle = handlerWith({ setUp, reportSummary: async () => ({ summary: { accounts: 0, off: 0 } }) });
    const body = { team: 'Acme', name: 'Olivia', email: 'o@acme.test', password: 'owner password 1' };
    const reply = await handle({ type: 'session.setUp', serverUrl: `${serverUrl}/`, ...body });
    expect(reply).toMatchObject({ ok: true, data: { serverUrl, member: { role: 'owner' } } });
    expect(setUp).toHaveBeenCalledWith(body);
    expect(JSON.stringify(reply)).not.toContain(token);
    expect((await sessionStore.current())?.token).toBe(token);
  });

  it('says whether a server has a team, and refuses plain http:// to another machine before asking', async () => {
    const handle = handlerWith({ health: async () => ({ ok: true, version: '1', setUp: false }) });
    expect(await handle({ type: 'server.check', serverUrl })).toEqual({ ok: true, data: { serverUrl, setUp: false } });
    expect(await handle({ type: 'server.check', serverUrl: 'http://twostep.acme.test' })).toMatchObject({
      ok: false,
      problem: { code: 'invalid_request' },
    });
  });

  it('joins from an invite, and hands on the server’s refusal of a used one', async () => {
    await sessionStore.clear();
    const acceptInvite = vi.fn(async () => ({ token, member }));
    const ok = await handlerWith({ acceptInvite })({
      type: 'session.acceptInvite',
      serverUrl,
      token: ' tok_invite_0123456789 ',
      name: 'Mia',
      password: 'member password 1',
    });
    expect(ok).toMatchObject({ ok: true, data: { member } });
    expect(acceptInvite).toHaveBeenCalledWith({
      token: 'tok_invite_0123456789',
      name: 'Mia',
      password: 'member password 1',
    });
    await sessionStore.clear();
    const used = await handlerWith({ acceptInvite: refuse('invite_invalid', 410) })({
      type: 'session.acceptInvite',
      serverUrl,
      token: 'tok_invite_0123456789',
      name: 'Mia',
      password: 'member password 1',
    });
    expect(used).toMatchObject({ ok: false, problem: { code: 'invite_invalid', status: 410 } });
    expect(await sessionStore.current()).toBeNull();
  });

  it('lists the team’s phones without their full numbers', async () => {
    const phone: Phone = {
      id: 'p1',
      number: '+4915123450001',
      masked: '+49 ••• ••• 0001',
      label: 'SIM 1',
      holder: null,
      verifiedAt: null,
      protects: [],
    };
    const listPhones = vi.fn(async () => ({ phones: [phone], next: 'n2' }));
    const reply = await handlerWith({ listPhones })({ type: 'phones.list', q: ' SIM ' });
    expect(reply).toEqual({
      ok: true,
      data: {
        phones: [{ id: 'p1', masked: '+49 ••• ••• 0001', label: 'SIM 1', holder: null, protects: [] }],
        next: 'n2',
      },
    });
    expect(JSON.stringify(reply)).not.toContain('+4915123450001');
    expect(listPhones).toHaveBeenCalledWith({ q: 'SIM', cursor: undefined, limit: 50 });
  });

  it('protects with a team phone or a typed number, keeping the code entry for a reopened popup', async () => {
    const startTwoStep = vi.fn(async () => ({ challenge: challenge('enroll') }));
    const handle = handlerWith({ startTwoStep, unlockStatus: async () => ({ unlockedUntil: null }) });
    expect(await handle({ type: 'twoStep.start', accountId: 'a1', phoneId: 'p1' })).toMatchObject({
      ok: true,
      data: { challenge: { purpose: 'enroll' } },
    });
    expect(
      await handle({ type: 'twoStep.start', accountId: 'a1', number: '030 1234567', country: 'DE' }),
    ).toMatchObject({ ok: true });
    expect(startTwoStep.mock.calls).toEqual([
      ['a1', { phoneId: 'p1' }],
      ['a1', { number: '030 1234567', country: 'DE' }],
    ]);
    expect(await handle({ type: 'session.get' })).toMatchObject({ data: { pendingAccountId: 'a1' } });
    expect(await handle({ type: 'unlock.status', accountId: 'a1' })).toMatchObject({
      data: { pending: { challenge: { purpose: 'enroll' } } },
    });
  });

  it('keeps a number change started while unlocked as the account’s code entry', async () => {
    const handle = handlerWith({
      startTwoStep: async () => ({ challenge: challenge('change_number') }),
      unlockStatus: async () => ({ unlockedUntil: new Date(Date.now() + 60_000).toISOString() }),
    });
    await handle({ type: 'twoStep.start', accountId: 'a1', phoneId: 'p2' });
    expect(await handle({ type: 'unlock.status', accountId: 'a1' })).toMatchObject({
      data: { pending: { challenge: { purpose: 'change_number' } } },
    });
  });

  it('hands on every refusal of a number with its code and details', async () => {
    for (const [code, status] of [
      ['invalid_phone', 400],
      ['number_in_use_on_platform', 409],
      ['two_step_already_on', 409],
      ['unlock_required', 403],
      ['sms_country_not_allowed', 403],
      ['rate_limited', 429],
    ] as const) {
      const reply = await handlerWith({ startTwoStep: refuse(code, status, { retryAfter: 60 }) })({
        type: 'twoStep.start',
        accountId: 'a1',
        number: 'x',
      });
      expect(reply).toEqual({
        ok: false,
        problem: { code, status, message: `refused: ${code}`, details: { retryAfter: 60 } },
      });
    }
    expect(await sessionStore.pending()).toBeNull();
  });

  it('turns two-step off by a code, or by force with a reason; a member’s force is refused by the server', async () => {
    const forceOff = vi.fn(async () => ({ account: { id: 'a1' } as Account }));
    const handle = handlerWith({ disableTwoStep: async () => ({ challenge: challenge('disable') }), forceOff });
    expect(await handle({ type: 'twoStep.disable', accountId: 'a1' })).toMatchObject({
      ok: true,
      data: { challenge: { purpose: 'disable' } },
    });
    expect(await handle({ type: 'twoStep.forceOff', accountId: 'a1', reason: 'Phone lost' })).toEqual({
      ok: true,
      data: { account: { id: 'a1' } },
    });
    expect(forceOff).toHaveBeenCalledWith('a1', 'Phone lost');
    const refused = await handlerWith({ forceOff: refuse('forbidden', 403) })({
      type: 'twoStep.forceOff',
      accountId: 'a1',
      reason: 'Phone lost',
    });
    expect(refused).toMatchObject({ ok: false, problem: { code: 'forbidden' } });
  });

  it('reads a challenge again (delivery failed), forgetting it when the server says it is over', async () => {
    const failed = { ...challenge('enroll'), status: 'delivery_failed' as const };
    await sessionStore.setPending({ accountId: 'a1', challengeId: 'c1', challenge: challenge('enroll'), skewMs: 0 });
    expect(
      await handlerWith({ challenge: async () => ({ challenge: failed }) })({
        type: 'challenge.get',
        challengeId: 'c1',
      }),
    ).toEqual({ ok: true, data: { challenge: failed } });
    await handlerWith({ challenge: refuse('challenge_expired', 410) })({ type: 'challenge.get', challengeId: 'c1' });
    expect(await sessionStore.pending()).toBeNull();
  });

  it('counts, reveals and replaces backup codes, and stores a password', async () => {
    const replaceBackupCodes = vi.fn(async () => undefined);
    const setSecret = vi.fn(async () => undefined);
    const handle = handlerWith({
      backupCodes: async () => ({ remaining: 3, total: 3, updatedAt: null }),
      revealBackupCode: async () => ({ code: '1234 5678', remaining: 2 }),
      replaceBackupCodes,
      setSecret,
    });
    expect(await handle({ type: 'backupCodes.get', accountId: 'a1' })).toEqual({
      ok: true,
      data: { remaining: 3, total: 3, updatedAt: null },
    });
    expect(await handle({ type: 'backupCodes.reveal', accountId: 'a1', reason: 'Abroad' })).toEqual({
      ok: true,
      data: { code: '1234 5678', remaining: 2 },
    });
    expect(
      await handle({ type: 'backupCodes.replace', accountId: 'a1', codes: ['1111 2222', '3333 4444', '5555 6666'] }),
    ).toMatchObject({ ok: true, data: { total: 3 } });
    expect(replaceBackupCodes).toHaveBeenCalledWith('a1', ['1111 2222', '3333 4444', '5555 6666']);
    expect(await handle({ type: 'secret.set', accountId: 'a1', password: 'Sn0wy-Owl' })).toEqual({
      ok: true,
      data: { saved: true },
    });
    expect(setSecret).toHaveBeenCalledWith('a1', { password: 'Sn0wy-Owl' });
    expect(JSON.stringify(await fakeBrowser.storage.local.get(null))).not.toMatch(/1234 5678|Sn0wy/);
    expect(JSON.stringify(await fakeBrowser.storage.session.get(null))).not.toMatch(/1234 5678|Sn0wy/);
  });

  it('hands on the refusals of backup codes and passwords', async () => {
    const handle = handlerWith({
      revealBackupCode: refuse('no_backup_codes', 409),
      replaceBackupCodes: refuse('unlock_required', 403),
      setSecret: refuse('unlock_required', 403),
      backupCodes: refuse('not_found', 404),
    });
    expect(await handle({ type: 'backupCodes.reveal', accountId: 'a1', reason: 'Abroad' })).toMatchObject({
      problem: { code: 'no_backup_codes' },
    });
    expect(await handle({ type: 'backupCodes.replace', accountId: 'a1', codes: ['1111 2222'] })).toMatchObject({
      problem: { code: 'unlock_required' },
    });
    expect(await handle({ type: 'secret.set', accountId: 'a1', password: 'x' })).toMatchObject({
      problem: { code: 'unlock_required' },
    });
    expect(await handle({ type: 'backupCodes.get', accountId: 'a1' })).toMatchObject({
      problem: { code: 'not_found' },
    });
  });

  it('asks nothing of the server when nobody is signed in', async () => {
    await sessionStore.clear();
    const handle = handlerWith({});
    for (const intent of [
      { type: 'twoStep.start', accountId: 'a1', phoneId: 'p1' },
      { type: 'twoStep.disable', accountId: 'a1' },
      { type: 'backupCodes.reveal', accountId: 'a1', reason: 'x' },
      { type: 'phones.list' },
    ] as const)
      expect(await handle(intent)).toMatchObject({ ok: false, problem: { code: 'unauthorized' } });
  });
});
