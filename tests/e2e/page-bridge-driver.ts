import type { Page, Worker } from 'playwright-core';

/**
 * Drives the extension's real page bridge from its service worker (worker.evaluate), where the background puts
 * it on its own global scope (entrypoints/background.ts): nothing else can reach it. The tab is found as the
 * popup's handler finds it: the platform page is brought to the front, then the active tab of the last focused
 * window is asked for (only its id: no `tabs` permission).
 */

type Fill =
  | { kind: 'login'; loginName: string | null; password: string }
  | { kind: 'code' | 'backup_code'; code: string };
type Outcome = { filled: true; submitted: boolean } | { filled: false; reason: string };
type Report = { platform: string; origin: string; step: string } | null;

type Bridge = {
  pageOf(tabId: number): Promise<Report>;
  fill(tabId: number, platform: string, fill: Fill): Promise<Outcome>;
};
declare const twostepPages: Bridge;
declare const chrome: {
  tabs: { query(query: { active: boolean; lastFocusedWindow: boolean }): Promise<{ id?: number }[]> };
};

export function pageBridge(worker: Worker) {
  async function tabOf(page: Page): Promise<number> {
    await page.bringToFront();
    const id = await worker.evaluate(async () => {
      const [tab] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
      return tab?.id ?? -1;
    });
    if (id < 0) throw new Error('no active tab');
    return id;
  }
  return {
    tabOf,
    async pageOf(page: Page): Promise<Report> {
      const tabId = await tabOf(page);
      return worker.evaluate((tab) => twostepPages.pageOf(tab), tabId);
    },
    async fill(page: Page, platform: string, fill: Fill): Promise<Outcome> {
      const tabId = await tabOf(page);
      return worker.evaluate(([tab, name, what]) => twostepPages.fill(tab, name, what), [
        tabId,
        platform,
        fill,
      ] as const);
    },
  };
}
