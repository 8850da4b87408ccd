import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

// Screenshots of each screen, for people to look at; not committed.
export const shots = '/tmp/twostep-e2e';
mkdirSync(shots, { recursive: true });

/** The popup page and the keyboard moves the tests make on it. */
export function popupPage(context: BrowserContext, popupUrl: string) {
  let page: Page;

  const helpers = {
    get page() {
      return page;
    },
    /** `opener` gives a page already on the popup (e2e/popup-window.ts opens it beside a platform page). */
    async open(selector: string, opener?: () => Promise<Page>) {
      page = opener ? await opener() : await context.newPage();
      page.setDefaultTimeout(10_000);
      if (!opener) await page.goto(popupUrl, { waitUntil: 'commit' });
      await page.locator(selector).first().waitFor();
      return page;
    },
    shot: (name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true }),
    text: (value: string | RegExp) => page.getByText(value).first().waitFor(),
    /** The focused element's accessible text, or `<body>` when the focus was dropped. */
    focusedText: () =>
      page.evaluate(() => {
        const element = document.activeElement as HTMLElement | null;
        if (!element || element === document.body) return '<body>';
        const label = (element as HTMLInputElement).labels?.[0]?.textContent?.trim();
        return element.getAttribute('aria-label') ?? label ?? element.textContent?.trim() ?? '';
      }),
    /** Tabs (forward, or back with Shift) until the focused element's text is `label`. */
    async tabTo(label: string | RegExp, key: 'Tab' | 'Shift+Tab' = 'Tab') {
      for (let presses = 0; presses < 40; presses++) {
        const now = await helpers.focusedText();
        if (typeof label === 'string' ? now === label : label.test(now)) return;
        await page.keyboard.press(key);
      }
      throw new Error(`no focusable element "${label}" (focus is on "${await helpers.focusedText()}")`);
    },
    /** Tabs to a field or button and presses Enter. */
    async press(label: string | RegExp) {
      await helpers.tabTo(label);
      await page.keyboard.press('Enter');
    },
    /** Tabs to a field, selects what is in it and types over it. */
    async fill(label: string | RegExp, value: string) {
      await helpers.tabTo(label);
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type(value);
    },
    /** Waits until the focus is on the element whose text is `label`. */
    focusOn: (label: string) =>
      page.waitForFunction(
        (wanted) => {
          const element = document.activeElement as HTMLInputElement | null;
          const text = element?.labels?.[0]?.textContent?.trim();
          return (element?.getAttribute('aria-label') ?? text ?? element?.textContent?.trim()) === wanted;
        },
        label,
        { polling: 20 },
      ),
  };
  return helpers;
}
