import type { FillKind, PageReport } from '@/background/page-bridge-types.ts';

/** What the popup learns of the active tab: the platform page there, and the account filled on it, if any. */
export type PageStatusView = { page: PageReport | null; accountId: string | null };

/**
 * The popup's intents for the platform pages. The popup never talks to a page: the background finds the active
 * tab, checks it is the account's platform, fetches what to fill and hands it to that tab's top frame only.
 */
export type PageIntents = {
  'page.status': [Record<never, never>, PageStatusView];
  /** `code` only for kinds 'code' and 'backup_code'; a login fill fetches the password in the background. */
  'page.fill': [{ accountId: string; kind: FillKind; code?: string }, { filled: true; submitted: boolean }];
};
