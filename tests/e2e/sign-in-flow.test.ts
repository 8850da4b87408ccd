import type { BrowserContext, Page, Worker } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type RunningServer, startServer, tempDir } from './harness.ts';
import { hostilePages, platformPages, routePlatforms } from './platform-routes.ts';
import { popupPage } from './popup-page.ts';
import { focusPlatformWindow, openPopupBeside, pressFocused } from './popup-window.ts';
import {
  type AuditEvent,
  loginOf,
  owner,
  type PagePlatform,
  setUpSignInTeam,
  signInPlatforms,
} from './sign-in-team.ts';
import { expectNoSecretsStored } from './storage-dump.ts';

declare const chrome: {
  runtime: { sendMessage: (message: unknown) => Promise<unknown> };
  tabs: { query: (query: object) => Promise<{ id?: number; url?: string }[]> };
};

const cleanups: (() => unknown)[] = [];
let server: RunningServer;
let team: Awaited<ReturnType<typeof setUpSignInTeam>>;
let context: BrowserContext;
let worker: Worker;
let popupUrl: string;
let popup: ReturnType<typeof popupPage>;
let routes: Awaited<ReturnType<typeof routePlatforms>>;
let extensionId: string;

beforeAll(async () => {
  const defer = (cleanup: () => unknown) => cleanups.push(cleanup);
  const data = tempDir('twostep-e2e-sign-in-');
  defer(data.remove);
  const profile = tempDir('twostep-e2e-sign-in-profile-');
  defer(profile.remove);
  server = await startServer(data.path, defer);
  team = await setUpSignInTeam(server.url);
  const browser = await launchBrowser(profile.path, defer);
  ({ context, worker, id: extensionId } = browser);
  popupUrl = `chrome-extension://${extensionId}/popup.html`;
  popup = popupPage(context, popupUrl);
  routes = await routePlatforms(context);
});

// A failed step leaves the popup as it was: its screenshot says what the test could not see. Then every tab and
// popup window the test opened is closed, so the next test's platform tab is the active one.
afterEach(async ({ task }) => {
  if (task.result?.state === 'fail' && popup.page && !popup.page.isClosed())
    await popup.shot(`failed-${task.name.replace(/\W+/g, '-')}`).catch(() => undefined);
  for (const page of context.pages().slice(1)) await page.close();
});

afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const names: Record<PagePlatform, string> = {
  instagram: 'Instagram',
  facebook: 'Facebook',
  tiktok: 'TikTok',
  x: 'X',
  linkedin: 'LinkedIn',
  youtube: 'Google',
};

/** A platform page in a tab of its own: the active tab of the focused window, loaded (the content script is in). */
async function openTab(url: string): Promise<Page> {
  const tab = await context.newPage();
  tab.setDefaultTimeout(10_000);
  await tab.goto(url, { waitUntil: 'load' });
  return tab;
}

/** The popup, beside the platform tab (which stays the active tab), showing `selector`. */
const openPopup = async (selector: string, tab: Page) => {
  await popup.open(selector, () => openPopupBeside(context, worker, popupUrl));
  await expectPlatformTabActive(tab);
};

async function openAccount(handle: string) {
  await popup.focusOn('Search accounts by handle or client');
  await popup.page.keyboard.type(handle);
  await popup.page.keyboard.press('ArrowDown');
  await popup.page.keyboard.press('Enter');
  await popup.text(`@${handle}`);
}

/** Sign in on the account detail: the SMS code from the outbox into the six boxes. */
async function unlock() {
  const seen = await team.sentCount();
  await popup.press('Sign in');
  const code = await team.nextCode(seen);
  await popup.focusOn('Digit 1 of 6');
  await popup.page.keyboard.type(code);
  await popup.text(/^Unlocked until/);
}

/**
 * The platform tab as the active tab of the focused window, as it is under a real toolbar popup (popup-window.ts),
 * checked from the background's side.
 */
async function expectPlatformTabActive(tab: Page) {
  let active = '';
  // The window focus settles asynchronously in Chromium: asked again for a moment.
  for (const deadline = Date.now() + 3000; Date.now() < deadline; ) {
    await tab.bringToFront();
    await focusPlatformWindow(worker);
    const [tabNow] = await worker.evaluate(() => chrome.tabs.query({ active: true, lastFocusedWindow: true }));
    active = tabNow?.url ?? '';
    if (!active.includes('/popup.html')) break;
    await new Promise((tick) => setTimeout(tick, 100));
  }
  expect(active).not.toContain('/popup.html');
}
const fills = async (platform: PagePlatform) =>
  (await team.events(team.ids[platform])).filter((event: AuditEvent) => event.action === 'login.filled');
