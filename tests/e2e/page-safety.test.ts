import { join } from 'node:path';
import { build } from 'esbuild';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageFill } from '../../extension/background/page-bridge-types.ts';
import { root } from './harness.ts';
import { filledCases, refusedCases, twoScreens } from './page-safety/cases.ts';
import { hostilePages, routePlatforms } from './platform-routes.ts';

/**
 * The content script's fill (extension/page/, bundled with esbuild as is) in real Chromium on pages served at
 * Instagram's and X's real origins: one page per safety rule, each where nothing may be typed or sent, and the
 * pages that must still be filled. Fast: no extension build, no server (page-fill.test.ts drives the built one).
 */

let browser: Browser;
let bundle: string;
const login: PageFill = { kind: 'login', loginName: 'team@acme.test', password: 'correct horse battery' };
const instagram = 'https://www.instagram.com/accounts/login/';
const x = 'https://x.com/i/flow/login';

beforeAll(async () => {
  const built = await build({
    entryPoints: [join(root, 'tests/page-bundle/entry.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    alias: { '@': join(root, 'extension') },
  });
  bundle = built.outputFiles[0]?.text ?? '';
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
});

afterAll(async () => {
  await browser?.close();
});

type Opened = { page: Page; context: BrowserContext; sent: () => string[] };

/** Opens `url`, served `html` (or the routed fixture), with every POST anywhere recorded. */
async function open(url: string, html?: string): Promise<Opened> {
  const context = await browser.newContext();
  const posted: string[] = [];
  const routes = await routePlatforms(context);
  await context.route(
    (each) => each.href.startsWith(url.split('?')[0] ?? url),
    (route) => {
      const request = route.request();
      if (request.method() === 'POST') {
        posted.push(request.url());
        return route.fulfill({ contentType: 'text/plain', body: 'ok' });
      }
      if (html === undefined) return route.fallback();
      return route.fulfill({ contentType: 'text/html', body: `<!doctype html><html><body>${html}</body></html>` });
    },
  );
  const page = await context.newPage();
  await page.goto(url);
  await page.addScriptTag({ content: bundle });
  return { page, context, sent: () => [...posted, ...routes.submissions.map((each) => each.origin + each.path)] };
}

type Twostep = {
  fillPage(doc: Document, platform: string, fill: PageFill): Promise<unknown>;
  isSafeField(field: unknown): boolean;
};

const fill = (page: Page, platform: string, what: PageFill = login) =>
  page.evaluate(
    ([name, value]) => (window as unknown as { twostep: Twostep }).twostep.fillPage(document, name, value),
    [platform, what] as const,
  );
const values = (page: Page) =>
  page.evaluate(() =>
    Array.from(document.querySelectorAll('input'))
      .map((each) => each.value)
      .filter(Boolean),
  );

describe('the fill refuses', () => {
  for (const [what, { html, target, on = 'instagram' }] of Object.entries(refusedCases))
    it(what, async () => {
      const { page, context, sent } = await open(on === 'x' ? x : instagram, html);
      try {
        if (target)
          expect(
            await page.evaluate(
              (selector) =>
                (window as unknown as { twostep: Twostep }).twostep.isSafeField(document.querySelector(selector)),
              target,
            ),
          ).toBe(false);
        expect(await fill(page, on)).toEqual({ filled: false, reason: 'no_field' });
        await page.waitForTimeout(200);
        expect(await values(page)).toEqual([]);
        expect(sent()).toEqual([]);
      } finally {
        await context.close();
      }
    });

  for (const [what, url] of [
    ['the evil-action fixture', hostilePages.evilAction],
    ['the form-before fixture', hostilePages.formBefore],
    ['the base-href fixture', hostilePages.baseHref],
    ['the formaction fixture', hostilePages.formaction],
  ] as const)
    it(what, async () => {
      const { page, context, sent } = await open(url);
      try {
        expect(await fill(page, 'instagram')).toEqual({ filled: false, reason: 'no_field' });
        await page.waitForTimeout(200);
        expect(await values(page)).toEqual([]);
        expect(sent()).toEqual([]);
      } finally {
        await context.close();
      }
    });

  it('a second screen whose password appears outside the name’s screen, and reports the login unfilled', async () => {
    const { page, context, sent } = await open(x, twoScreens('#elsewhere'));
    try {
      expect(await fill(page, 'x')).toEqual({ filled: false, reason: 'no_field' });
      expect(await page.locator('input[name=password]').inputValue()).toBe('');
      expect(sent()).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

describe('the fill still types and sends', () => {
  for (const [what, html] of Object.entries(filledCases))
    it(what, async () => {
      const { page, context, sent } = await open(instagram, html);
      try {
        expect(await fill(page, 'instagram')).toEqual({ filled: true, submitted: true });
        await expect.poll(() => sent()).toEqual([instagram]);
      } finally {
        await context.close();
      }
    });

  it('a second screen drawn in the name’s screen', async () => {
    const { page, context } = await open(x, twoScreens('#screen'));
    try {
      expect(await fill(page, 'x')).toEqual({ filled: true, submitted: true });
      expect(await page.locator('input[name=password]').inputValue()).toBe(login.password);
    } finally {
      await context.close();
    }
  });
});
