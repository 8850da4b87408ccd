import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { type ApiClient, ApiRequestError } from './api-client.ts';
import { createIntentHandler } from './intent-handler.ts';
import { sessionStore } from './session-store.ts';

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
    expect(reply).toEqual({ ok: true, data: { serverUrl: 'http://127.0.0.1:9999', member } });
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

  it("hands the API's refusal on as a problem, in its own words", async () => {
    const signIn = async () => {
      throw new ApiRequestError('invalid_credentials', 'That email and password do not match.', 401);
    };
    const handle = createIntentHandler({ session: sessionStore, ...fakeApi({ signIn }) });
    const reply = await handle({
      type: 'session.signIn',
      serverUrl: 'http://x.test',
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
    expect(reply).toEqual({ ok: true, data: { unlockedUntil: null } });
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
      data: { serverUrl: 'http://127.0.0.1:9999', member: null },
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
});
