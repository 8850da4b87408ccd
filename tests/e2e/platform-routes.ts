import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Route } from 'playwright-core';
import { root } from './harness.ts';

/**
 * The six platforms' login and code pages served from tests/fixtures/ at their REAL origins, by routing the
 * browser's requests (playwright-core `context.route`): the extension's content script runs on them exactly as on
 * the real sites, and its manifest matches and the background's origin checks are the real ones. Every POST a page
 * makes is recorded (the fixtures' forms post their state), so a test can assert what reached the "platform".
 */

export type FixturePage = { url: string; file: string };
export type Submission = { origin: string; path: string; fields: Record<string, string> };

const fixtures = join(root, 'tests/fixtures');

/** Each platform's login page, where its login posts, and the code page it goes to next. */
export const platformPages = {
  instagram: {
    login: 'https://www.instagram.com/accounts/login/',
    code: 'https://www.instagram.com/accounts/login/two_factor?next=%2F',
  },
  facebook: { login: 'https://www.facebook.com/login/', code: 'https://www.facebook.com/checkpoint/?next' },
  tiktok: {
    login: 'https://www.tiktok.com/login/phone-or-email/email',
    code: 'https://www.tiktok.com/login/verify?type=sms',
  },
  x: { login: 'https://x.com/i/flow/login', code: 'https://x.com/i/flow/login?step=two_factor' },
  linkedin: {
    login: 'https://www.linkedin.com/login',
    code: 'https://www.linkedin.com/checkpoint/challenge/AgHfixtureChallenge?ut=fixture',
  },
  youtube: {
    login: 'https://accounts.google.com/v3/signin/identifier?continue=https%3A%2F%2Fwww.youtube.com%2F&service=youtube',
    code: 'https://accounts.google.com/v3/signin/challenge/ipp/collect?TL=fixture',
  },
} as const;

/** The X page that uses the code step's test id to ask for the username again (it is not a code step). */
export const xUsernameChallenge = 'https://x.com/i/flow/login?step=username_challenge';

/** Hostile pages: each is where Twostep must fill nothing. */
export const hostilePages = {
  lookAlike: 'https://www.instagram.com.evil.test/accounts/login/',
  plainHttp: 'http://www.instagram.com/accounts/login/',
  framing: 'https://evil.test/',
  iframeForm: 'https://www.instagram.com/accounts/login/?fixture=iframe-form',
  transparent: 'https://www.instagram.com/accounts/login/?fixture=transparent',
  overlay: 'https://www.instagram.com/accounts/login/?fixture=overlay',
  forged: 'https://www.instagram.com/accounts/login/?fixture=forged',
  evilAction: 'https://www.instagram.com/accounts/login/?fixture=evil-action',
  formBefore: 'https://www.instagram.com/accounts/login/?fixture=form-before',
  baseHref: 'https://www.instagram.com/accounts/login/?fixture=base-href',
  formaction: 'https://www.instagram.com/accounts/login/?fixture=formaction',
} as const;

export const fixturePages: FixturePage[] = [
  ...Object.entries(platformPages).flatMap(([platform, pages]) => [
    { url: pages.login, file: `${platform}/login.html` },
    { url: pages.code, file: `${platform}/code.html` },
  ]),
  { url: xUsernameChallenge, file: 'x/username-challenge.html' },
  // Where the code steps go once accepted.
  { url: 'https://www.instagram.com/', file: 'shared/signed-in.html' },
  { url: 'https://www.facebook.com/', file: 'shared/signed-in.html' },
  { url: 'https://www.tiktok.com/foryou', file: 'shared/signed-in.html' },
  { url: 'https://x.com/home', file: 'shared/signed-in.html' },
  { url: 'https://www.linkedin.com/feed/', file: 'shared/signed-in.html' },
  { url: 'https://accounts.google.com/signin/done', file: 'shared/signed-in.html' },
  { url: hostilePages.lookAlike, file: 'hostile/look-alike.html' },
  { url: hostilePages.plainHttp, file: 'hostile/look-alike.html' },
  { url: hostilePages.framing, file: 'hostile/framing.html' },
  { url: 'https://evil.test/embedded-login', file: 'hostile/look-alike.html' },
  { url: hostilePages.iframeForm, file: 'hostile/iframe-form.html' },
  { url: hostilePages.transparent, file: 'hostile/transparent.html' },
  { url: hostilePages.overlay, file: 'hostile/overlay.html' },
  { url: hostilePages.forged, file: 'hostile/forged.html' },
  { url: hostilePages.evilAction, file: 'hostile/evil-action.html' },
  { url: hostilePages.formBefore, file: 'hostile/form-before.html' },
  { url: hostilePages.baseHref, file: 'hostile/base-href.html' },
  { url: hostilePages.formaction, file: 'hostile/formaction.html' },
];

/** How well `url` fits a page: same origin and path, and each of the page's query parameters present; else -1. */
function fitness(url: URL, page: URL): number {
  if (url.origin !== page.origin || url.pathname !== page.pathname) return -1;
  for (const [name, value] of page.searchParams) if (url.searchParams.get(name) !== value) return -1;
  return [...page.searchParams].length;
}

function pageFor(url: URL, pages: FixturePage[]): FixturePage | undefined {
  let best: FixturePage | undefined;
  let bestFitness = -1;
  for (const page of pages) {
    const score = fitness(url, new URL(page.url));
    if (score > bestFitness) [best, bestFitness] = [page, score];
  }
  return best;
}

/**
 * Routes every request to the fixtures' hosts (and only those) to the fixture files; POSTs are recorded and
 * answered `{"status":"ok"}`. `submissions` fills as pages post; `clear()` empties it between tests.
 */
export async function routePlatforms(context: BrowserContext, pages: FixturePage[] = fixturePages) {
  const submissions: Submission[] = [];
  const hosts = new Set(pages.map((page) => new URL(page.url).host));
  const handle = async (route: Route) => {
    const request = route.request();
    const url = new URL(request.url());
    if (request.method() === 'POST') {
      const fields = Object.fromEntries(new URLSearchParams(request.postData() ?? ''));
      submissions.push({ origin: url.origin, path: url.pathname + url.search, fields });
      return route.fulfill({ status: 200, contentType: 'application/json', body: '{"status":"ok"}' });
    }
    if (url.pathname === '/_fixture/controlled-form.js')
      return route.fulfill({
        contentType: 'text/javascript',
        body: readFileSync(join(fixtures, 'shared/controlled-form.js')),
      });
    const page = pageFor(url, pages);
    if (!page) return route.fulfill({ status: 404, contentType: 'text/plain', body: 'no fixture here' });
    return route.fulfill({ contentType: 'text/html; charset=utf-8', body: readFileSync(join(fixtures, page.file)) });
  };
  await context.route((url) => hosts.has(url.host), handle);
  return { submissions, clear: () => submissions.splice(0) };
}
