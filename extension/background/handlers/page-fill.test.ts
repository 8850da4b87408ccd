import type { Account } from '@twostep/shared';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { type ApiClient, ApiRequestError } from '../api-client.ts';
import { filledTabsItem } from '../filled-tabs.ts';
import { createIntentHandler } from '../intent-handler.ts';
import { intentSchema } from '../intent-schema.ts';
import type { FillOutcome, PageBridge, PageReport } from '../page-bridge-types.ts';
import { sessionStore } from '../session-store.ts';

const member = { id: 'm2', name: 'Mia', email: 'mia@acme.test', role: 'member' as const };
const token = 'tok_abcdefghijklmnop';
const password = 'Sn0wy-Owl-Harbour-77';
const account: Account = {
  id: 'a1',
  platform: 'instagram',
  handle: 'acme',
  client: 'Acme',
  loginName: 'acme.brand',
  notes: null,
  twoStep: { status: 'on', phone: null, verifiedAt: null },
  backupCodes: { remaining: 3, total: 3 },
};
const instagram: PageReport = { platform: 'instagram', origin: 'https://www.instagram.com', step: 'login' };

/** A bridge whose pages and outcomes the test sets; it records every fill it was handed. */
function fakeBridge(
  pages: Record<number, PageReport | null>,
  outcome: FillOutcome = { filled: true, submitted: true },
) {
  const events: string[] = [];
  const bridge: PageBridge = {
    pageOf: vi.fn(async (tabId: number) => pages[tabId] ?? null),
    fill: vi.fn(async () => {
      events.push('fill');
      return outcome;
    }),
  };
  return { bridge, events };
}

function setUp(
  { pages = { 7: instagram }, outcome, unlocked = true, tab = 7 } = {} as {
    pages?: Record<number, PageReport | null>;
    outcome?: FillOutcome;
    unlocked?: boolean;
    tab?: number;
  },
) {
  const { bridge, events } = fakeBridge(pages, outcome);
  const api = {
    getAccount: vi.fn(async () => ({ account })),
    getSecret: vi.fn(async () => {
      if (!unlocked) throw new ApiRequestError('unlock_required', 'Unlock first.', 403);
      return { loginName: 'acme.brand', password };
    }),
    unlockStatus: vi.fn(async () => ({ unlockedUntil: unlocked ? new Date(Date.now() + 60_000).toISOString() : null })),
    loginFilled: vi.fn(async () => {
      events.push('login.filled');
    }),
  };
  const activeTab = { id: tab };
  const handle = createIntentHandler({
    session: sessionStore,
    api: () => api as unknown as ApiClient,
    badge: { show: async () => undefined, activeTab: async () => activeTab },
    page: bridge,
  });
  return { handle, api, bridge, events, activeTab };
}

const everythingStored = async () =>
  JSON.stringify([
    await fakeBrowser.storage.local.get(null),
    await fakeBrowser.storage.session.get(null),
    await fakeBrowser.storage.sync.get(null),
  ]);

