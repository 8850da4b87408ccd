import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { isExtensionPage, listenForIntents } from './intent-listener.ts';

const base = () => fakeBrowser.runtime.getURL('/');
// Chrome passes sendResponse as a third argument; the fake's types know only two.
const trigger = (...args: unknown[]) =>
  (fakeBrowser.runtime.onMessage.trigger as (...args: unknown[]) => Promise<unknown[]>)(...args);
const popup = () => ({ id: fakeBrowser.runtime.id, url: `${base()}popup.html` });

/** Delivers one message as Chrome would; a refusal or a silence is decided synchronously. */
async function deliver(message: unknown, sender: object) {
  const sendResponse = vi.fn();
  const [keepOpen] = await trigger(message, sender, sendResponse);
  return { keepOpen, sendResponse };
}

describe('intents from other contexts', () => {
  beforeEach(() => fakeBrowser.reset());

  it("are accepted from this extension's own pages only", () => {
    expect(isExtensionPage(popup(), fakeBrowser.runtime.id, base())).toBe(true);
    const contentScript = { id: fakeBrowser.runtime.id, url: 'https://www.instagram.com/accounts/login/' };
    expect(isExtensionPage(contentScript, fakeBrowser.runtime.id, base())).toBe(false);
    const otherExtension = { id: 'another-extension', url: 'chrome-extension://another-extension/popup.html' };
    expect(isExtensionPage(otherExtension, fakeBrowser.runtime.id, base())).toBe(false);
    expect(isExtensionPage({ id: fakeBrowser.runtime.id }, fakeBrowser.runtime.id, base())).toBe(false);
  });

  it('are ignored, unanswered, when a content script sends them', async () => {
    const handle = vi.fn();
    listenForIntents(handle);
    const sender = { id: fakeBrowser.runtime.id, url: 'https://www.instagram.com/' };
    const { keepOpen, sendResponse } = await deliver({ type: 'secret.get', accountId: 'a1' }, sender);
    expect(keepOpen).toBe(false);
    expect(handle).not.toHaveBeenCalled();
    expect(sendResponse).not.toHaveBeenCalled();
  });

  it('are refused when they do not have the shape of an intent', async () => {
    const handle = vi.fn();
    listenForIntents(handle);
    for (const message of [
      { type: 'secret.get' },
      { type: 'secret.get', accountId: '../../members' },
      { type: 'challenge.verify', challengeId: 'c1', code: '12345' },
      { type: 'session.get', extra: true },
      { type: 'token.get' },
      'session.get',
    ]) {
      const { sendResponse } = await deliver(message, popup());
      expect(sendResponse).toHaveBeenCalledWith(expect.objectContaining({ ok: false }));
    }
    expect(handle).not.toHaveBeenCalled();
  });

  it('are handed to the handler and answered asynchronously', async () => {
    const handle = vi.fn(async () => ({ ok: true as const, data: { unlockedUntil: null, pending: null } }));
    listenForIntents(handle);
    const sendResponse = vi.fn();
    const [keepOpen] = await trigger({ type: 'unlock.status', accountId: 'a1' }, popup(), sendResponse);
    expect(keepOpen).toBe(true);
    await vi.waitFor(() =>
      expect(sendResponse).toHaveBeenCalledWith({ ok: true, data: { unlockedUntil: null, pending: null } }),
    );
    expect(handle).toHaveBeenCalledWith({ type: 'unlock.status', accountId: 'a1' });
  });
});
