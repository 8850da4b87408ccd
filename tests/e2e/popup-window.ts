import type { BrowserContext, Page, Worker } from 'playwright-core';

declare const chrome: {
  windows: { create: (data: { url: string; type: 'popup'; focused: boolean }) => Promise<{ id?: number }> };
};

/**
 * The popup opened the way the background must see it: beside the platform page, which stays the active tab of
 * the last focused window (`tabs.query({active: true, lastFocusedWindow: true})` answers it, not the popup).
 *
 * A popup opened with `context.newPage()` is a tab of its own, and becomes the active tab: the background would
 * look at the popup, not at the platform. What works (headless Chromium, tried both): the service worker opens
 * popup.html in a window of type 'popup' with `focused: false`; the platform tab stays active in the focused
 * window. (Also working: the popup as a tab, then `platformPage.bringToFront()`.) Playwright's keyboard reaches
 * the unfocused window's page: it sends its key events to that page's target directly.
 */
export async function openPopupBeside(context: BrowserContext, worker: Worker, popupUrl: string): Promise<Page> {
  const before = new Set(context.pages());
  await worker.evaluate((url) => chrome.windows.create({ url, type: 'popup', focused: false }), popupUrl);
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
    const page = context.pages().find((each) => !before.has(each) && each.url().startsWith(popupUrl));
    if (page) return page;
    await new Promise((tick) => setTimeout(tick, 25));
  }
  throw new Error('the popup window did not open');
}
