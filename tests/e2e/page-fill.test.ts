import type { BrowserContext, Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { launchBrowser, tempDir } from './harness.ts';
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
  for (const page of context.pages()) await page.close();
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
      expect(routes.submissions).toEqual([]); // nothing on load
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
