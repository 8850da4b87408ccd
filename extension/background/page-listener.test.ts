import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import type { Poke } from '@/messages/page-messages.ts';
import { createPageBridge } from './page-bridge.ts';
import type { PageFill } from './page-bridge-types.ts';
import { listenForPages } from './page-listener.ts';

// Chrome passes sendResponse as a third argument; the fake's types know only two.
const trigger = (...args: unknown[]) =>
  (fakeBrowser.runtime.onMessage.trigger as (...args: unknown[]) => Promise<unknown[]>)(...args);

const login: PageFill = { kind: 'login', loginName: 'team@acme.test', password: 'correct horse battery' };
const tabId = 7;
const instagram = 'https://www.instagram.com';

/** The sender Chrome reports for our content script in the top frame of `tabId` on Instagram's login page. */
const contentScript = (changes: Record<string, unknown> = {}) => ({
  id: fakeBrowser.runtime.id,
  tab: { id: tabId },
  frameId: 0,
  url: `${instagram}/accounts/login/`,
  origin: instagram,
  ...changes,
});

/** Delivers one message as Chrome would, and answers what the listeners replied (undefined for silence). */
async function deliver(message: unknown, sender: object): Promise<unknown> {
  let reply: unknown;
  await trigger(message, sender, (answer: unknown) => {
    reply = answer;
  });
  return reply;
}

let clock = 0;
let pokes: Poke[] = [];

/**
 * A bridge whose pokes reach a stand-in for the content script: it claims the fill through the real listener
 * with `sender` (after `wait` ms on the fake clock), and answers the poke as the real one does.
 */
function bridgeWith(sender: object, options: { wait?: number; message?: (nonce: string) => unknown } = {}) {
  const { bridge, desk } = createPageBridge({
    now: () => clock,
    sendToTab: async (_tab, poke) => {
      pokes.push(poke);
      if (poke.type === 'twostep.probe') {
        await deliver(options.message?.(poke.nonce) ?? { type: 'page.seen', nonce: poke.nonce, step: 'login' }, sender);
        return { ok: true };
      }
      clock += options.wait ?? 0;
      const reply = (await deliver(
        options.message?.(poke.nonce) ?? { type: 'page.claim', nonce: poke.nonce },
        sender,
      )) as { ok: boolean; fill?: PageFill } | undefined;
      claims.push(reply);
      return reply?.ok ? { filled: true, submitted: true } : { filled: false, reason: 'refused' };
    },
  });
  listenForPages(desk);
  return bridge;
}
let claims: unknown[] = [];

