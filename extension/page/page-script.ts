import { browser } from 'wxt/browser';
import { claimReplySchema, type FillReply, type Poke, pokeSchema } from '@/messages/page-messages.ts';
import { type PagePlatform, platformOfOrigin } from '@/messages/platform-pages.ts';
import { isTopFrame } from './field-safety.ts';
import { fillPage } from './fill-page.ts';
import { pageStep } from './page-step.ts';

/**
 * Twostep in a platform's page: it does nothing on its own (nothing on load, no UI), and answers only the
 * background's pokes. A fill is pulled from the background with the poke's nonce; the background decides, from
 * what the browser says about this frame, whether to hand it over.
 */

const refused: FillReply = { filled: false, reason: 'refused' };

async function claimAndFill(platform: PagePlatform, nonce: string): Promise<FillReply> {
  const reply = claimReplySchema.safeParse(await browser.runtime.sendMessage({ type: 'page.claim', nonce }));
  if (!reply.success || !reply.data.ok) return refused;
  return fillPage(document, platform, reply.data.fill);
}

async function answer(platform: PagePlatform, poke: Poke): Promise<unknown> {
  if (poke.type === 'twostep.probe') {
    await browser.runtime.sendMessage({ type: 'page.seen', nonce: poke.nonce, step: pageStep(document, platform) });
    return { ok: true };
  }
  return claimAndFill(platform, poke.nonce);
}

export function startPageScript() {
  const platform = platformOfOrigin(location.origin);
  if (!platform || !isTopFrame()) return;
  browser.runtime.onMessage.addListener((message, sender, sendResponse) => {
    // Only the background: same extension, and not from any tab's content script.
    if (sender.id !== browser.runtime.id || sender.tab) return false;
    const poke = pokeSchema.safeParse(message);
    if (!poke.success) return false;
    answer(platform, poke.data).then(sendResponse, () => sendResponse(refused));
    return true;
  });
}
