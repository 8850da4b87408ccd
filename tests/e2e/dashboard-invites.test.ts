import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpClient, launchBrowser, type RunningServer, startServer, tempDir } from './harness.ts';
import { people } from './team.ts';

// The lead's list of open invites on the dashboard's Members view, with Revoke. Screenshots for people, not committed.
const shots = '/tmp/twostep-e2e';
mkdirSync(shots, { recursive: true });

type OpenInvites = { invites: { id: string; email: string; expiresAt: string }[] };

const cleanups: (() => unknown)[] = [];
let server: RunningServer;
let context: BrowserContext;
let extensionId: string;
let page: Page;
let owner: string;
let call: ReturnType<typeof httpClient>;

beforeAll(async () => {
  const defer = (cleanup: () => unknown) => cleanups.push(cleanup);
  const data = tempDir('twostep-e2e-invites-data-');
  defer(data.remove);
  const profile = tempDir('twostep-e2e-invites-profile-');
  defer(profile.remove);
  server = await startServer(data.path, defer); // the extension is built once for all files (build-once.ts)
  call = httpClient(server.url);
  ({ token: owner } = await call<{ token: string }>('POST', '/v1/setup', undefined, {
    team: 'Acme Agency',
    ...people.owner,
  }));
  ({ context, id: extensionId } = await launchBrowser(profile.path, defer));
  // The background keeps the session: sign in once through the popup, as a person would.
  const popup = await context.newPage();
  await popup.goto(`chrome-extension://${extensionId}/popup.html`);
  await popup.getByLabel('Server').fill(server.url);
  await popup.getByLabel('Email').fill(people.owner.email);
  await popup.getByLabel('Password').fill(people.owner.password);
  await popup.keyboard.press('Enter');
  await popup.getByText('Olivia · owner').waitFor({ timeout: 15_000 });
  await popup.close();
  page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.setViewportSize({ width: 1280, height: 860 });
});

afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const shot = (name: string) => page.screenshot({ path: join(shots, `dashboard-${name}.png`), fullPage: true });
const inviteRows = () => page.getByRole('table', { name: 'Open invites' }).locator('tbody tr');
const openInvites = async () => (await call<OpenInvites>('GET', '/v1/invites', owner)).invites;
const focusedText = () => page.evaluate(() => document.activeElement?.textContent ?? '');

async function openMembers() {
  await page.goto('about:blank');
  await page.goto(`chrome-extension://${extensionId}/options.html#members`);
  await page.getByRole('heading', { name: /^Open invites \(\d+\)$/ }).waitFor();
}

describe.sequential('open invites on the dashboard, in real Chromium against the real API', () => {
  it('says there are none, then lists one made in the form with its role, expiry and creator', async () => {
    await openMembers();
    await page.getByText('No open invites.').waitFor();
    await shot('invites-empty');
    await page.getByLabel('Email', { exact: true }).fill('zoe@acme.test');
    await page.getByRole('combobox', { name: 'Role', exact: true }).selectOption('lead');
    await page.getByRole('button', { name: 'Create invite' }).click();
    await page.getByTestId('invite-token').waitFor();
    await inviteRows().first().waitFor();
    const [invite] = await openInvites();
    const cells = await inviteRows().first().locator('td').allInnerTexts();
    expect(invite!.email).toBe('zoe@acme.test');
    expect(cells.slice(0, 4)).toEqual([
      'zoe@acme.test',
      'lead',
      `${invite!.expiresAt.slice(0, 10)} (in 7 days)`,
      'Olivia',
    ]);
    expect(await inviteRows().first().getByRole('button').textContent()).toBe('Revoke');
  });

  it('pages a long list, 25 at a time', async () => {
    for (let i = 0; i < 30; i++)
      await call('POST', '/v1/invites', owner, {
        email: `many${String(i).padStart(2, '0')}@acme.test`,
        role: 'member',
      });
    await openMembers();
    await page.getByRole('heading', { name: 'Open invites (31)' }).waitFor();
    expect(await inviteRows().count()).toBe(25);
    await page.getByText('1–25 of 31').waitFor();
    await page.getByRole('button', { name: 'Next' }).last().click();
    await page.getByText('26–31 of 31').waitFor();
    expect(await inviteRows().count()).toBe(6);
    await page.getByRole('button', { name: 'Previous' }).last().click();
    await page.getByText('1–25 of 31').waitFor();
  });

  it('revokes with the keyboard after a confirmation, and the revoked token no longer signs anyone up', async () => {
    const yara = await call<{ token: string; invite: { id: string } }>('POST', '/v1/invites', owner, {
      email: 'yara@acme.test',
      role: 'member',
    });
    await openMembers();
    const revoke = page.getByRole('button', { name: 'Revoke the invite for yara@acme.test' });
    await page.getByRole('button', { name: 'Next' }).last().click();
    await revoke.focus();
    await page.keyboard.press('Enter');
    await page.getByText('Revoke the invite for yara@acme.test?').waitFor();
    expect(await focusedText()).toBe('Yes, revoke');
    // Escape keeps it, and the keyboard is back on the row's Revoke.
    await page.keyboard.press('Escape');
    await revoke.waitFor();
    await page.waitForFunction(() => document.activeElement?.id.startsWith('revoke-'));
    expect((await openInvites()).map((invite) => invite.email)).toContain('yara@acme.test');
    await page.keyboard.press('Enter');
    await page.getByText('Revoke the invite for yara@acme.test?').waitFor();
    expect(await focusedText()).toBe('Yes, revoke');
    await shot('invites-confirm');
    expect((await openInvites()).map((invite) => invite.email)).toContain('yara@acme.test'); // not before the Yes
    await page.keyboard.press('Enter');
    await page.getByRole('status').getByText('The invite for yara@acme.test is revoked').waitFor();
    await page.getByRole('heading', { name: 'Open invites (31)' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H3'); // the keyboard stays in the card
    expect((await openInvites()).map((invite) => invite.email)).not.toContain('yara@acme.test');
    await shot('invites');
    const accept = await fetch(`${server.url}/v1/invites/accept`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: yara.token, name: 'Yara', password: 'yara password 123' }),
    });
    expect(accept.status).toBe(410);
    expect(((await accept.json()) as { error: { code: string } }).error.code).toBe('invite_invalid');
  });
});
