import type { Platform } from '@twostep/shared';

/**
 * The background's side of the platform pages (built in `page-bridge.ts`). The popup never talks to a page: it
 * asks the background, which talks only to the content script in the top frame of the tab the member chose.
 */

/** What the top frame of a tab shows, as Twostep's content script reads it there. */
export type PageStep = 'login' | 'code' | 'other';
/** The three fills, named as in the `login.filled` audit event's step. */
export type FillKind = 'login' | 'code' | 'backup_code';

export type PageReport = { platform: Platform; origin: string; step: PageStep };

export type PageFill =
  | { kind: 'login'; loginName: string | null; password: string }
  | { kind: 'code' | 'backup_code'; code: string };

export type FillOutcome =
  | { filled: true; submitted: boolean }
  /**
   * no_page: no content script of ours in the tab's top frame; wrong_page: that frame is not `platform`'s https
   * origin; no_field: no field it may fill (hidden, covered, transparent, or none); expired: the page did not
   * claim the fill within its short window.
   */
  | { filled: false; reason: 'no_page' | 'wrong_page' | 'no_field' | 'expired' };

export type PageBridge = {
  /** The page in the top frame of `tabId`, asked now; null when none of our content scripts answers there. */
  pageOf(tabId: number): Promise<PageReport | null>;
  /**
   * Hands `fill` to the content script in the top frame of `tabId`, and only if that frame's origin (as the
   * browser reports the sender) is `platform`'s https origin; claimable once, within a short window.
   */
  fill(tabId: number, platform: Platform, fill: PageFill): Promise<FillOutcome>;
};
