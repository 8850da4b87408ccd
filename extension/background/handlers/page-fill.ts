import type { Account } from '@twostep/shared';
import { platformNames } from '@twostep/shared/platforms';
import type { PageProblemCode } from '@/messages/problem.ts';
import { type ApiClient, ApiRequestError } from '../api-client.ts';
import { filledTabs } from '../filled-tabs.ts';
import type { Handlers } from '../intent-handler.ts';
import type { FillOutcome, PageBridge, PageFill } from '../page-bridge-types.ts';

export type PageHandlerDeps = {
  client: () => Promise<ApiClient>;
  /** Absent when the background runs without the platform pages (then nothing is ever filled). */
  bridge?: PageBridge;
  /** The active tab of the last focused window: only its id is used (no `tabs` permission). */
  activeTab: () => Promise<{ id?: number } | undefined>;
};

const refusal = (code: PageProblemCode, message: string) => new ApiRequestError(code, message);

function notThere(account: Account): ApiRequestError {
  if (account.platform === 'other')
    return refusal('wrong_page', 'Twostep fills logins only on the six platforms it knows. Fill this one by hand.');
  // YouTube accounts sign in on Google's pages.
  const name = account.platform === 'youtube' ? 'Google' : platformNames[account.platform];
  return refusal(
    'wrong_page',
    `This tab is not ${name}’s sign-in page. Open ${name}’s login page (over https) in this tab, then try again.`,
  );
}

function notFilled(reason: (FillOutcome & { filled: false })['reason'], account: Account): ApiRequestError {
  if (reason === 'wrong_page') return notThere(account);
  if (reason === 'no_field')
    return refusal(
      'no_field',
      'Twostep found no field here it may fill (it fills only visible fields nothing covers). Fill it by hand.',
    );
  return refusal('page_silent', 'The page did not answer in time. Reload it and try again.');
}

/**
 * `page.status` and `page.fill`. A fill goes only to the active tab, only when its top frame is the account's
 * platform page: that is checked before the password is fetched, and again by the bridge as it hands it over.
 * The audit event is written after the page took the fill, never for a fill that did not happen.
 */
export function pageHandlers({ client, bridge, activeTab }: PageHandlerDeps) {
  return {
    'page.status': async () => {
      const tabId = (await activeTab())?.id;
      const page = tabId === undefined || !bridge ? null : await bridge.pageOf(tabId);
      const filled = page && tabId !== undefined ? await filledTabs.of(tabId) : null;
      return { page, accountId: filled && filled.platform === page?.platform ? filled.accountId : null };
    },
    'page.fill': async ({ accountId, kind, code }) => {
      const api = await client();
      const { account } = await api.getAccount(accountId);
      const tabId = (await activeTab())?.id;
      const page = tabId === undefined || !bridge ? null : await bridge.pageOf(tabId);
      if (!bridge || tabId === undefined || page?.platform !== account.platform) throw notThere(account);
      let fill: PageFill;
      if (kind === 'login') {
        const secret = await api.getSecret(accountId); // 403 unlock_required unless unlocked
        if (secret.password === null)
          throw refusal('no_password', 'No password is stored for this account yet. Ask your team lead.');
        fill = { kind, loginName: secret.loginName ?? account.loginName, password: secret.password };
      } else {
        // A code is the member's own, but its fill is audited like the login's: only while unlocked.
        const { unlockedUntil } = await api.unlockStatus(accountId);
        if (!unlockedUntil)
          throw new ApiRequestError('unlock_required', 'This account is locked again. Sign in with a new code.', 403);
        fill = { kind, code: code ?? '' };
      }
      const outcome = await bridge.fill(tabId, account.platform, fill);
      if (!outcome.filled) throw notFilled(outcome.reason, account);
      await api.loginFilled(accountId, kind);
      await filledTabs.remember(tabId, { accountId, platform: account.platform });
      return { filled: true as const, submitted: outcome.submitted };
    },
  } satisfies Partial<Handlers>;
}
