import { type Browser, browser } from 'wxt/browser';
import { pageMessageSchema } from '@/messages/page-messages.ts';
import { originOfUrl } from '@/messages/platform-pages.ts';
import { createPageBridge, type PageDesk, type PageFrame } from './page-bridge.ts';
import type { PageBridge } from './page-bridge-types.ts';

/**
 * The content script's messages (separate from intent-listener.ts, which takes only the extension's own pages).
 * The frame a message comes from is what the browser says: this extension's content script, in a tab, in its top
 * frame, at an https origin that its URL agrees with. What the message says never names the tab or the origin.
 */
export function senderFrame(sender: Browser.runtime.MessageSender, runtimeId: string): PageFrame | null {
  const tabId = sender.tab?.id;
  if (sender.id !== runtimeId || typeof tabId !== 'number' || tabId < 0 || sender.frameId !== 0) return null;
  const fromUrl = originOfUrl(sender.url);
  const origin = sender.origin ?? fromUrl;
  if (!fromUrl || origin !== fromUrl) return null;
  // Chromium: only a document being shown (not prerendered, not in the back/forward cache) may claim or report.
  if (sender.documentLifecycle !== undefined && sender.documentLifecycle !== 'active') return null;
  return sender.documentId ? { tabId, origin, documentId: sender.documentId } : { tabId, origin };
}

export function listenForPages(desk: PageDesk) {
  browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
    const frame = senderFrame(sender, browser.runtime.id);
    if (!frame) return false;
    const parsed = pageMessageSchema.safeParse(message);
    if (!parsed.success) return false;
    if (parsed.data.type === 'page.claim') sendResponse(desk.claim(parsed.data.nonce, frame));
    else {
      desk.seen(parsed.data.nonce, parsed.data.step, frame);
      sendResponse({ ok: true });
    }
    return false;
  });
}

/** The bridge the intent handler takes as a dependency, with its listener registered. */
export function startPageBridge(): PageBridge {
  const { bridge, desk } = createPageBridge();
  listenForPages(desk);
  return bridge;
}
