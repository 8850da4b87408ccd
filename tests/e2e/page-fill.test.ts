import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { platformPageMatches } from '../../extension/messages/platform-pages.ts';
import { extensionDir, launchBrowser, tempDir } from './harness.ts';
import { pageBridge } from './page-bridge-driver.ts';
import { hostilePages, platformPages, routePlatforms, xUsernameChallenge } from './platform-routes.ts';

const cleanups: (() => unknown)[] = [];
let context: BrowserContext;
let worker: Worker;
let extensionId: string;
let routes: Awaited<ReturnType<typeof routePlatforms>>;
let bridge: ReturnType<typeof pageBridge>;

beforeAll(async () => {
  const defer = (cleanup: () => unknown) => cleanups.push(cleanup);
  const profile = tempDir('twostep-e2e-pages-');
  defer(profile.remove);
  const browser = await launchBrowser(profile.path, defer);
  ({ context, worker } = browser);
  extensionId = browser.id;
  routes = await routePlatforms(context);
  bridge = pageBridge(worker);
});

afterAll(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

beforeEach(async () => {
  routes.clear();
  // Not awaited: Chromium can leave a close pending for a page that is navigating after its form was sent.
  for (const page of context.pages()) page.close().catch(() => undefined);
});

async function open(url: string): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  await page.goto(url);
  return page;
}

/** Waits until the content script answers in the page's top frame (it starts at document_idle). */
async function ready(page: Page) {
  for (let tries = 0; tries < 50; tries++) {
    const report = await bridge.pageOf(page);
    if (report) return report;
    await page.waitForTimeout(100);
  }
  throw new Error(`no content script answered on ${page.url()}`);
}

const values = (page: Page) =>
  page.evaluate(() =>
    Array.from(document.querySelectorAll('input:not([type=hidden])')).map((each) => (each as HTMLInputElement).value),
  );

const login = { kind: 'login', loginName: 'team@acme.test', password: 'correct horse battery' } as const;
const code = { kind: 'code', code: '482913' } as const;

const loginFields = {
  instagram: { username: 'team@acme.test', password: 'correct horse battery' },
  facebook: { email: 'team@acme.test', pass: 'correct horse battery' },
  tiktok: { username: 'team@acme.test', password: 'correct horse battery' },
  x: { text: 'team@acme.test', password: 'correct horse battery' },
  linkedin: { session_key: 'team@acme.test', session_password: 'correct horse battery' },
  youtube: { identifier: 'team@acme.test', Passwd: 'correct horse battery' },
};
const codeFields = {
  instagram: { verificationCode: '482913' },
  facebook: { approvals_code: '482913' },
  tiktok: { code: '482913' },
  x: { text: '482913' },
  linkedin: { pin: '482913' },
  youtube: { Pin: '482913' },
};

describe('on each platform’s pages', () => {
  for (const [platform, pages] of Object.entries(platformPages) as [
    keyof typeof platformPages,
    { login: string; code: string },
  ][]) {
    it(`${platform}: the login page is told as login, filled, and its form posts the name and password`, async () => {
      const page = await open(pages.login);
      expect(await ready(page)).toEqual({ platform, origin: new URL(pages.login).origin, step: 'login' });
      await page.waitForTimeout(300);
      expect(routes.submissions).toEqual([]); // nothing on load, nor on being asked which step it is
      expect((await values(page)).every((value) => value === '')).toBe(true);
      expect(await bridge.fill(page, platform, login)).toEqual({ filled: true, submitted: true });
      await expect.poll(() => routes.submissions.length).toBe(1);
      expect(routes.submissions[0]!.origin).toBe(new URL(pages.login).origin);
      expect(routes.submissions[0]!.fields).toMatchObject(loginFields[platform]);
      await page.waitForURL(pages.code);
    });

    it(`${platform}: the code page is told as code, filled, and its form posts the code`, async () => {
      const page = await open(pages.code);
      expect(await ready(page)).toEqual({ platform, origin: new URL(pages.code).origin, step: 'code' });
      expect(await bridge.fill(page, platform, code)).toEqual({ filled: true, submitted: true });
      await expect.poll(() => routes.submissions.length).toBe(1);
      expect(routes.submissions[0]!.fields).toMatchObject(codeFields[platform]);
    });
  }

  it('x: the username challenge, with the code step’s test id, is not a code step and gets no code', async () => {
    const page = await open(xUsernameChallenge);
    expect((await ready(page)).step).toBe('other');
    expect(await bridge.fill(page, 'x', code)).toEqual({ filled: false, reason: 'no_field' });
    expect(await values(page)).toEqual(['']);
    expect(routes.submissions).toEqual([]);
  });
});

const frameValues = (page: Page) =>
  page
    .frames()[1]!
    .evaluate(() =>
      Array.from(document.querySelectorAll('input:not([type=hidden])')).map((each) => (each as HTMLInputElement).value),
    );

