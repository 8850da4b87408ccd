import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPort, launchBrowser, type RunningServer, startServer, tempDir } from './harness.ts';
import { brandSecret, people, setUpTeam } from './team.ts';

/** The one extension API these tests call inside the service worker. */
type StorageArea = { get: (keys: null) => Promise<Record<string, unknown>> };
declare const chrome: { storage: { local: StorageArea; sync: StorageArea; session: StorageArea } };

// Screenshots of each screen, for people to look at; not committed.
const shots = '/tmp/twostep-e2e';
mkdirSync(shots, { recursive: true });

const cleanups: (() => unknown)[] = [];
let server: RunningServer;
let team: Awaited<ReturnType<typeof setUpTeam>>;
let context: BrowserContext;
let worker: Worker;
let popupUrl: string;
let page: Page;
const seenCodes: string[] = [];

beforeAll(async () => {
  // Each cleanup is registered as soon as its resource exists: a setup failing half-way leaves nothing running.
  const defer = (cleanup: () => unknown) => cleanups.push(cleanup);
  const data = tempDir('twostep-e2e-data-');
  defer(data.remove);
  const profile = tempDir('twostep-e2e-profile-');
  defer(profile.remove);
  server = await startServer(data.path, defer); // the extension is built once for all files (build-once.ts)
  team = await setUpTeam(server.url);
  const browser = await launchBrowser(profile.path, defer);
  ({ context, worker } = browser);
  popupUrl = `chrome-extension://${browser.id}/popup.html`;
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
});

afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const shot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
/** Waits until the focused element has this type or this aria-label. */
const focused = (want: { type?: string; label?: string }) =>
  page.waitForFunction(
    (wanted) => {
      const element = document.activeElement as HTMLInputElement | null;
      if (wanted.type !== undefined && element?.type !== wanted.type) return false;
      return wanted.label === undefined || element?.getAttribute('aria-label') === wanted.label;
    },
    want,
    { polling: 20 },
  );
const text = (value: string | RegExp) => page.getByText(value).first().waitFor();

/** Opens the popup and answers how long, from navigation, until `selector` was on screen. */
async function openPopup(selector: string): Promise<number> {
  page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(popupUrl, { waitUntil: 'commit' });
  const shown = await page.waitForFunction((css) => document.querySelector(css) && performance.now(), selector, {
    polling: 5,
  });
  return Number(await shown.jsonValue());
}

async function signIn(url: string, email: string, password: string) {
  await page.getByLabel('Server').focus();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(url);
  await page.keyboard.press('Tab');
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type(email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(password);
  await page.keyboard.press('Enter');
}

/** The focused element's accessible text, or `<body>` when the focus was dropped. */
const focusedText = () =>
  page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return '<body>';
    return element.getAttribute('aria-label') ?? element.textContent?.trim() ?? '';
  });

/** Tabs (forward, or back with Shift) from wherever the focus is until the focused element's text is `label`. */
async function tabTo(label: string, key: 'Tab' | 'Shift+Tab' = 'Tab') {
  for (let presses = 0; presses < 30; presses++) {
    if ((await focusedText()) === label) return;
    await page.keyboard.press(key);
  }
  throw new Error(`no focusable element "${label}"`);
}

