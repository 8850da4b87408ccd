import type { Platform } from '@twostep/shared';
import { storage } from 'wxt/utils/storage';

/** Which account was filled on which tab, so the popup reopened on the code step knows whose code it is. */
export type FilledTab = { accountId: string; platform: Platform };

/** storage.session (memory, trusted contexts only): ids and a platform name, never a secret or a code. */
export const filledTabsItem = storage.defineItem<Record<string, FilledTab>>('session:filledTabs', { fallback: {} });

/** More tabs than anyone signs in on in one browser session; the lowest ids (the oldest tabs) go first. */
const keptTabs = 20;

export const filledTabs = {
  async remember(tabId: number, filled: FilledTab) {
    const { [tabId]: _, ...others } = await filledTabsItem.getValue();
    const kept = Object.entries(others).slice(-(keptTabs - 1));
    await filledTabsItem.setValue({ ...Object.fromEntries(kept), [tabId]: filled });
  },
  of: async (tabId: number): Promise<FilledTab | null> => (await filledTabsItem.getValue())[tabId] ?? null,
  clear: () => filledTabsItem.removeValue(),
};