/** Every value a page posted since the routes were last cleared. */
const posted = () => routes.submissions.flatMap((submission) => Object.values(submission.fields));
const waitForPosted = async (value: string) => {
  for (const deadline = Date.now() + 10_000; !posted().includes(value); ) {
    if (Date.now() > deadline)
      throw new Error(`the page never posted "${value}": ${JSON.stringify(routes.submissions)}`);
    await new Promise((tick) => setTimeout(tick, 25));
  }
};
/** The values of every field in every frame of `tab`. */
const fieldValues = (tab: Page) =>
  Promise.all(
    tab
      .frames()
      .map((frame) => frame.evaluate(() => Array.from(document.querySelectorAll('input'), (input) => input.value))),
  ).then((all) => all.flat());

describe.sequential('signing in on the six platforms from the popup, through their code step', () => {
  for (const [index, platform] of signInPlatforms.entries()) {
    it(`fills ${platform}'s login and its code, each audited without its value`, async () => {
      const { handle, loginName, password, last4 } = loginOf(platform);
      const name = names[platform];
      routes.clear();
      const tab = await openTab(platformPages[platform].login);
      if (index === 0) {
        await openPopup('input[type=email]', tab);
        await popup.page.getByLabel('Server').focus();
        await popup.page.keyboard.press('ControlOrMeta+A');
        await popup.page.keyboard.type(server.url);
        await popup.page.keyboard.press('Tab');
        await popup.page.keyboard.press('ControlOrMeta+A');
        await popup.page.keyboard.type(owner.email);
        await popup.page.keyboard.press('Tab');
        await popup.page.keyboard.type(owner.password);
        await popup.page.keyboard.press('Enter');
      } else await openPopup('input[type=search]', tab);
      await openAccount(handle);
      await unlock();
      await expectPlatformTabActive(tab); // the keys typed into the popup's window drew the focus there
      await popup.page.getByRole('button', { name: 'Fill login on this page', disabled: false }).waitFor();
      if (platform === 'instagram') {
        // An Enter right after the code (a habit, or a key held down) must not fill: the fill button is not focused.
        await popup.page.keyboard.press('Enter');
        await popup.page.waitForTimeout(500);
        expect(routes.submissions).toEqual([]);
        expect(await popup.page.getByText(/Filling|Login filled in/).count()).toBe(0);
        expect(await popup.page.getByRole('alert').count()).toBe(0); // no fill was even tried
      }
      await popup.tabTo('Fill login on this page');
      await expectPlatformTabActive(tab);
      if (platform === 'instagram') await popup.shot('70-fill-login');
      await expectPlatformTabActive(tab);
      await pressFocused(popup.page);
      await popup.text(`Login filled in on ${name} and sent.`);
      if (platform === 'instagram') await popup.shot('71-login-filled');
      await waitForPosted(loginName);
      await waitForPosted(password);
      await tab.waitForURL(platformPages[platform].code, { waitUntil: 'load' });
      expect((await fills(platform)).map((event) => event.detail)).toEqual(['login']);
      await popup.page.close();

      // Opened again on the platform's code page: straight to its code step.
      await openPopup('.code-step', tab);
      await popup.text(
        new RegExp(`^${name} asks for its code for @${handle}: it went to .*${last4}, held by Jana\\.$`),
      );
      await popup.focusOn('Digit 1 of 6');
      if (platform === 'instagram') await popup.shot('72-code-step');
      const code = String(482193 + index);
      await popup.page.keyboard.type(code.slice(0, -1));
      await expectPlatformTabActive(tab);
      await pressFocused(popup.page, code.slice(-1));
      await popup.text(`Code filled in on ${name} and sent.`);
      if (platform === 'instagram') await popup.shot('73-code-filled');
      await waitForPosted(code);
      await tab.waitForURL((url) => url.href !== platformPages[platform].code);
      const audited = await fills(platform);
      expect(audited.map((event) => event.detail)).toEqual(['code', 'login']);
      for (const secret of [password, code]) expect(JSON.stringify(audited)).not.toContain(secret);
      await popup.page.close();
      await tab.close();
    });
  }

  it('fills a revealed backup code into a code page opened by hand, from the account', async () => {
    routes.clear();
    const tab = await openTab(platformPages.instagram.code);
    await openPopup('input[type=search]', tab); // nothing was filled on this tab: the list, not the code step
    await openAccount('acme.instagram');
    await expectPlatformTabActive(tab);
    await popup.focusOn('Enter Instagram’s code');
    await popup.page.keyboard.press('Enter');
    await popup.text(/^Instagram asks for its code for @acme\.instagram/);
    await popup.press('Use a backup code');
    await popup.focusOn('Why do you need it?');
    await popup.page.keyboard.type('Jana is abroad with the phone');
    await popup.page.keyboard.press('Enter');
    await popup.focusOn('Fill into Instagram');
    const backup = (await popup.page.locator('.backup-code').textContent()) ?? '';
    await expectPlatformTabActive(tab);
    await pressFocused(popup.page);
    await popup.text('Code filled in on Instagram and sent.');
    await popup.shot('74-backup-code-filled');
    await waitForPosted(backup);
    expect((await fills('instagram')).map((event) => event.detail)[0]).toBe('backup_code');
    await expectNoSecretsStored(worker, server.url, [
      backup,
      ...signInPlatforms.map((platform) => loginOf(platform).password),
    ]);
    await popup.page.close();
    await tab.close();
  });
});