describe('a fill handed to a platform page', () => {
  afterEach(() => vi.useRealTimers());
  beforeEach(() => {
    fakeBrowser.reset();
    clock = 1_000_000;
    pokes = [];
    claims = [];
  });

  it('goes to our content script in the chosen tab’s top frame on the platform’s https origin', async () => {
    const bridge = bridgeWith(contentScript());
    expect(await bridge.fill(tabId, 'instagram', login)).toEqual({ filled: true, submitted: true });
    expect(claims).toEqual([{ ok: true, fill: login }]);
  });

  it('is not in the poke: the poke carries a fresh nonce and the kind only', async () => {
    const bridge = bridgeWith(contentScript());
    await bridge.fill(tabId, 'instagram', login);
    await bridge.fill(tabId, 'instagram', login);
    expect(pokes).toHaveLength(2);
    expect(JSON.stringify(pokes)).not.toContain('correct horse');
    expect(JSON.stringify(pokes)).not.toContain('team@acme.test');
    expect(pokes[0]!.nonce).not.toBe(pokes[1]!.nonce);
  });

  it('is refused to another extension', async () => {
    const bridge = bridgeWith(contentScript({ id: 'another-extension' }));
    expect(await bridge.fill(tabId, 'instagram', login)).toEqual({ filled: false, reason: 'expired' });
    expect(claims).toEqual([undefined]);
  });

  it('is refused to another tab, and to a sender in no tab (an extension page)', async () => {
    for (const sender of [contentScript({ tab: { id: tabId + 1 } }), contentScript({ tab: undefined })]) {
      claims = [];
      const bridge = bridgeWith(sender);
      expect(await bridge.fill(tabId, 'instagram', login)).toEqual({ filled: false, reason: 'expired' });
      expect(claims).toEqual([sender.tab ? { ok: false } : undefined]);
    }
  });

  it('is refused to a frame other than the top one', async () => {
    const bridge = bridgeWith(contentScript({ frameId: 3 }));
    expect(await bridge.fill(tabId, 'instagram', login)).toEqual({ filled: false, reason: 'expired' });
    expect(claims).toEqual([undefined]);
  });

  it('is refused to a look-alike, to http, to another port and to another platform’s page, as the wrong page', async () => {
    for (const origin of [
      'https://www.instagram.com.evil.test',
      'https://www.facebook.com',
      'https://www.instagram.com:8443',
    ]) {
      claims = [];
      const bridge = bridgeWith(contentScript({ origin, url: `${origin}/accounts/login/` }));
      expect(await bridge.fill(tabId, 'instagram', login), origin).toEqual({ filled: false, reason: 'wrong_page' });
      expect(claims).toEqual([{ ok: false }]);
    }
    claims = [];
    const http = bridgeWith(contentScript({ origin: 'http://www.instagram.com', url: 'http://www.instagram.com/' }));
    expect(await http.fill(tabId, 'instagram', login)).toEqual({ filled: false, reason: 'expired' });
    expect(claims).toEqual([undefined]);
  });

  it('is refused when the sender’s origin and its URL disagree', async () => {
    const bridge = bridgeWith(contentScript({ url: 'https://www.instagram.com.evil.test/accounts/login/' }));
    expect(await bridge.fill(tabId, 'instagram', login)).toEqual({ filled: false, reason: 'expired' });
    expect(claims).toEqual([undefined]);
  });

  it('goes by the URL’s origin where the browser reports none (Firefox), and to no sender without a URL', async () => {
    const firefox = bridgeWith(contentScript({ origin: undefined }));
    expect(await firefox.fill(tabId, 'instagram', login)).toEqual({ filled: true, submitted: true });
    claims = [];
    const noUrl = bridgeWith(contentScript({ url: undefined }));
    expect(await noUrl.fill(tabId, 'instagram', login)).toEqual({ filled: false, reason: 'expired' });
    expect(claims).toEqual([undefined]);
  });

  it('is refused once its 10 s window has passed', async () => {
    const late = bridgeWith(contentScript(), { wait: 10_001 });
    expect(await late.fill(tabId, 'instagram', login)).toEqual({ filled: false, reason: 'expired' });
    expect(claims).toEqual([{ ok: false }]);
    claims = [];
    const inTime = bridgeWith(contentScript(), { wait: 9_999 });
    expect(await inTime.fill(tabId, 'instagram', login)).toEqual({ filled: true, submitted: true });
  });

  it('is handed over once: a second claim with the same nonce gets nothing', async () => {
    let second: unknown;
    const { bridge, desk } = createPageBridge({
      now: () => clock,
      sendToTab: async (_tab, poke) => {
        const first = await deliver({ type: 'page.claim', nonce: poke.nonce }, contentScript());
        second = await deliver({ type: 'page.claim', nonce: poke.nonce }, contentScript());
        return (first as { ok: boolean }).ok
          ? { filled: true, submitted: false }
          : { filled: false, reason: 'refused' };
      },
    });
    listenForPages(desk);
    expect(await bridge.fill(tabId, 'instagram', login)).toEqual({ filled: true, submitted: false });
    expect(second).toEqual({ ok: false });
  });

  it('is refused to a claim with another nonce, or in any other shape', async () => {
    for (const message of [
      () => ({ type: 'page.claim', nonce: crypto.randomUUID() }),
      (nonce: string) => ({ type: 'page.claim', nonce, tabId }),
      (nonce: string) => ({ type: 'page.claim', nonce: nonce.toUpperCase().replace(/-/g, '') }),
      (nonce: string) => ({ type: 'twostep.claim', nonce }),
      (nonce: string) => JSON.stringify({ type: 'page.claim', nonce }),
    ]) {
      claims = [];
      const bridge = bridgeWith(contentScript(), { message });
      expect(await bridge.fill(tabId, 'instagram', login)).toEqual({ filled: false, reason: 'expired' });
      expect(claims).toHaveLength(1);
      expect(claims[0]).not.toEqual(expect.objectContaining({ ok: true }));
    }
  });

  it('is forgotten when unclaimed: a claim after the fill gave up gets nothing', async () => {
    let nonce = '';
    const { bridge, desk } = createPageBridge({
      now: () => clock,
      sendToTab: async (_tab, poke) => {
        nonce = poke.nonce;
        return undefined;
      },
    });
    listenForPages(desk);
    expect(await bridge.fill(tabId, 'instagram', login)).toEqual({ filled: false, reason: 'expired' });
    expect(await deliver({ type: 'page.claim', nonce }, contentScript())).toEqual({ ok: false });
  });

  it('is dropped from memory after its window even while the poke is still unanswered', async () => {
    vi.useFakeTimers();
    let nonce = '';
    let answer: (value: unknown) => void = () => undefined;
    const { bridge, desk } = createPageBridge({
      now: () => clock, // the clock stands still: only the forgetting can refuse the claim below
      sendToTab: (_tab, poke) => {
        nonce = poke.nonce;
        return new Promise((done) => {
          answer = done;
        });
      },
    });
    listenForPages(desk);
    const outcome = bridge.fill(tabId, 'instagram', login);
    await vi.advanceTimersByTimeAsync(10_001);
    expect(await deliver({ type: 'page.claim', nonce }, contentScript())).toEqual({ ok: false });
    answer({ filled: false, reason: 'refused' });
    expect(await outcome).toEqual({ filled: false, reason: 'expired' });
  });

  it('gives up on a page that never answers its poke', async () => {
    vi.useFakeTimers();
    const { bridge } = createPageBridge({ sendToTab: () => new Promise(() => undefined) });
    const outcome = bridge.fill(tabId, 'instagram', login);
    await vi.advanceTimersByTimeAsync(25_001);
    expect(await outcome).toEqual({ filled: false, reason: 'no_page' });
  });

  it('answers no_page when nothing of ours listens in the tab, and no_field when the page found no safe field', async () => {
    const nobody = createPageBridge({ sendToTab: () => Promise.reject(new Error('Receiving end does not exist.')) });
    expect(await nobody.bridge.fill(tabId, 'instagram', login)).toEqual({ filled: false, reason: 'no_page' });
    const { bridge, desk } = createPageBridge({
      sendToTab: async (_tab, poke) => {
        await deliver({ type: 'page.claim', nonce: poke.nonce }, contentScript());
        return { filled: false, reason: 'no_field' };
      },
    });
    listenForPages(desk);
    expect(await bridge.fill(tabId, 'instagram', login)).toEqual({ filled: false, reason: 'no_field' });
  });

  it('never touches extension storage', async () => {
    const bridge = bridgeWith(contentScript());
    await bridge.fill(tabId, 'instagram', login);
    for (const area of [fakeBrowser.storage.local, fakeBrowser.storage.session, fakeBrowser.storage.sync])
      expect(await area.get(null)).toEqual({});
  });
});