describe('filling a platform page from the popup', () => {
  beforeEach(async () => {
    fakeBrowser.reset();
    await sessionStore.save({ serverUrl: 'http://127.0.0.1:9999', token, member });
  });

  it('fills the login on the account’s platform page, then writes login.filled, storing no secret', async () => {
    const { handle, api, bridge, events } = setUp();
    const reply = await handle({ type: 'page.fill', accountId: 'a1', kind: 'login' });
    expect(reply).toEqual({ ok: true, data: { filled: true, submitted: true } });
    expect(bridge.fill).toHaveBeenCalledWith(7, 'instagram', { kind: 'login', loginName: 'acme.brand', password });
    expect(events).toEqual(['fill', 'login.filled']);
    expect(api.loginFilled).toHaveBeenCalledWith('a1', 'login');
    expect(JSON.stringify(reply)).not.toContain(password);
    const stored = await everythingStored();
    expect(stored).toContain('"a1"'); // the tab memory is there: the dump is of real storage
    expect(stored).not.toContain(password);
    expect(await filledTabsItem.getValue()).toEqual({ 7: { accountId: 'a1', platform: 'instagram' } });
  });

  it.each([
    ['another platform’s page', { 7: { ...instagram, platform: 'facebook' as const } }],
    ['a tab without our content script (http, look-alike, any other site)', { 7: null }],
  ])('never fetches the password when the active tab is %s', async (_, pages) => {
    const { handle, api, bridge } = setUp({ pages });
    const reply = await handle({ type: 'page.fill', accountId: 'a1', kind: 'login' });
    expect(reply).toMatchObject({ ok: false, problem: { code: 'wrong_page' } });
    expect(reply.ok || reply.problem.message).toContain('Instagram’s login page');
    expect(api.getSecret).not.toHaveBeenCalled();
    expect(bridge.fill).not.toHaveBeenCalled();
    expect(api.loginFilled).not.toHaveBeenCalled();
  });

  it('fills nothing without a bridge, and nothing into a tab other than the active one', async () => {
    const noBridge = createIntentHandler({
      session: sessionStore,
      api: () => ({ getAccount: async () => ({ account }) }) as unknown as ApiClient,
      badge: { show: async () => undefined, activeTab: async () => ({ id: 7 }) },
    });
    expect(await noBridge({ type: 'page.fill', accountId: 'a1', kind: 'login' })).toMatchObject({
      ok: false,
      problem: { code: 'wrong_page' },
    });
    const { handle, bridge, api } = setUp({ pages: { 7: instagram, 8: null }, tab: 8 });
    expect(await handle({ type: 'page.fill', accountId: 'a1', kind: 'login' })).toMatchObject({ ok: false });
    expect(bridge.pageOf).toHaveBeenCalledWith(8);
    expect(bridge.fill).not.toHaveBeenCalled();
    expect(api.getSecret).not.toHaveBeenCalled();
  });

  it.each([
    ['wrong_page', 'wrong_page'],
    ['no_field', 'no_field'],
    ['no_page', 'page_silent'],
    ['expired', 'page_silent'],
  ] as const)('writes no login.filled when the page refused the fill (%s → %s)', async (reason, code) => {
    const { handle, api } = setUp({ outcome: { filled: false, reason } });
    const reply = await handle({ type: 'page.fill', accountId: 'a1', kind: 'login' });
    expect(reply).toMatchObject({ ok: false, problem: { code } });
    expect(api.loginFilled).not.toHaveBeenCalled();
    expect(await filledTabsItem.getValue()).toEqual({});
  });

  it('hands on the server’s unlock_required for a locked account, filling nothing', async () => {
    const { handle, bridge, api } = setUp({ unlocked: false });
    for (const fill of [{ kind: 'login' as const }, { kind: 'code' as const, code: '123456' }]) {
      const reply = await handle({ type: 'page.fill', accountId: 'a1', ...fill });
      expect(reply).toMatchObject({ ok: false, problem: { code: 'unlock_required' } });
    }
    expect(bridge.fill).not.toHaveBeenCalled();
    expect(api.loginFilled).not.toHaveBeenCalled();
  });

  it('fills the platform’s code and a backup code, each audited by its step and never stored', async () => {
    const { handle, bridge, api } = setUp({ pages: { 7: { ...instagram, step: 'code' } } });
    expect(await handle({ type: 'page.fill', accountId: 'a1', kind: 'code', code: '482193' })).toMatchObject({
      ok: true,
    });
    expect(await handle({ type: 'page.fill', accountId: 'a1', kind: 'backup_code', code: '3333 4444' })).toMatchObject({
      ok: true,
    });
    expect(bridge.fill).toHaveBeenNthCalledWith(1, 7, 'instagram', { kind: 'code', code: '482193' });
    expect(bridge.fill).toHaveBeenNthCalledWith(2, 7, 'instagram', { kind: 'backup_code', code: '3333 4444' });
    expect(api.loginFilled.mock.calls).toEqual([
      ['a1', 'code'],
      ['a1', 'backup_code'],
    ]);
    expect(api.getSecret).not.toHaveBeenCalled();
    const stored = await everythingStored();
    expect(stored).not.toContain('482193');
    expect(stored).not.toContain('3333 4444');
  });

  it('tells the reopened popup which account was filled on this tab, only while it shows that platform', async () => {
    const pages: Record<number, PageReport | null> = { 7: instagram, 9: instagram };
    const { handle, activeTab } = setUp({ pages });
    expect(await handle({ type: 'page.status' })).toEqual({ ok: true, data: { page: instagram, accountId: null } });
    await handle({ type: 'page.fill', accountId: 'a1', kind: 'login' });
    pages[7] = { ...instagram, step: 'code' };
    expect(await handle({ type: 'page.status' })).toEqual({
      ok: true,
      data: { page: { ...instagram, step: 'code' }, accountId: 'a1' },
    });
    activeTab.id = 9; // another tab on the same platform: nothing was filled there
    expect(await handle({ type: 'page.status' })).toEqual({ ok: true, data: { page: instagram, accountId: null } });
    activeTab.id = 7;
    pages[7] = { ...instagram, platform: 'facebook', origin: 'https://www.facebook.com' };
    expect(await handle({ type: 'page.status' })).toMatchObject({ ok: true, data: { accountId: null } });
    pages[7] = null;
    expect(await handle({ type: 'page.status' })).toEqual({ ok: true, data: { page: null, accountId: null } });
  });

  it('forgets the filled tabs on sign-out', async () => {
    const { handle } = setUp();
    await handle({ type: 'page.fill', accountId: 'a1', kind: 'login' });
    expect(await filledTabsItem.getValue()).not.toEqual({});
    await sessionStore.clear();
    expect(await filledTabsItem.getValue()).toEqual({});
  });
});

describe('the page intents’ shape', () => {
  const fill = (rest: Record<string, unknown>) =>
    intentSchema.safeParse({ type: 'page.fill', accountId: 'a1', ...rest }).success;

  it('takes a login fill without a value, a code of digits, a backup code', () => {
    expect(intentSchema.safeParse({ type: 'page.status' }).success).toBe(true);
    expect(fill({ kind: 'login' })).toBe(true);
    expect(fill({ kind: 'code', code: '123456' })).toBe(true);
    expect(fill({ kind: 'backup_code', code: '3333 4444' })).toBe(true);
  });

  it('refuses a value on a login fill, a code that is not digits, anything else', () => {
    expect(fill({ kind: 'login', code: '123456' })).toBe(false);
    expect(fill({ kind: 'code' })).toBe(false);
    expect(fill({ kind: 'code', code: '12345a' })).toBe(false);
    expect(fill({ kind: 'code', code: '123456789' })).toBe(false);
    expect(fill({ kind: 'backup_code', code: '<img src=x>' })).toBe(false);
    expect(fill({ kind: 'password', code: '123456' })).toBe(false);
    expect(fill({ kind: 'login', password: 'x' })).toBe(false);
    expect(intentSchema.safeParse({ type: 'page.status', tabId: 3 }).success).toBe(false);
  });
});
