import type { Account, Member, Platform } from '@twostep/shared';
import { platformNames as platformLabels } from '@twostep/shared/platforms';
import { browser } from 'wxt/browser';
import { storage } from 'wxt/utils/storage';
import { platformOfUrl } from '@/messages/platform-of-url.ts';
import type { ApiClient } from './api-client.ts';

/** What the badge needs from the browser; tests pass a fake. */
export type BadgeDeps = {
  /** `tabId` set: only on that tab (a member's badge follows the tab it was counted for). */
  show: (badge: { text: string; title: string; tabId?: number }) => Promise<void>;
  /** The active tab, readable only while activeTab is granted (the popup was opened on it). */
  activeTab: () => Promise<{ id?: number; url?: string } | undefined>;
};

/** A lead's count comes from the report; asked again at most this often (and on every sign-in). */
export const leadBadgeEveryMs = 5 * 60_000;

const badgeState = storage.defineItem<{ leadAt: number; tabs: number[] }>('session:badge', {
  fallback: { leadAt: 0, tabs: [] },
});

export const browserBadge: BadgeDeps = {
  async show({ text, title, tabId }) {
    // Firefox's Manifest V2 build names it browserAction.
    const action = browser.action ?? browser.browserAction;
    const where = tabId === undefined ? {} : { tabId };
    await action.setBadgeBackgroundColor({ color: '#b42318', ...where });
    await action.setBadgeText({ text, ...where });
    await action.setTitle({ title, ...where });
  },
  async activeTab() {
    const [tab] = await browser.tabs.query({ active: true, lastFocusedWindow: true });
    return tab;
  },
};

const isLeadRole = (member: Member) => member.role !== 'member';
const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

/** A member's badge: how many of their accounts on the active tab's platform have two-step off. */
export function memberBadgeText(accounts: Account[], platform: Platform): { text: string; title: string } {
  const here = accounts.filter((account) => account.platform === platform);
  const off = here.filter((account) => account.twoStep.status === 'off').length;
  const name = platformLabels[platform];
  if (here.length === 0) return { text: '', title: `Twostep: none of your accounts is on ${name}` };
  return {
    text: off === 0 ? '' : String(off),
    title:
      off === 0
        ? `Twostep: two-step is on for your ${plural(here.length, 'account')} on ${name}`
        : `Twostep: two-step is off for ${off} of your ${plural(here.length, 'account')} on ${name}`,
  };
}

export function leadBadgeText(off: number): { text: string; title: string } {
  return {
    text: off === 0 ? '' : off > 999 ? '999+' : String(off),
    title:
      off === 0
        ? 'Twostep: two-step is on for every account'
        : `Twostep: two-step is off for ${plural(off, 'account')}`,
  };
}

/** The toolbar badge: a lead sees the team's accounts without two-step, a member the active tab's platform. */
export function createBadge(deps: BadgeDeps = browserBadge, now: () => number = Date.now) {
  // The badge is a hint: a browser or report failure must never fail what the person asked for.
  const show = (badge: Parameters<BadgeDeps['show']>[0]) => deps.show(badge).catch(() => undefined);

  async function showLead(api: ApiClient) {
    const { summary } = await api.reportSummary();
    await show(leadBadgeText(summary.off));
    await badgeState.setValue({ ...(await badgeState.getValue()), leadAt: now() });
  }

  async function activePlatform(): Promise<{ tabId?: number; platform: Platform | null }> {
    const tab = await deps.activeTab().catch(() => undefined);
    return { tabId: tab?.id, platform: platformOfUrl(tab?.url) };
  }

  /** Nothing of the team stays on the toolbar: the global badge and every tab a member's count was put on. */
  async function clear() {
    const { tabs } = await badgeState.getValue();
    await Promise.all([
      show({ text: '', title: 'Twostep' }),
      ...tabs.map((tabId) => show({ text: '', title: 'Twostep', tabId })),
    ]);
    await badgeState.removeValue();
  }

  return {
    activePlatform,
    clear,
    /** A new session starts from a clean toolbar: no per-tab count of the previous session outlives it. */
    async signedIn(member: Member, api: ApiClient) {
      await clear();
      if (isLeadRole(member)) await showLead(api).catch(() => undefined);
    },
    async afterList(member: Member, accounts: Account[], api: ApiClient) {
      if (isLeadRole(member)) {
        if (now() - (await badgeState.getValue()).leadAt >= leadBadgeEveryMs)
          await showLead(api).catch(() => undefined);
        return;
      }
      const { tabId, platform } = await activePlatform();
      if (tabId === undefined || platform === null) return;
      await show({ ...memberBadgeText(accounts, platform), tabId });
      const state = await badgeState.getValue();
      if (!state.tabs.includes(tabId)) await badgeState.setValue({ ...state, tabs: [...state.tabs, tabId] });
    },
  };
}

export type Badge = ReturnType<typeof createBadge>;