describe('the page of a tab', () => {
  beforeEach(() => fakeBrowser.reset());

  it('is named by the sender’s origin, with the step the page reports', async () => {
    expect(await bridgeWith(contentScript()).pageOf(tabId)).toEqual({
      platform: 'instagram',
      origin: instagram,
      step: 'login',
    });
    const x = contentScript({ origin: 'https://x.com', url: 'https://x.com/i/flow/login' });
    expect(await bridgeWith(x).pageOf(tabId)).toEqual({ platform: 'x', origin: 'https://x.com', step: 'login' });
  });

  it('is none when the report comes from another tab, another frame, a look-alike, or says its own platform', async () => {
    const evil = 'https://www.instagram.com.evil.test';
    for (const sender of [
      contentScript({ tab: { id: tabId + 1 } }),
      contentScript({ frameId: 1 }),
      contentScript({ origin: evil, url: `${evil}/accounts/login/` }),
      contentScript({ id: 'another-extension' }),
    ])
      expect(await bridgeWith(sender).pageOf(tabId)).toBeNull();
    const says = (nonce: string) => ({ type: 'page.seen', nonce, step: 'code', platform: 'facebook' });
    expect(await bridgeWith(contentScript(), { message: says }).pageOf(tabId)).toBeNull();
  });

  it('is none when nothing of ours answers in the tab', async () => {
    const { bridge } = createPageBridge({
      sendToTab: () => Promise.reject(new Error('Receiving end does not exist.')),
    });
    expect(await bridge.pageOf(tabId)).toBeNull();
  });
});

