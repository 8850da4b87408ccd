import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { defaultServerUrl } from './server-url.ts';
import { sessionStore } from './session-store.ts';

const member = { id: 'm1', name: 'Anna', email: 'anna@acme.test', role: 'owner' as const };
const session = { serverUrl: 'http://127.0.0.1:9999', token: 'tok_abcdefghijklmnop', member };

describe('the session store', () => {
  beforeEach(() => fakeBrowser.reset());

  it('offers the default server before anything is saved', async () => {
    expect(await sessionStore.serverUrl()).toBe(defaultServerUrl);
    expect(await sessionStore.current()).toBeNull();
  });

  it('keeps the token in storage.session only, and the server address in storage.local', async () => {
    await sessionStore.save(session);
    expect(await sessionStore.current()).toEqual(session);
    expect(await fakeBrowser.storage.local.get(null)).toEqual({ serverUrl: session.serverUrl });
    expect(JSON.stringify(await fakeBrowser.storage.local.get(null))).not.toContain(session.token);
    expect(await fakeBrowser.storage.sync.get(null)).toEqual({});
    expect(await fakeBrowser.storage.session.get(null)).toEqual({ session });
  });

  it('forgets the token on clear but remembers the server', async () => {
    await sessionStore.save(session);
    await sessionStore.clear();
    expect(await sessionStore.current()).toBeNull();
    expect(await fakeBrowser.storage.session.get(null)).toEqual({});
    expect(await sessionStore.serverUrl()).toBe(session.serverUrl);
  });
});