describe.sequential('the popup, driven by keyboard in real Chromium against the real API', () => {
  it('explains an unreachable server and a wrong password, then signs a member in', async () => {
    const openMs = await openPopup('input[type=email]');
    console.log(`popup: sign-in form on screen ${openMs.toFixed(0)} ms after navigation`);
    await focused({ type: 'email' });
    await shot('01-sign-in');

    const nowhere = `http://127.0.0.1:${await closedPort()}`;
    await signIn(nowhere, people.member.email, people.member.password);
    await text(`No Twostep server answers at ${nowhere}. Check the address, and that the server is running.`);
    await focused({ type: 'text' }); // back on the server address, where the fix is
    await shot('02-unreachable');

    await signIn('http://twostep.example.test', people.member.email, people.member.password);
    await text(/Use https:\/\/ for a server on another machine/);
    await focused({ type: 'text' });
    await shot('02b-http-refused');

    await signIn(server.url, people.member.email, 'not the password');
    await text('That email and password do not match.');
    await focused({ type: 'password' });
    await shot('03-wrong-password');

    await signIn(server.url, people.member.email, people.member.password);
    await text('Mia · member');
  });

  it('lists the shared accounts with their badges, search focused, and filters as one types', async () => {
    await focused({ type: 'search' });
    const rows = page.locator('button.row');
    await rows.nth(2).waitFor();
    expect(await rows.allInnerTexts()).toEqual([
      expect.stringMatching(/@acme\.fb\s+Facebook · Acme\s+On · ••7777\s+No backup codes/),
      expect.stringMatching(/@acmebrand\s+Instagram · Acme\s+On · ••4821\s+3 of 3 backup codes left/),
      expect.stringMatching(/@acme\.tiktok\s+TikTok · Acme\s+Off\s+No backup codes/),
    ]);
    await shot('04-account-list');

    await page.keyboard.type('tik');
    await text('1 of 3 accounts');
    expect(await rows.count()).toBe(1);
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('zzz');
    await text('No account matches your search.');
    await shot('05-no-match');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Backspace');
    await rows.nth(2).waitFor();

    // The platform filter, by keyboard: Tab to it, pick Instagram.
    await page.keyboard.press('Tab');
    await page.getByLabel('Platform').selectOption('instagram');
    await text('1 of 3 accounts');
    await page.getByLabel('Platform').selectOption('');
    await rows.nth(2).waitFor();
  });

  it('explains that two-step must be on first when the server says it is off (409 two_step_off)', async () => {
    // The list still shows @acme.fb as On; a lead removes its two-step meanwhile.
    await team.forceOff(team.accounts.facebook);
    await page.getByLabel('Search accounts by handle or client').focus();
    await page.keyboard.type('acme.fb');
    await page.keyboard.press('Enter');
    await text('@acme.fb');
    await tabTo('Sign in');
    await page.keyboard.press('Enter');
    await text(/Two-step is off for this account. It must be turned on first/);
    await page.locator('.title-row .badge', { hasText: 'Off' }).waitFor(); // the account as it is now
    expect(await page.getByRole('button', { name: 'Sign in' }).count()).toBe(0);
    // The Sign in button went away: the focus is on the message, not dropped on <body>.
    await page.waitForFunction(() => document.activeElement?.classList.contains('notice'));
    await shot('06-two-step-off');
    await tabTo('← All accounts', 'Shift+Tab');
    await page.keyboard.press('Enter');
  });

  it('opens an account, refuses a wrong code with the attempts left, unlocks with the SMS code', async () => {
    await focused({ type: 'search' });
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('brand');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await text('Anna');
    await text('Team SIM 3');
    await shot('07-account-detail');

    const sent = await team.sentCount();
    await tabTo('Sign in');
    await page.keyboard.press('Enter');
    await focused({ label: 'Digit 1 of 6' });
    expect(await page.getByLabel('Digit 1 of 6').getAttribute('autocomplete')).toBe('one-time-code');
    expect(await page.getByLabel('Digit 1 of 6').getAttribute('inputmode')).toBe('numeric');
    await text(/Code expires in (10:00|9:\d\d)/);
    await text(/Resend in 0:\d\d/);
    const { code, body: sms } = await team.nextSms(sent);
    seenCodes.push(code);
    const sentTo = await page.locator('#code-label strong').textContent();
    await shot('08-code-entry');

    // Chrome closes the popup when it loses focus (off to a chat to get the code): opening it again comes back to
    // the same code entry, and sends no second SMS.
    const pending = await worker.evaluate(() => chrome.storage.session.get(null));
    expect(pending).toHaveProperty('pendingChallenge');
    expect(JSON.stringify(pending)).not.toContain(code);
    await page.close();
    await openPopup('input[aria-label="Digit 1 of 6"]');
    await focused({ label: 'Digit 1 of 6' });
    await text('@acmebrand');
    expect(await page.locator('#code-label strong').textContent()).toBe(sentTo);
    await text(/Code expires in (10:00|9:\d\d)/);
    expect(await team.sentCount()).toBe(sent + 1);
    await shot('08b-code-entry-reopened');
    const first = page.getByLabel('Digit 1 of 6');

    const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
    await page.keyboard.type(wrong);
    await text('That code is not right. 4 attempts left.');
    await focused({ label: 'Digit 1 of 6' });
    await shot('09-wrong-code');

    // Typing over a filled box (clicked, so the mouseup undid its selection) keeps only the new digit.
    const second = page.getByLabel('Digit 2 of 6');
    await page.keyboard.type('12');
    await first.click();
    await page.keyboard.press('End'); // the caret after the digit, no selection: as a slow mouseup leaves it
    await page.keyboard.type('7');
    expect([await first.inputValue(), await second.inputValue()]).toEqual(['7', '2']);
    await focused({ label: 'Digit 2 of 6' });

    // Backspace walks back through the boxes.
    await page.keyboard.press('Backspace');
    await page.keyboard.press('Backspace');
    await focused({ label: 'Digit 1 of 6' });
    expect(await first.inputValue()).toBe('');

    // The whole SMS, pasted into the first box: the code is the digits after "Code".
    await page.evaluate((value) => navigator.clipboard.writeText(value), sms);
    await page.keyboard.press('ControlOrMeta+V');
    await text(/Unlocked until/);
    expect(await team.sentCount()).toBe(sent + 1); // one SMS for the whole sign-in
    await text(brandSecret.loginName);
    expect(await page.locator('.password').textContent()).not.toContain(brandSecret.password);
    await shot('10-unlocked');
  });

  it('copies the password to the clipboard and shows it only when asked', async () => {
    await page.evaluate(() => navigator.clipboard.writeText('something else'));
    await tabTo('Copy password');
    await page.keyboard.press('Enter');
    await text('Password copied. It stays on your clipboard until you copy something else.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(brandSecret.password);
    expect(await page.content()).not.toContain(brandSecret.password);
    await shot('11-password-copied');

    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await text(brandSecret.password);
    // Not inside a live region: a screen reader must not read it aloud.
    const live = '[aria-live], [role=status], [role=alert], [role=log]';
    expect(await page.locator('.password').evaluate((element, css) => !!element.closest(css), live)).toBe(false);
    await shot('12-password-shown');
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Show', exact: true }).waitFor();
    expect(await page.content()).not.toContain(brandSecret.password);
  });

  it('opens signed in, straight on the list', async () => {
    await page.close();
    const openMs = await openPopup('button.row');
    console.log(`popup: account list on screen ${openMs.toFixed(0)} ms after navigation (signed in)`);
    await focused({ type: 'search' });
  });

  it('keeps no token, code or password in storage.local, storage.sync or the page', async () => {
    const stored = await worker.evaluate(async () => ({
      local: await chrome.storage.local.get(null),
      sync: await chrome.storage.sync.get(null),
      session: await chrome.storage.session.get(null),
    }));
    const token = (stored.session.session as { token?: string } | undefined)?.token;
    expect(token).toMatch(/^[A-Za-z0-9_-]{16,}$/); // the session exists, in memory only
    expect(stored.local).toEqual({ serverUrl: server.url });
    expect(stored.sync).toEqual({});
    const persisted = JSON.stringify([stored.local, stored.sync]);
    const everywhereButSession = [persisted, await page.evaluate(() => JSON.stringify({ ...localStorage }))].join();
    for (const secret of [token!, brandSecret.password, people.member.password, ...seenCodes])
      expect(everywhereButSession).not.toContain(secret);
    expect(JSON.stringify(stored.session)).not.toContain(brandSecret.password);
    expect(Object.keys(stored.session)).toEqual(['session']); // the sign-in that waited for its code is forgotten
  });

  it('signs out, and tells a member with no shared accounts so', async () => {
    await page.getByRole('button', { name: 'Sign out' }).press('Enter');
    await text('You are signed out.');
    expect(await worker.evaluate(() => chrome.storage.session.get(null))).toEqual({});
    await signIn(server.url, people.newcomer.email, people.newcomer.password);
    await text('No accounts have been shared with you');
    await shot('13-empty-member');
  });
});
