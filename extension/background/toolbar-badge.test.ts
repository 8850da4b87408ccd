import type { Account, Platform } from '@twostep/shared';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { ApiClient } from './api-client.ts';
import { type BadgeDeps, createBadge, leadBadgeEveryMs, memberBadgeText } from './toolbar-badge.ts';

const account = (platform: Platform, status: 'on' | 'off' | 'pending'): Account => ({
  id: `${platform}-${status}-${Math.random()}`,
  platform,
  handle: 'acme',
  client: null,
  loginName: null,
  notes: null,
  twoStep: { status, phone: null, verifiedAt: null },
  backupCodes: { remaining: 0, total: 0 },
});
const lead = { id: 'm1', name: 'Lena', email: 'l@acme.test', role: 'lead' as const };
const member = { ...lead, role: 'member' as const };

function fakeDeps(tab?: { id?: number; url?: string }) {
  const shown: Parameters<BadgeDeps['show']>[0][] = [];
  const deps: BadgeDeps = { show: async (badge) => void shown.push(badge), activeTab: async () => tab };
  return { deps, shown };
}
const reportSaying = (off: number) => {
  const reportSummary = vi.fn(async () => ({ summary: { accounts: 10, off } }));
  return { api: { reportSummary } as unknown as ApiClient, reportSummary };
};

describe('the toolbar badge', () => {
  beforeEach(() => fakeBrowser.reset());

  it('counts a member’s accounts with two-step off on the active tab’s platform, on that tab only', async () => {
    const { deps, shown } = fakeDeps({ id: 7, url: 'https://www.instagram.com/accounts/login/' });
    const accounts = [
      account('instagram', 'off'),
      account('instagram', 'on'),
      account('instagram', 'pending'),
      account('tiktok', 'off'),
    ];
    await createBadge(deps).afterList(member, accounts, reportSaying(0).api);
    expect(shown).toEqual([
      { text: '1', title: 'Twostep: two-step is off for 1 of your 3 accounts on Instagram', tabId: 7 },
    ]);
  });

  it('says nothing on a page of no platform, and nothing in the count when all are on', async () => {
    const none = fakeDeps({ id: 7, url: 'https://example.test/' });
    await createBadge(none.deps).afterList(member, [account('instagram', 'off')], reportSaying(0).api);
    expect(none.shown).toEqual([]);
    expect(memberBadgeText([account('x', 'on')], 'x')).toEqual({
      text: '',
      title: 'Twostep: two-step is on for your 1 account on X',
    });
  });

  it('shows a lead the team’s accounts with two-step off at sign-in, asked again at most every few minutes', async () => {
    let now = 1_000_000;
    const { deps, shown } = fakeDeps();
    const badge = createBadge(deps, () => now);
    const { api, reportSummary } = reportSaying(4);
    await badge.signedIn(lead, api);
    expect(shown.at(-1)).toEqual({ text: '4', title: 'Twostep: two-step is off for 4 accounts' });
    await badge.afterList(lead, [], api);
    now += leadBadgeEveryMs - 1;
    await badge.afterList(lead, [], api);
    expect(reportSummary).toHaveBeenCalledTimes(1);
    now += 1;
    await badge.afterList(lead, [], api);
    expect(reportSummary).toHaveBeenCalledTimes(2);
  });

  it('is cleared everywhere on sign-out, the tabs a member’s count was put on too', async () => {
    const { deps, shown } = fakeDeps({ id: 7, url: 'https://x.com/home' });
    const badge = createBadge(deps);
    await badge.afterList(member, [account('x', 'off')], reportSaying(0).api);
    shown.length = 0;
    await badge.clear();
    expect(shown).toEqual([
      { text: '', title: 'Twostep' },
      { text: '', title: 'Twostep', tabId: 7 },
    ]);
  });

  it('clears the tabs of the previous session’s member count when someone signs in', async () => {
    const { deps, shown } = fakeDeps({ id: 7, url: 'https://x.com/home' });
    const badge = createBadge(deps);
    await badge.afterList(member, [account('x', 'off')], reportSaying(0).api);
    shown.length = 0;
    await badge.signedIn(member, reportSaying(0).api);
    expect(shown).toEqual([
      { text: '', title: 'Twostep' },
      { text: '', title: 'Twostep', tabId: 7 },
    ]);
    shown.length = 0;
    await badge.clear();
    expect(shown).toEqual([{ text: '', title: 'Twostep' }]);
  });

  it('never fails what was asked when the browser or the report refuses', async () => {
    const deps: BadgeDeps = {
      show: async () => Promise.reject(new Error('no action')),
      activeTab: async () => Promise.reject(new Error('no tab')),
    };
    const api = { reportSummary: async () => Promise.reject(new Error('403')) } as unknown as ApiClient;
    const badge = createBadge(deps);
    await expect(badge.signedIn(lead, api)).resolves.toBeUndefined();
    await expect(badge.afterList(member, [], api)).resolves.toBeUndefined();
    await expect(badge.clear()).resolves.toBeUndefined();
  });
});
