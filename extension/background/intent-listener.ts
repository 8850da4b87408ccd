import { type Browser, browser } from 'wxt/browser';
import type { Reply } from '@/messages/intents.ts';
import { createApiClient } from './api-client.ts';
import { createIntentHandler, type IntentHandler } from './intent-handler.ts';
import { intentSchema } from './intent-schema.ts';
import type { PageBridge } from './page-bridge-types.ts';
import { startPageBridge } from './page-listener.ts';
import { sessionStore } from './session-store.ts';

/**
 * Only this extension's own pages (popup, later the dashboard) may send intents: same extension id, and a
 * sender URL inside the extension, which rules out content scripts (their URL is the web page's).
 */
export function isExtensionPage(sender: Browser.runtime.MessageSender, runtimeId: string, baseUrl: string): boolean {
  return sender.id === runtimeId && typeof sender.url === 'string' && sender.url.startsWith(baseUrl);
}

const refused: Reply = {
  ok: false,
  problem: { code: 'invalid_request', message: 'The extension refused a malformed message.', status: 400, details: {} },
};

export function listenForIntents(handle: IntentHandler) {
  const baseUrl = browser.runtime.getURL('/');
  browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
    if (!isExtensionPage(sender, browser.runtime.id, baseUrl)) return false;
    const parsed = intentSchema.safeParse(message);
    if (!parsed.success) {
      sendResponse(refused);
      return false;
    }
    handle(parsed.data).then(sendResponse);
    return true; // the answer comes asynchronously
  });
}

/** The background's whole job: keep storage.session away from content scripts, and answer intents. */
export function startBackground(): { pages: PageBridge } {
  browser.storage.session.setAccessLevel?.({ accessLevel: 'TRUSTED_CONTEXTS' }).catch(() => undefined);
  // The platform pages' content scripts (#7): its own listener; the bridge is what the intent handler may use.
  const pages = startPageBridge();
  listenForIntents(createIntentHandler({ session: sessionStore, api: createApiClient, page: pages }));
  return { pages };
}
