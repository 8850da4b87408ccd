import type { BrowserContext, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { popupBudgetBytes, popupSize } from '../../extension/scripts/popup-size.ts';
import { extensionDir, httpClient, launchBrowser, type RunningServer, startServer, tempDir } from './harness.ts';
import { popupPage } from './popup-page.ts';
import { expectNoSecretsStored } from './storage-dump.ts';

type StorageArea = { get: (keys: string | null) => Promise<Record<string, unknown>> };
type Action = { getBadgeText: (details: { tabId?: number }) => Promise<string> };
type Tab = { id?: number; url?: string };
type Tabs = { query: (query: object) => Promise<Tab[]> };
declare const chrome: { storage: { session: StorageArea }; action: Action; tabs: Tabs };

const owner = { team: 'Acme Agency', name: 'Olivia', email: 'olivia@acme.test', password: 'owner password 1' };
const mia = { name: 'Mia', email: 'mia@acme.test', password: 'member password 1' };

const cleanups: (() => unknown)[] = [];
let server: RunningServer;
let context: BrowserContext;
let worker: Worker;
let popup: ReturnType<typeof popupPage>;
let call: ReturnType<typeof httpClient>;
let ownerToken: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  const defer = (cleanup: () => unknown) => cleanups.push(cleanup);
  const data = tempDir('twostep-e2e-actions-');
  defer(data.remove);
  const profile = tempDir('twostep-e2e-actions-profile-');
  defer(profile.remove);
  server = await startServer(data.path, defer); // a fresh server: no team yet
  call = httpClient(server.url);
  const browser = await launchBrowser(profile.path, defer);
  ({ context, worker } = browser);
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  popup = popupPage(context, `chrome-extension://${browser.id}/popup.html`);
});

afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const badge = (tabId?: number) =>
  worker.evaluate((id) => chrome.action.getBadgeText(id === undefined ? {} : { tabId: id }), tabId);

/** The code of the newest SMS to a number ending in `last4`, once one more than `seen` has arrived. */
async function smsCode(seen: number): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const { messages } = await call<{ messages: { body: string }[] }>('GET', '/v1/dev/outbox', ownerToken);
    const code = messages.length > seen ? /Code (\d{6})/.exec(messages[0]!.body)?.[1] : undefined;
    if (code) return code;
    if (Date.now() > deadline) throw new Error(`no new SMS after ${seen}`);
    await new Promise((tick) => setTimeout(tick, 25));
  }
}
const sentCount = async () =>
  (await call<{ messages: unknown[] }>('GET', '/v1/dev/outbox', ownerToken)).messages.length;

/** Types a wrong code, sees the attempts left, then the right one. */
async function enterCode(seen: number, wrongFirst = false) {
  const code = await smsCode(seen);
  const { text } = popup;
  await popup.page.getByLabel('Digit 1 of 6').waitFor();
  await popup.focusOn('Digit 1 of 6');
  if (wrongFirst) {
    await popup.page.keyboard.type(String((Number(code) + 1) % 1_000_000).padStart(6, '0'));
    await text('That code is not right. 4 attempts left.');
    await popup.focusOn('Digit 1 of 6');
  }
  await popup.page.keyboard.type(code);
}

async function openAccount(handle: string) {
  const { text } = popup;
  await popup.focusOn('Search accounts by handle or client');
  await popup.page.keyboard.press('ControlOrMeta+A');
  await popup.page.keyboard.type(handle);
  await popup.page.keyboard.press('ArrowDown');
  await popup.page.keyboard.press('Enter');
  await text(`@${handle}`);
}

async function backToList() {
  await popup.tabTo('← All accounts', 'Shift+Tab');
  await popup.page.keyboard.press('Enter');
  await popup.focusOn('Search accounts by handle or client');
}