describe('the document a fill goes to (Chromium names it; Firefox does not)', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    clock = 1_000_000;
  });

  /** A bridge whose pokes are answered by `probeFrom` (the probe) and `claimFrom` (the claim), recording documents. */
  function documentBridge(probeFrom: object, claimFrom: object = probeFrom) {
    const poked: (string | undefined)[] = [];
    const { bridge, desk } = createPageBridge({
      now: () => clock,
      sendToTab: async (_tab, poke, documentId) => {
        poked.push(documentId);
        if (poke.type === 'twostep.probe') {
          await deliver({ type: 'page.seen', nonce: poke.nonce, step: 'login' }, probeFrom);
          return { ok: true };
        }
        const reply = (await deliver({ type: 'page.claim', nonce: poke.nonce }, claimFrom)) as { ok: boolean };
        return reply?.ok ? { filled: true, submitted: true } : { filled: false, reason: 'refused' };
      },
    });
    listenForPages(desk);
    return { bridge, poked };
  }

  it('is the one the page was seen in: the poke names it, and that document claims', async () => {
    const { bridge, poked } = documentBridge(contentScript({ documentId: 'DOC-1', documentLifecycle: 'active' }));
    expect(await bridge.pageOf(tabId)).toMatchObject({ platform: 'instagram' });
    expect(await bridge.fill(tabId, 'instagram', login)).toEqual({ filled: true, submitted: true });
    expect(poked).toEqual([undefined, 'DOC-1']);
  });

  it('is refused to another document of the same origin in the tab, as the wrong page', async () => {
    const { bridge } = documentBridge(contentScript({ documentId: 'DOC-1' }), contentScript({ documentId: 'DOC-2' }));
    await bridge.pageOf(tabId);
    expect(await bridge.fill(tabId, 'instagram', login)).toEqual({ filled: false, reason: 'wrong_page' });
  });

  it('is refused to a document that is not being shown (prerendered, or in the back/forward cache)', async () => {
    for (const documentLifecycle of ['prerender', 'cached', 'pending_deletion']) {
      const hidden = contentScript({ documentId: 'DOC-1', documentLifecycle });
      const { bridge } = documentBridge(hidden);
      expect(await bridge.pageOf(tabId), documentLifecycle).toBeNull();
      expect(await bridge.fill(tabId, 'instagram', login), documentLifecycle).toEqual({
        filled: false,
        reason: 'expired',
      });
    }
  });

  it('is refused to a named document when no page was seen first (a fill armed with no document)', async () => {
    const { bridge } = documentBridge(contentScript({ documentId: 'DOC-1' }));
    expect(await bridge.fill(tabId, 'instagram', login)).toEqual({ filled: false, reason: 'wrong_page' });
  });

  it('keeps the document seen while another look at the tab goes unanswered, until one answers', async () => {
    let answering = true;
    const poked: (string | undefined)[] = [];
    const from = contentScript({ documentId: 'DOC-1' });
    const { bridge, desk } = createPageBridge({
      now: () => clock,
      probeMs: 50,
      sendToTab: async (_tab, poke, documentId) => {
        poked.push(documentId);
        if (poke.type === 'twostep.probe') {
          if (!answering) return new Promise(() => undefined); // a probe still waiting
          await deliver({ type: 'page.seen', nonce: poke.nonce, step: 'login' }, from);
          return { ok: true };
        }
        const reply = (await deliver({ type: 'page.claim', nonce: poke.nonce }, from)) as { ok: boolean };
        return reply?.ok ? { filled: true, submitted: true } : { filled: false, reason: 'refused' };
      },
    });
    listenForPages(desk);
    await bridge.pageOf(tabId);
    answering = false;
    // The popup's re-check starts beside the fill: the fill still goes to DOC-1.
    const [, filled] = await Promise.all([bridge.pageOf(tabId), bridge.fill(tabId, 'instagram', login)]);
    expect(filled).toEqual({ filled: true, submitted: true });
    expect(poked.at(-1)).toBe('DOC-1');
  });

  it('is the tab’s top frame where the browser names no document (Firefox)', async () => {
    const { bridge, poked } = documentBridge(contentScript());
    await bridge.pageOf(tabId);
    expect(await bridge.fill(tabId, 'instagram', login)).toEqual({ filled: true, submitted: true });
    expect(poked).toEqual([undefined, undefined]);
  });
});
