import { type Account, type Challenge, limits } from '@twostep/shared';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { type ApiClient, ApiRequestError } from './api-client.ts';
import { createIntentHandler } from './intent-handler.ts';
import { insecureServerText } from './server-url.ts';
import { pendingItem, sessionStore } from './session-store.ts';

const member = { id: 'm1', name: 'Mia', email: 'mia@acme.test', role: 'member' as const };
const token = 'tok_abcdefghijklmnop';

/** A fake API: each method rejects unless the test gives it an answer. */
function fakeApi(overrides: Partial<ApiClient> = {}) {
  const calls: { baseUrl: string; token: string | undefined }[] = [];
  const api = (baseUrl: string, token?: string) => {
    calls.push({ baseUrl, token });
    return new Proxy(overrides, {
      get: (target, name: string) =>
        name === 'then' // not a thenable: awaiting the client must not call anything
          ? undefined
          : (target[name as keyof ApiClient] ?? (() => Promise.reject(new Error(`unexpected call ${name}`)))),
    }) as ApiClient;
  };
  return { api, calls };
}

describe('the background intent handler', () => {
  beforeEach(() => fakeBrowser.reset());

  it('signs in, keeps the token in the session store and answers without it', async () => {
    const signIn = vi.fn(async () => ({ token, member }));
    const { api, calls } = fakeApi({ signIn });
    const handle = createIntentHandler({ session: sessionStore, api });
    const reply = await handle({
      type: 'session.signIn',
      serverUrl: 'http://127.0.0.1:9999/',
      email: 'mia@acme.test',
      password: 'correct horse battery',
    });
    expect(reply).toEqual({ ok: true, data: { serverUrl: 'http://127.0.0.1:9999', member, pendingAccountId: null } });
    expect(JSON.stringify(reply)).not.toContain(token);
    expect(calls[0]).toEqual({ baseUrl: 'http://127.0.0.1:9999', token: undefined });
    expect(await sessionStore.current()).toEqual({ serverUrl: 'http://127.0.0.1:9999', token, member });
    expect(JSON.stringify(await fakeBrowser.storage.local.get(null))).not.toMatch(/tok_|correct horse/);
  });

  it('refuses an address that is not http(s) before calling anything', async () => {
    const { api, calls } = fakeApi();
    const handle = createIntentHandler({ session: sessionStore, api });
    const reply = await handle({ type: 'session.signIn', serverUrl: 'ftp://x', email: 'a@b.test', password: 'x' });
    expect(reply).toMatchObject({ ok: false, problem: { code: 'invalid_request' } });
    expect(calls).toEqual([]);
  });

  it('refuses http:// to another host before calling anything: the password would travel unencrypted', async () => {
    const { api, calls } = fakeApi();
    const handle = createIntentHandler({ session: sessionStore, api });
    const reply = await handle({
      type: 'session.signIn',
      serverUrl: 'http://twostep.acme.test',
      email: 'a@b.test',
      password: 'x',
    });
    expect(reply).toMatchObject({ ok: false, problem: { code: 'invalid_request', message: insecureServerText } });
    expect(calls).toEqual([]);
  });

  it("hands the API's refusal on as a problem, in its own words", async () => {
    const signIn = async () => {
      throw new ApiRequestError('invalid_credentials', 'That email and password do not match.', 401);
    };
    const handle = createIntentHandler({ session: sessionStore, ...fakeApi({ signIn }) });
    const reply = await handle({
      type: 'session.signIn',
      serverUrl: 'https://x.test',
      email: 'a@b.test',
      password: 'x',
    });
    expect(reply).toEqual({
      ok: false,
      problem: {
        code: 'invalid_credentials',
        message: 'That email and password do not match.',
        status: 401,
        details: {},
      },
    });
    expect(await sessionStore.current()).toBeNull();
  });

  it('calls the API with the stored token and server', async () => {
    await sessionStore.save({ serverUrl: 'http://127.0.0.1:9999', token, member });
    const { api, calls } = fakeApi({ unlockStatus: async () => ({ unlockedUntil: null }) });
    const reply = await createIntentHandler({ session: sessionStore, api })({ type: 'unlock.status', accountId: 'a1' });
    expect(reply).toEqual({ ok: true, data: { unlockedUntil: null, pending: null } });
    expect(calls).toEqual([{ baseUrl: 'http://127.0.0.1:9999', token }]);
  });

  it('answers unauthorized without calling the API when nobody is signed in', async () => {
    const { api, calls } = fakeApi();
    const reply = await createIntentHandler({ session: sessionStore, api })({ type: 'accounts.list' });
    expect(reply).toMatchObject({ ok: false, problem: { code: 'unauthorized' } });
    expect(calls).toEqual([]);
  });

  it('forgets a token the server no longer accepts', async () => {
    await sessionStore.save({ serverUrl: 'http://127.0.0.1:9999', token, member });
    const listAccounts = async () => {
      throw new ApiRequestError('unauthorized', 'Sign in again.', 401);
    };
    const handle = createIntentHandler({ session: sessionStore, ...fakeApi({ listAccounts }) });
    expect(await handle({ type: 'accounts.list' })).toMatchObject({ ok: false, problem: { code: 'unauthorized' } });
    expect(await sessionStore.current()).toBeNull();
  });

  it('signs out locally even when the server cannot be reached', async () => {
    await sessionStore.save({ serverUrl: 'http://127.0.0.1:9999', token, member });
    const signOut = async () => {
      throw new ApiRequestError('unreachable', 'No Twostep server answers.');
    };
    const handle = createIntentHandler({ session: sessionStore, ...fakeApi({ signOut }) });
    expect(await handle({ type: 'session.signOut' })).toEqual({
      ok: true,
      data: { serverUrl: 'http://127.0.0.1:9999', member: null, pendingAccountId: null },
    });
    expect(await sessionStore.current()).toBeNull();
  });

  it('hides an unexpected failure behind a plain message', async () => {
    await sessionStore.save({ serverUrl: 'http://127.0.0.1:9999', token, member });
    const handle = createIntentHandler({ session: sessionStore, ...fakeApi() });
    const reply = await handle({ type: 'secret.get', accountId: 'a1' });
    expect(reply).toMatchObject({ ok: false, problem: { code: 'internal_error' } });
    expect(JSON.stringify(reply)).not.toContain('unexpected call');
  });

  describe('the sign-in waiting for its SMS code', () => {
    const minute = 60_000;
    const local = Date.parse('2026-11-28T10:00:00Z');
    const server = local - 12 * minute; // this laptop is 12 minutes fast
    const challenge = (sentAt: number, status: Challenge['status'] = 'pending'): Challenge => ({
      id: 'c1',
      purpose: 'unlock',
      accountId: 'a1',
      sentTo: '+49 ••• ••• 4821',
      expiresAt: new Date(sentAt + limits.codeLifetimeMs).toISOString(),
      resendAfter: new Date(sentAt + limits.resendAfterMs).toISOString(),
      attemptsLeft: 5,
      status,
    });
    let clock = local;
    const now = () => clock;
    beforeEach(async () => {
      clock = local;
      await sessionStore.save({ serverUrl: 'http://127.0.0.1:9999', token, member });
    });

    it('is kept in storage.session (never the code) and comes back when the popup opens again', async () => {
      const startUnlock = vi.fn(async () => ({ challenge: challenge(server) }));
      const unlockStatus = async () => ({ unlockedUntil: null });
      const handle = createIntentHandler({ session: sessionStore, now, ...fakeApi({ startUnlock, unlockStatus }) });
      const started = await handle({ type: 'unlock.start', accountId: 'a1' });
      expect(started).toEqual({ ok: true, data: { challenge: challenge(server), skewMs: -12 * minute } });
      expect(await fakeBrowser.storage.session.get('pendingChallenge')).toEqual({
        pendingChallenge: { accountId: 'a1', challengeId: 'c1', challenge: challenge(server), skewMs: -12 * minute },
      });
      expect(JSON.stringify(await fakeBrowser.storage.local.get(null))).not.toContain('c1');

      // The popup closed and opens again five minutes later: back to that account's code entry, no new SMS.
      clock += 5 * minute;
      expect(await handle({ type: 'session.get' })).toMatchObject({ ok: true, data: { pendingAccountId: 'a1' } });
      expect(await handle({ type: 'unlock.status', accountId: 'a1' })).toEqual({
        ok: true,
        data: { unlockedUntil: null, pending: { challenge: challenge(server), skewMs: -12 * minute } },
      });
      expect(await handle({ type: 'unlock.status', accountId: 'a2' })).toMatchObject({ data: { pending: null } });
      expect(startUnlock).toHaveBeenCalledTimes(1);
    });

    it('is forgotten once the code worked', async () => {
      await pendingItem.setValue({ accountId: 'a1', challengeId: 'c1', challenge: challenge(local), skewMs: 0 });
      const verify = async () => ({ challenge: challenge(local, 'verified'), account: {} as Account });
      const handle = createIntentHandler({ session: sessionStore, now, ...fakeApi({ verify }) });
      expect(await handle({ type: 'challenge.verify', challengeId: 'c1', code: '123456' })).toMatchObject({ ok: true });
      expect(await sessionStore.pending()).toBeNull();
    });

    it('is kept after a wrong code, and forgotten when the server says it is locked, expired or used', async () => {
      for (const code of [
        'code_invalid',
        'challenge_locked',
        'challenge_expired',
        'challenge_used',
        'account_locked',
      ] as const) {
        await pendingItem.setValue({ accountId: 'a1', challengeId: 'c1', challenge: challenge(local), skewMs: 0 });
        const verify = async () => {
          throw new ApiRequestError(code, 'No.', 400);
        };
        const handle = createIntentHandler({ session: sessionStore, now, ...fakeApi({ verify }) });
        await handle({ type: 'challenge.verify', challengeId: 'c1', code: '123456' });
        expect(await sessionStore.pending()).toEqual(code === 'code_invalid' ? expect.anything() : null);
      }
    });

    it('is forgotten once it has expired on the server clock, and on sign-out', async () => {
      await pendingItem.setValue({
        accountId: 'a1',
        challengeId: 'c1',
        challenge: challenge(server),
        skewMs: -12 * minute,
      });
      const handle = createIntentHandler({
        session: sessionStore,
        now,
        ...fakeApi({ signOut: async () => undefined }),
      });
      clock += 9 * minute; // the local clock says long expired; the server's says one minute left
      expect(await handle({ type: 'session.get' })).toMatchObject({ data: { pendingAccountId: 'a1' } });
      clock += 2 * minute;
      expect(await handle({ type: 'session.get' })).toMatchObject({ data: { pendingAccountId: null } });
      expect(await sessionStore.pending()).toBeNull();

      await pendingItem.setValue({ accountId: 'a1', challengeId: 'c1', challenge: challenge(clock), skewMs: 0 });
      await handle({ type: 'session.signOut' });
      expect(await fakeBrowser.storage.session.get(null)).toEqual({});
    });

    it('is replaced by a resent code, with its new expiry', async () => {
      await pendingItem.setValue({ accountId: 'a1', challengeId: 'c1', challenge: challenge(local), skewMs: 0 });
      clock += minute;
      const resend = async () => ({ challenge: challenge(clock) });
      const handle = createIntentHandler({ session: sessionStore, now, ...fakeApi({ resend }) });
      expect(await handle({ type: 'challenge.resend', challengeId: 'c1' })).toMatchObject({ ok: true });
      expect(await sessionStore.pending()).toMatchObject({ challenge: challenge(clock) });
    });
  });
});