describe.sequential('the popup fills nothing on a page that is not the platform’s', () => {
  const unlockedDetail = async (tab: Page) => {
    await openPopup('input[type=search]', tab);
    await expectPlatformTabActive(tab);
    await openAccount('acme.instagram');
    await popup.text(/^Unlocked until/);
  };

  for (const [what, url] of [
    ['a look-alike origin', hostilePages.lookAlike],
    ['Instagram over plain http', hostilePages.plainHttp],
    ['a page framing Instagram’s login', hostilePages.framing],
  ] as const) {
    it(`offers no fill on ${what}, and the background refuses one asked for anyway`, async () => {
      routes.clear();
      const before = (await fills('instagram')).length;
      const tab = await openTab(url);
      await unlockedDetail(tab);
      await popup.text(/open Instagram’s login page \(www\.instagram\.com\) in this tab first/);
      expect(await popup.page.getByRole('button', { name: 'Fill login on this page' }).isDisabled()).toBe(true);
      if (what === 'a look-alike origin') await popup.shot('75-fill-elsewhere');
      await expectPlatformTabActive(tab);
      const forced = await popup.page.evaluate(
        (accountId) => chrome.runtime.sendMessage({ type: 'page.fill', accountId, kind: 'login' }),
        team.ids.instagram,
      );
      expect(forced).toMatchObject({ ok: false, problem: { code: 'wrong_page' } });
      expect((await fieldValues(tab)).every((value) => value === '')).toBe(true);
      expect(routes.submissions).toEqual([]);
      expect(await fills('instagram')).toHaveLength(before);
      await popup.page.close();
      await tab.close();
    });
  }

  for (const [what, url] of [
    ['its form in a cross-origin iframe', hostilePages.iframeForm],
    ['a transparent form', hostilePages.transparent],
    ['a form under an overlay', hostilePages.overlay],
  ] as const) {
    it(`fills nothing into Instagram’s page with ${what}, and writes no login.filled`, async () => {
      routes.clear();
      const before = (await fills('instagram')).length;
      const tab = await openTab(url);
      await unlockedDetail(tab);
      await popup.tabTo('Fill login on this page');
      await expectPlatformTabActive(tab);
      await pressFocused(popup.page);
      await popup.text(/found no field here it may fill/);
      if (what === 'a form under an overlay') await popup.shot('76-no-field');
      expect((await fieldValues(tab)).every((value) => value === '')).toBe(true);
      expect(routes.submissions).toEqual([]);
      expect(await fills('instagram')).toHaveLength(before);
      await popup.page.close();
      await tab.close();
    });
  }

  it('fills nothing for a page that forges the extension’s messages, without the popup’s press', async () => {
    routes.clear();
    const before = (await fills('instagram')).length;
    const tab = await openTab(`${hostilePages.forged}&ext=${extensionId}`);
    await tab.waitForFunction(() => (window as unknown as { forgeries: unknown[] }).forgeries.length > 0);
    await new Promise((settle) => setTimeout(settle, 1000));
    expect((await fieldValues(tab)).every((value) => value === '')).toBe(true);
    expect(routes.submissions).toEqual([]);
    expect(await fills('instagram')).toHaveLength(before);
    await tab.close();
  });
});
