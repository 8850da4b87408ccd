import { browser } from 'wxt/browser';
import { type ClaimReply, fillReplySchema, type Poke } from '@/messages/page-messages.ts';
import { type PagePlatform, platformOfOrigin, platformOrigins } from '@/messages/platform-pages.ts';
import type { FillOutcome, PageBridge, PageFill, PageReport, PageStep } from './page-bridge-types.ts';

/**
 * The background's side of the platform pages. A fill is armed in memory only (never storage) under a fresh
 * nonce for one tab and one origin, for `claimMs`; the poke to the tab's top frame carries only the nonce; the
 * content script there pulls the fill by claiming it (page-listener.ts checks who claims), once.
 */

/**
 * A claim or a report from a frame, as the browser vouches for it (page-listener.ts checks the rest). Chromium
 * also names the document (`sender.documentId`); Firefox does not, and then the tab's top frame is all we know.
 */
export type PageFrame = { tabId: number; origin: string; documentId?: string };

/** What page-listener.ts hands the content script's messages to. */
export type PageDesk = {
  claim(nonce: string, from: PageFrame): ClaimReply;
  seen(nonce: string, step: PageStep, from: PageFrame): void;
};

export type PageBridgeDeps = {
  /**
   * browser.tabs.sendMessage to the tab's top frame (frameId 0), and only to that document when its id is known;
   * rejects when nobody listens there.
   */
  sendToTab?: (tabId: number, poke: Poke, documentId?: string) => Promise<unknown>;
  now?: () => number;
  newNonce?: () => string;
  claimMs?: number;
  /** How long a poke may wait for the page's answer (a claim, up to a two-screen login's second screen). */
  answerMs?: number;
  probeMs?: number;
};

type ArmedFill = { tabId: number; origin: string; documentId?: string; fill: PageFill; expiresAt: number };
type FillTicket = { claimed: boolean; wrongPage: boolean };
type Probe = { tabId: number; report: PageReport | null };

const refused: ClaimReply = { ok: false };
const toTopFrame = (tabId: number, poke: Poke, documentId?: string) =>
  browser.tabs.sendMessage(tabId, poke, documentId ? { frameId: 0, documentId } : { frameId: 0 });

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error('no answer in time')), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

export function createPageBridge(deps: PageBridgeDeps = {}): { bridge: PageBridge; desk: PageDesk } {
  const sendToTab = deps.sendToTab ?? toTopFrame;
  const now = deps.now ?? Date.now;
  const newNonce = deps.newNonce ?? (() => crypto.randomUUID());
  const claimMs = deps.claimMs ?? 10_000;
  const answerMs = deps.answerMs ?? 25_000;
  const probeMs = deps.probeMs ?? 3_000;
  const armed = new Map<string, ArmedFill>();
  const tickets = new Map<string, FillTicket>();
  const probes = new Map<string, Probe>();
  /** The document each tab's top frame last reported from (pageOf), so a fill goes to that document only. */
  const documents = new Map<number, string>();

  const desk: PageDesk = {
    claim(nonce, from) {
      const fill = armed.get(nonce);
      const ticket = tickets.get(nonce);
      if (!fill || !ticket) return refused;
      armed.delete(nonce); // one claim only, right or wrong
      if (now() > fill.expiresAt || from.tabId !== fill.tabId) return refused;
      // Where the browser names documents (Chromium), the claim must come from the one pageOf saw, and one was seen.
      const otherDocument = from.documentId !== undefined && from.documentId !== fill.documentId;
      if (from.origin !== fill.origin || otherDocument) {
        ticket.wrongPage = true;
        return refused;
      }
      ticket.claimed = true;
      return { ok: true, fill: fill.fill };
    },
    seen(nonce, step, from) {
      const probe = probes.get(nonce);
      const platform = platformOfOrigin(from.origin);
      if (!probe || probe.report || probe.tabId !== from.tabId || !platform) return;
      probe.report = { platform, origin: from.origin, step };
      if (from.documentId) documents.set(from.tabId, from.documentId);
      else documents.delete(from.tabId);
    },
  };

  async function fill(tabId: number, platform: PagePlatform | 'other', pageFill: PageFill): Promise<FillOutcome> {
    if (platform === 'other') return { filled: false, reason: 'wrong_page' };
    const nonce = newNonce();
    const ticket: FillTicket = { claimed: false, wrongPage: false };
    const documentId = documents.get(tabId);
    const origin = platformOrigins[platform];
    armed.set(nonce, { tabId, origin, documentId, fill: pageFill, expiresAt: now() + claimMs });
    tickets.set(nonce, ticket);
    const forget = setTimeout(() => armed.delete(nonce), claimMs);
    let answer: unknown;
    let reached = true;
    try {
      answer = await within(
        sendToTab(tabId, { type: 'twostep.fill', nonce, kind: pageFill.kind }, documentId),
        answerMs,
      );
    } catch {
      reached = false;
    } finally {
      clearTimeout(forget);
      armed.delete(nonce);
      tickets.delete(nonce);
    }
    if (ticket.wrongPage) return { filled: false, reason: 'wrong_page' };
    if (!ticket.claimed) return { filled: false, reason: reached ? 'expired' : 'no_page' };
    const reply = fillReplySchema.safeParse(answer);
    if (reply.success && reply.data.filled) return { filled: true, submitted: reply.data.submitted };
    return { filled: false, reason: 'no_field' };
  }

  async function pageOf(tabId: number): Promise<PageReport | null> {
    const nonce = newNonce();
    const probe: Probe = { tabId, report: null };
    probes.set(nonce, probe);
    // The document is replaced only by an answer (`seen`), so a probe running beside a fill (the popup's
    // re-check) cannot leave that fill without one.
    try {
      await within(sendToTab(tabId, { type: 'twostep.probe', nonce }), probeMs);
    } catch {
      documents.delete(tabId);
      return null;
    } finally {
      probes.delete(nonce);
    }
    return probe.report;
  }

  return { bridge: { pageOf, fill }, desk };
}
