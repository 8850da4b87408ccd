import type { BrowserContext, Page, Worker } from 'playwright-core';

type Window = { id?: number; type?: string };
declare const chrome: {
  windows: {
    create: (data: { url: string; type: 'popup'; focused: boolean }) => Promise<Window>;
    getAll: (filter: { windowTypes: string[] }) => Promise<Window[]>;
    update: (id: number, change: { focused: boolean }) => Promise<Window>;
  };
};

/**
 * The popup opened the way the background must see it: beside the platform page, which stays the active tab of
 * the last focused window (`tabs.query({active: true, lastFocusedWindow: true})` answers it, not the popup). A real
 * toolbar popup is no tab at all; in a test the popup is a page (chrome-extension://ID/popup.html), and one opened
 * with `context.newPage()` becomes the active tab: the background would look at the popup.
 *
 * Tried in headless Chromium:
 * - the popup as a tab, then `platformTab.bringToFront()`: the active tab is right, but the popup, now a hidden
 *   tab, loses its keyboard focus (`<body>`), so keyboard-only steps cannot be tested;
 * - what holds: popup.html in a window of type 'popup', opened by the service worker with `focused: false`.
 *   Playwright's keyboard reaches that window's page. But Chromium now and then makes that window the last focused
 *   one (always after a Tab pressed past the popup's last element, into the browser's own UI), and
 *   `bringToFront()` does not take that back: `focusPlatformWindow` does, through chrome.windows.update. Any key
 *   or click Playwright sends to the popup's window focuses that window again, so the press that makes the
 *   background read the active tab is `pressFocused` (the focused control's click, no input event), right after
 *   `focusPlatformWindow` (sign-in-flow.test.ts checks the active tab from the service worker each time).
 */
export async function openPopupBeside(context: BrowserContext, worker: Worker, popupUrl: string): Promise<Page> {
  const before = new Set(context.pages());
  // Opened blank, the platform's window focused again, and only then the popup loaded: what it asks the background
  // first (page.status) already sees the platform tab.
  const blank = 'about:blank#twostep-popup';
  await worker.evaluate((url) => chrome.windows.create({ url, type: 'popup', focused: false }), blank);
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
    const page = context.pages().find((each) => !before.has(each) && each.url() === blank);
    if (page) {
      await focusPlatformWindow(worker);
      await page.goto(popupUrl, { waitUntil: 'commit' });
      return page;
    }
    await new Promise((tick) => setTimeout(tick, 25));
  }
  throw new Error('the popup window did not open');
}

/**
 * Presses the focused control of the popup without a browser input event: a key or a click sent to the popup's
 * window makes it the focused window (its tab the active one) at the very moment the background asks which tab is
 * active. The keyboard still moves the focus there; this is the Enter at the end. `char` types one more character
 * (a code's last digit) the same way.
 */
export async function pressFocused(popup: Page, char?: string) {
  await popup.evaluate((typed) => {
    const element = document.activeElement as HTMLInputElement | null;
    if (!element) throw new Error('nothing is focused in the popup');
    if (typed === undefined) return element.click();
    element.value = typed;
    element.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertText', data: typed }));
  }, char);
}

/**
 * Makes the (one) normal window, whose active tab is the platform page, the last focused window: the toolbar
 * popup's situation. Headless Chromium may hold several windows active at once, and activating one it already
 * thinks active changes nothing: so the popup windows are blurred, then the normal window is blurred and focused.
 */
export async function focusPlatformWindow(worker: Worker) {
  await worker.evaluate(async () => {
    const all = await chrome.windows.getAll({ windowTypes: ['normal', 'popup'] });
    for (const popup of all.filter((each) => each.type === 'popup'))
      if (popup.id !== undefined) await chrome.windows.update(popup.id, { focused: false });
    const normal = all.find((each) => each.type === 'normal');
    if (normal?.id === undefined) return;
    await chrome.windows.update(normal.id, { focused: false });
    await chrome.windows.update(normal.id, { focused: true });
  });
}