/** Gives a page time to do what it would do unasked, then asserts nothing was typed and nothing posted. */
async function nothingFilled(page: Page, inFrame = false) {
  await page.waitForTimeout(300);
  const seen = inFrame ? await frameValues(page) : await values(page);
  expect(seen.length).toBeGreaterThan(0);
  expect(seen.every((value) => value === '')).toBe(true);
  expect(routes.submissions).toEqual([]);
}

describe('on hostile pages nothing is filled', () => {
  it('a look-alike origin (www.instagram.com.evil.test) has no Twostep in it to fill', async () => {
    const page = await open(hostilePages.lookAlike);
    expect(await bridge.pageOf(page)).toBeNull();
    expect(await bridge.fill(page, 'instagram', login)).toEqual({ filled: false, reason: 'no_page' });
    await nothingFilled(page);
  });

  it('Instagram over plain http has no Twostep in it to fill', async () => {
    const page = await open(hostilePages.plainHttp);
    expect(await bridge.pageOf(page)).toBeNull();
    expect(await bridge.fill(page, 'instagram', login)).toEqual({ filled: false, reason: 'no_page' });
    await nothingFilled(page);
  });

  it('the real login page framed by another site: the frame gets nothing', async () => {
    const page = await open(hostilePages.framing);
    await page.frames()[1]!.waitForSelector('input[name=password]');
    expect(await bridge.pageOf(page)).toBeNull();
    expect(await bridge.fill(page, 'instagram', login)).toEqual({ filled: false, reason: 'no_page' });
    await nothingFilled(page, true);
  });

  it('a form in a cross-origin iframe on the platform’s page gets nothing', async () => {
    const page = await open(hostilePages.iframeForm);
    await page.frames()[1]!.waitForSelector('input[name=password]');
    expect((await ready(page)).step).toBe('other');
    expect(await bridge.fill(page, 'instagram', login)).toEqual({ filled: false, reason: 'no_field' });
    await nothingFilled(page, true);
  });

  it('a field made transparent by an ancestor (opacity 0.3) gets nothing', async () => {
    const page = await open(hostilePages.transparent);
    await ready(page);
    expect(await bridge.fill(page, 'instagram', login)).toEqual({ filled: false, reason: 'no_field' });
    await nothingFilled(page);
  });

  it('a field under an overlay gets nothing', async () => {
    const page = await open(hostilePages.overlay);
    await ready(page);
    expect(await bridge.fill(page, 'instagram', login)).toEqual({ filled: false, reason: 'no_field' });
    await nothingFilled(page);
  });

  for (const [what, url] of [
    ['a form posting to another origin', hostilePages.evilAction],
    ['a form posting elsewhere placed before the real one', hostilePages.formBefore],
    ['an injected <base href> sending the form elsewhere', hostilePages.baseHref],
    ['a submit button whose formaction posts elsewhere', hostilePages.formaction],
  ] as const)
    it(`${what} gets nothing`, async () => {
      const page = await open(url);
      await ready(page);
      expect(await bridge.fill(page, 'instagram', login)).toEqual({ filled: false, reason: 'no_field' });
      await nothingFilled(page);
    });

  it('another platform’s fill on this platform’s page is refused as the wrong page', async () => {
    const page = await open(platformPages.instagram.login);
    await ready(page);
    expect(await bridge.fill(page, 'facebook', login)).toEqual({ filled: false, reason: 'wrong_page' });
    await nothingFilled(page);
  });

  it('a page forging Twostep’s messages gets no fill and claims nothing: the real fill still goes through once', async () => {
    const page = await open(`${hostilePages.forged}&ext=${extensionId}`);
    await ready(page);
    await page.waitForTimeout(500);
    await nothingFilled(page);
    const forgeries = await page.evaluate(
      () => (window as unknown as { forgeries: { how: string; result: string }[] }).forgeries,
    );
    expect(forgeries.length).toBeGreaterThan(10);
    // The page's chrome.runtime has no way to this extension (no externally_connectable): every attempt found none.
    expect(new Set(forgeries.map((forgery) => forgery.result))).toEqual(new Set(['no chrome.runtime in the page']));
    expect(await bridge.fill(page, 'instagram', login)).toEqual({ filled: true, submitted: true });
    await expect.poll(() => routes.submissions.length).toBe(1);
    expect(routes.submissions[0]!.fields).toEqual(loginFields.instagram);
  });
});

describe('the built manifest', () => {
  it('asks storage and activeTab only, and runs one content script on the platforms’ sign-in pages, top frame only', () => {
    const manifest = JSON.parse(readFileSync(join(extensionDir, 'manifest.json'), 'utf8'));
    expect(manifest.permissions).toEqual(['storage', 'activeTab']);
    expect(manifest.host_permissions).toBeUndefined();
    expect(manifest.optional_host_permissions).toBeUndefined();
    expect(manifest.externally_connectable).toBeUndefined();
    expect(manifest.web_accessible_resources).toBeUndefined();
    expect(manifest.content_scripts).toHaveLength(1);
    const [script] = manifest.content_scripts;
    expect([...script.matches].sort()).toEqual([...platformPageMatches].sort());
    expect(script.all_frames).toBe(false);
    expect(script.run_at).toBe('document_idle');
  });
});