describe.sequential('the account actions in the popup, by keyboard, against a fresh server', () => {
  it('loads a popup of at most 30 KB of JavaScript and CSS, gzipped', () => {
    const size = popupSize(extensionDir);
    // The popup's own script, the chunks it imports (shared with the dashboard) and its style sheet.
    expect(size.files.some((file) => file.path.endsWith('.js'))).toBe(true);
    expect(size.files.some((file) => file.path.endsWith('.css'))).toBe(true);
    expect(size.gzipped).toBeLessThanOrEqual(popupBudgetBytes);
  });

  it('sets up a team on a server that has none, showing the server’s refusal at its field', async () => {
    const { text } = popup;
    await popup.open('input[type=email]');
    // The default address answers nothing here: the sign-in form. Naming this server offers its setup.
    await popup.page.getByLabel('Server').focus();
    await popup.page.keyboard.press('ControlOrMeta+A');
    await popup.page.keyboard.type(server.url);
    await popup.page.keyboard.press('Tab');
    await text('This server has no team yet.');
    await popup.shot('20-sign-in-fresh-server');
    await popup.press('Set up your team');
    await popup.focusOn('Team name');
    await popup.page.keyboard.type(owner.team);
    await popup.fill('Your name', owner.name);
    await popup.fill('Email', owner.email);
    await popup.fill('Password', 'too short');
    await popup.page.keyboard.press('Enter');
    await text('Use at least 12 characters.');
    await popup.focusOn('Password'); // the focus goes to the field the server named
    expect(await popup.page.getByLabel('Password').getAttribute('aria-invalid')).toBe('true');
    await popup.shot('21-set-up-refused');
    await popup.page.keyboard.press('ControlOrMeta+A');
    await popup.page.keyboard.type(owner.password);
    await popup.page.keyboard.press('Enter');
    await text('Olivia · owner');
    await text('No accounts yet');
    expect((await call<{ setUp: boolean }>('GET', '/v1/health')).setUp).toBe(true);
    // The test's own session for setting data up over HTTP (the popup's token stays in the background).
    ownerToken = (
      await call<{ token: string }>('POST', '/v1/sessions', undefined, { email: owner.email, password: owner.password })
    ).token;
    expect(await badge()).toBe(''); // a lead's badge: no account is off yet
    await expectNoSecretsStored(worker, server.url, [owner.password, 'too short']);
  });

  it('protects an account with a new number: the wrong number and the wrong code refused, then on', async () => {
    ids.insta = (
      await call<{ account: { id: string } }>('POST', '/v1/accounts', ownerToken, {
        platform: 'instagram',
        handle: 'acme.insta',
        client: 'Acme',
      })
    ).account.id;
    ids.fb = (
      await call<{ account: { id: string } }>('POST', '/v1/accounts', ownerToken, {
        platform: 'facebook',
        handle: 'acme.fb',
        client: 'Acme',
      })
    ).account.id;
    ids.other = (
      await call<{ account: { id: string } }>('POST', '/v1/accounts', ownerToken, {
        platform: 'instagram',
        handle: 'other.insta',
        client: 'Other',
      })
    ).account.id;
    // Team SIM 1 protects @other.insta: a phone that may not protect a second Instagram account.
    const seen = await sentCount();
    const { challenge } = await call<{ challenge: { id: string } }>(
      'POST',
      `/v1/accounts/${ids.other}/two-step`,
      ownerToken,
      { number: '+49 151 23450009', label: 'Team SIM 1' },
    );
    await call('POST', `/v1/challenges/${challenge.id}/verify`, ownerToken, { code: await smsCode(seen) });
    await call('POST', '/v1/phones', ownerToken, {
      number: '+49 151 23450002',
      label: 'Team SIM 2',
      holder: { name: 'Ben' },
    });

    const { text } = popup;
    await popup.page.close();
    await popup.open('button.row');
    await openAccount('acme.insta');
    await popup.press('Protect with a number');
    await text('Team SIM 2 · +49 ••• ••• 0002');
    const taken = popup.page.getByRole('button', { name: /Team SIM 1/ });
    expect(await taken.getAttribute('aria-disabled')).toBe('true');
    expect(await taken.textContent()).toContain('Protects @other.insta on Instagram');
    await popup.shot('22-protect-form');
    await popup.fill('Or a new number', '+49 30 1234');
    await popup.page.keyboard.press('Enter');
    await text(/That is not a valid mobile number/);
    await popup.focusOn('Or a new number');
    await popup.shot('23-protect-invalid-number');
    const before = await sentCount();
    await popup.page.keyboard.press('ControlOrMeta+A');
    await popup.page.keyboard.type('+49 151 23450001');
    await popup.page.keyboard.press('Enter');
    await text(/Enter the 6-digit code sent by SMS to \+49 ••• ••• 0001/);
    await popup.shot('24-protect-code');
    await enterCode(before, true);
    await text(
      /Two-step is on for @acme.insta: codes go to \+49 ••• ••• 0001 \(whose phone is not recorded yet\)\. Instagram usually gives new backup codes now/,
    );
    await popup.page.locator('.title-row .badge', { hasText: 'On · ••0001' }).waitFor();
    await popup.shot('25-protected');
  });

  it('changes the number (a lead, directly) and stores the new backup codes from a pasted list', async () => {
    const { text } = popup;
    await popup.press('Change number');
    await popup.tabTo(/^Team SIM 2/);
    await popup.page.keyboard.press('Enter');
    expect(await popup.page.getByRole('button', { name: /Team SIM 2/ }).getAttribute('aria-pressed')).toBe('true');
    const before = await sentCount();
    await popup.press('Send code to this phone');
    await text(/\(Ben’s phone\)/);
    await enterCode(before);
    await text(/codes go to \+49 ••• ••• 0002, held by Ben/);
    await popup.page.locator('.title-row .badge', { hasText: 'On · ••0002' }).waitFor();

    await popup.press('Store new backup codes');
    await popup.focusOn('Paste the codes Instagram gave you (any layout: lines, commas, spaces)');
    await popup.page.evaluate(() =>
      navigator.clipboard.writeText('Your backup codes:\n1. 1234 5678\n2. 2345 6789, 3456 7890'),
    );
    await popup.page.keyboard.press('ControlOrMeta+V');
    await text('3 codes read:');
    expect(await popup.page.locator('.parsed-codes li').allInnerTexts()).toEqual([
      '1234 5678',
      '2345 6789',
      '3456 7890',
    ]);
    await text('Not read as codes: Your backup codes:');
    await popup.shot('26-replace-codes-preview');
    await popup.press('Save 3 codes');
    await text('3 backup codes stored for @acme.insta.');
    await text('3 of 3 backup codes left');
  });

  it('reveals one backup code after an unlock, with a reason, and sets the password', async () => {
    const { text } = popup;
    const before = await sentCount();
    await popup.press('Sign in');
    await enterCode(before);
    await text(/Unlocked until/);
    await popup.press('Reveal a backup code');
    await popup.focusOn('Why do you need it?');
    await popup.page.keyboard.press('Enter');
    await text('Say why you need a backup code (it goes into the audit trail).');
    await popup.page.keyboard.type('Client phone is abroad');
    await popup.page.keyboard.press('Enter');
    await popup.page.locator('.backup-code', { hasText: '1234 5678' }).waitFor();
    await text('It counts as used now. 2 unused backup codes left.');
    await popup.focusOn('Copy code');
    await popup.page.keyboard.press('Enter');
    await text('Backup code copied. It stays on your clipboard until you copy something else.');
    expect(await popup.page.evaluate(() => navigator.clipboard.readText())).toBe('1234 5678');
    await popup.shot('27-backup-code-revealed');
    await popup.press('Done');
    await text('2 of 3 backup codes left');
    const events = await call<{ events: { action: string; detail: string | null }[] }>(
      'GET',
      `/v1/events?accountId=${ids.insta}`,
      ownerToken,
    );
    expect(events.events[0]).toMatchObject({ action: 'backup_code.revealed', detail: 'Client phone is abroad' });

    await popup.press('Set password');
    await popup.press('Generate');
    const generated = await popup.page.locator('#account-password').inputValue();
    expect(generated).toHaveLength(20);
    await text('Strong.');
    await popup.shot('28-set-password');
    await popup.press('Save password');
    await text('The password of @acme.insta is stored.');
    // Unlocks are the member's, not the session's: the owner's own HTTP session reads it too.
    const secret = await call<{ password: string }>('GET', `/v1/accounts/${ids.insta}/secret`, ownerToken);
    expect(secret.password).toBe(generated);
    const codes = ['1234 5678', '12345678', '2345 6789', '23456789', '3456 7890', '34567890'];
    await expectNoSecretsStored(worker, server.url, [...codes, generated]);
  });

  it('turns two-step off by a code to the current phone, after a warning', async () => {
    const { text } = popup;
    await popup.press('Turn off…');
    await text(/Not recommended\. Without two-step, anyone who has the password of @acme.insta/);
    await popup.shot('29-turn-off-warning');
    const before = await sentCount();
    await popup.press('Send code to turn off');
    await enterCode(before);
    await text(/Two-step is off for @acme.insta\. Its password alone now opens it/);
    await popup.page.locator('.title-row .badge', { hasText: 'Off' }).waitFor();
    await backToList();
  });

  it('forces two-step off (a lead, phone lost) with a reason, confirmed twice', async () => {
    const seen = await sentCount();
    const { challenge } = await call<{ challenge: { id: string } }>(
      'POST',
      `/v1/accounts/${ids.fb}/two-step`,
      ownerToken,
      { number: '+49 151 23450003' },
    );
    await call('POST', `/v1/challenges/${challenge.id}/verify`, ownerToken, { code: await smsCode(seen) });
    const { text } = popup;
    await popup.page.close();
    await popup.open('button.row');
    await openAccount('acme.fb');
    await popup.press('Turn off…');
    await popup.press('Force off');
    await text('Say why, in a few words (it goes into the audit trail).');
    await popup.focusOn('Reason (recorded in the audit trail)');
    await popup.page.keyboard.type('Phone lost on a shoot');
    await popup.page.keyboard.press('Enter');
    await text(/Really turn two-step off for @acme.fb without a code\?/);
    await popup.focusOn('Yes, force off');
    await popup.shot('30-force-off-confirm');
    await popup.page.keyboard.press('Enter');
    await text('Two-step was forced off for @acme.fb. The reason is in the audit trail.');
    await popup.page.locator('.title-row .badge', { hasText: 'Off' }).waitFor();
    await backToList();
  });

  it('counts the team’s accounts without two-step on a lead’s badge at sign-in, and clears it at sign-out', async () => {
    const { text } = popup;
    await popup.page.getByRole('button', { name: 'Sign out' }).press('Enter');
    await text('You are signed out.');
    expect(await badge()).toBe('');
    await popup.fill('Email', owner.email);
    await popup.fill('Password', owner.password);
    await popup.page.keyboard.press('Enter');
    await text('Olivia · owner');
    expect(await badge()).toBe('2'); // @acme.insta and @acme.fb
    const { token } = await call<{ token: string }>('POST', '/v1/invites', ownerToken, {
      email: mia.email,
      role: 'member',
    });
    ids.invite = token;
    await popup.page.getByRole('button', { name: 'Sign out' }).press('Enter');
    await text('You are signed out.');
    expect(await badge()).toBe('');
  });

  it('accepts an invite: a malformed token refused at its field, then signed in', async () => {
    const { text } = popup;
    const miaId = (await call<{ members: { id: string; email: string }[] }>('GET', '/v1/members', ownerToken)).members;
    expect(miaId.some((member) => member.email === mia.email)).toBe(false);
    await popup.press('I have an invite');
    await popup.focusOn('Invite token');
    await popup.page.keyboard.type('not a token');
    await popup.fill('Your name', mia.name);
    await popup.fill('New password', mia.password);
    await popup.page.keyboard.press('Enter');
    await text('Not a valid token.');
    await popup.focusOn('Invite token');
    await popup.shot('31-invite-refused');
    await popup.page.keyboard.press('ControlOrMeta+A');
    await popup.page.keyboard.type(ids.invite!);
    await popup.page.keyboard.press('Enter');
    await text('Mia · member');
    await text('No accounts have been shared with you');
    await expectNoSecretsStored(worker, server.url, [ids.invite!, mia.password, owner.password]);
  });

  it('puts the active tab’s platform first and counts its accounts that are off on a member’s badge', async () => {
    const { members } = await call<{ members: { id: string; email: string }[] }>('GET', '/v1/members', ownerToken);
    const miaId = members.find((member) => member.email === mia.email)!.id;
    for (const id of [ids.fb!, ids.insta!, ids.other!])
      await call('PUT', `/v1/accounts/${id}/grants/${miaId}`, ownerToken);
    const { text } = popup;
    await popup.page.close();
    // Headless Chromium has no toolbar to click, so activeTab cannot be granted by a click here. The tab the
    // popup opens on stands in: the background's one call, tabs.query, answers it as an Instagram tab would.
    const tabId = await worker.evaluate(async () => {
      const [tab] = await chrome.tabs.query({});
      const fake = { ...tab, url: 'https://www.instagram.com/accounts/login/' };
      chrome.tabs.query = async () => [fake];
      const native = (globalThis as { browser?: { tabs: Tabs } }).browser;
      if (native) native.tabs.query = async () => [fake];
      return tab?.id;
    });
    await popup.open('button.row');
    await text('On this tab: Instagram');
    expect(await popup.page.locator('.group-title').allInnerTexts()).toEqual([
      'ON THIS TAB: INSTAGRAM',
      'OTHER ACCOUNTS',
    ]);
    const rows = popup.page.locator('button.row .handle');
    expect(await rows.allInnerTexts()).toEqual(['@acme.insta', '@other.insta', '@acme.fb']);
    await popup.shot('32-active-tab-first');
    expect(await badge(tabId)).toBe('1'); // @acme.insta is off, @other.insta on
  });

  it('lets a member change the number only after signing in to the account (its phone consents)', async () => {
    const { text } = popup;
    await openAccount('other.insta');
    await text(/Sign in to this account first \(a code to its phone\) to change its number/);
    expect(await popup.page.getByRole('button', { name: 'Change number' }).count()).toBe(0);
    const unlock = await sentCount();
    await popup.press('Sign in');
    await enterCode(unlock);
    await text(/Unlocked until/);
    await popup.press('Change number');
    expect(await popup.page.getByLabel('Search team phones by number, label or holder').count()).toBe(0); // a lead's list
    await popup.fill('Phone number', '+49 151 23450004');
    const change = await sentCount();
    await popup.page.keyboard.press('Enter');
    await text(/Enter the 6-digit code sent by SMS to \+49 ••• ••• 0004/);
    await enterCode(change);
    await text(/Two-step is on for @other.insta: codes go to \+49 ••• ••• 0004/);
    await popup.page.locator('.title-row .badge', { hasText: 'On · ••0004' }).waitFor();
    await popup.shot('33-member-changed-number');
  });

  it('says when to try again once a phone’s hourly codes are spent (429 with Retry-After)', async () => {
    const { text } = popup;
    await backToList();
    await openAccount('acme.insta');
    // +49 151 23450002 had codes this hour (change, unlock, turn off) and members get only a share of a number
    // that protects an account: within a few more tries the member is refused, and never learns which budget.
    const refused = popup.page.getByText(/No code was sent; this attempt counts toward your limit/);
    for (let attempt = 0; ; attempt++) {
      expect(attempt).toBeLessThan(5);
      await popup.press('Protect with a number');
      await popup.fill('Phone number', '+49 151 23450002');
      await popup.page.keyboard.press('Enter');
      await popup.text(/Enter the 6-digit code sent by SMS|No code was sent; this attempt counts toward your limit/);
      if (await refused.count()) break;
      await popup.press('Cancel');
    }
    // A member is not told about the number's own budget (that would say how busy a phone they may not see is):
    // the answer names their own hourly limit, and the popup says when to retry from Retry-After.
    await text(
      /No code was sent; this attempt counts toward your limit of 20 codes an hour\. Try again in 60 minutes\./,
    );
    await popup.shot('34-rate-limited');
  });
});
