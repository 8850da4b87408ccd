import { type Challenge, limits } from '@twostep/shared';
import { clockSkew } from '@/messages/clock.ts';
import type { ChallengeView, Intent, IntentMap, IntentType, Reply, SessionView } from '@/messages/intents.ts';
import { challengeOver, type Problem } from '@/messages/problem.ts';
import { type ApiClient, ApiRequestError } from './api-client.ts';
import { accountActionHandlers } from './handlers/account-actions.ts';
import { createDashboardHandlers } from './handlers/dashboard.ts';
import { pageHandlers } from './handlers/page-fill.ts';
import type { PageBridge } from './page-bridge-types.ts';
import { insecureServerText, isInsecureServerUrl, normalizeServerUrl } from './server-url.ts';
import type { PendingChallenge, SessionStore } from './session-store.ts';
import { type BadgeDeps, browserBadge, createBadge } from './toolbar-badge.ts';

export type HandlerDeps = {
  session: SessionStore;
  api: (baseUrl: string, token?: string) => ApiClient;
  /** This machine's clock (tests move it). */
  now?: () => number;
  /** The toolbar badge and the active tab's URL (tests pass fakes). */
  badge?: BadgeDeps;
  /** The platform pages: fills and what the active tab shows (absent: nothing is ever filled). */
  page?: PageBridge;
};

export type Handlers = { [K in IntentType]: (payload: IntentMap[K][0]) => Promise<IntentMap[K][1]> };

/** The background's side of the popup's intents: it alone holds the token and talks to the server. */
export function createIntentHandler({ session, api, now = Date.now, badge: badgeDeps, page }: HandlerDeps) {
  const badge = createBadge(badgeDeps, now);
  /** The sign-in waiting for its code, while the server's clock says it has not expired; else forgotten. */
  async function livePending(): Promise<PendingChallenge | null> {
    const pending = await session.pending();
    if (!pending) return null;
    const { challenge, skewMs } = pending;
    const waiting = challenge.status === 'pending' || challenge.status === 'delivery_failed';
    if (waiting && Date.parse(challenge.expiresAt) > now() + skewMs) return pending;
    await session.clearPending();
    return null;
  }

  /** Sends a challenge on, with the server's clock offset, and keeps it as the pending sign-in of its account. */
  async function keep(send: () => Promise<{ challenge: Challenge }>): Promise<ChallengeView> {
    const sentAt = now();
    const { challenge } = await send();
    const skewMs = clockSkew(challenge.expiresAt, sentAt, now());
    await session.setPending({ accountId: challenge.accountId, challengeId: challenge.id, challenge, skewMs });
    return { challenge, skewMs };
  }

  /** Runs a call about the pending challenge, forgetting it when the answer says it is over. */
  async function about<T>(challengeId: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof ApiRequestError && challengeOver.has(error.code)) await forget(challengeId);
      throw error;
    }
  }

  async function forget(challengeId: string) {
    if ((await session.pending())?.challengeId === challengeId) await session.clearPending();
  }

  async function view(): Promise<SessionView> {
    const current = await session.current();
    return {
      serverUrl: current?.serverUrl ?? (await session.serverUrl()),
      member: current?.member ?? null,
      pendingAccountId: current ? ((await livePending())?.accountId ?? null) : null,
    };
  }

  async function client(): Promise<ApiClient> {
    const current = await session.current();
    if (!current) throw new ApiRequestError('unauthorized', 'Sign in first.', 401);
    return api(current.serverUrl, current.token);
  }

  /** The address as typed, made safe to send a password to; else an invalid_request the form shows. */
  function serverAddress(serverUrl: string): string {
    const url = normalizeServerUrl(serverUrl);
    if (!url) throw new ApiRequestError('invalid_request', 'Enter the server address, like http://127.0.0.1:8787.');
    if (isInsecureServerUrl(url)) throw new ApiRequestError('invalid_request', insecureServerText);
    return url;
  }

  /** Signs in by whatever route gives a session (password, setup, invite), keeping the token here. */
  async function startSession(
    serverUrl: string,
    open: (api: ApiClient) => Promise<{ token: string; member: SessionView['member'] & object }>,
  ): Promise<SessionView> {
    const url = serverAddress(serverUrl);
    const { token, member } = await open(api(url));
    await session.clear();
    await session.save({ serverUrl: url, token, member });
    await badge.signedIn(member, api(url, token));
    return { serverUrl: url, member, pendingAccountId: null };
  }

  const handlers: Handlers = {
    ...accountActionHandlers({ api, client, keep, about, serverAddress, startSession, badge }),
    'session.get': view,
    'session.signIn': ({ serverUrl, email, password }) =>
      startSession(serverUrl, (api) => api.signIn({ email, password })),
    'session.signOut': async () => {
      const current = await session.current();
      await badge.clear();
      await session.clear();
      // Forgotten here first; the server is told too, but an unreachable server must not keep anyone signed in.
      if (current)
        await api(current.serverUrl, current.token)
          .signOut()
          .catch(() => undefined);
      return view();
    },
    'accounts.list': async () => {
      const api = await client();
      const page = await api.listAccounts({ limit: limits.listMax });
      const current = await session.current();
      if (current) await badge.afterList(current.member, page.accounts, api);
      return { accounts: page.accounts, complete: page.next === null };
    },
    'account.get': async ({ accountId }) => (await client()).getAccount(accountId),
    'unlock.status': async ({ accountId }) => {
      const { unlockedUntil } = await (await client()).unlockStatus(accountId);
      const pending = await livePending();
      if (pending?.accountId !== accountId) return { unlockedUntil, pending: null };
      // An unlock waiting for its code is done once unlocked; a number change started while unlocked is not.
      if (unlockedUntil && pending.challenge.purpose === 'unlock') {
        await session.clearPending();
        return { unlockedUntil, pending: null };
      }
      return { unlockedUntil, pending: { challenge: pending.challenge, skewMs: pending.skewMs } };
    },
    'unlock.start': async ({ accountId }) => {
      const api = await client();
      return keep(() => api.startUnlock(accountId));
    },
    'challenge.verify': async ({ challengeId, code }) => {
      const api = await client();
      const verified = await about(challengeId, () => api.verify(challengeId, code));
      await forget(challengeId);
      return verified;
    },
    'challenge.resend': async ({ challengeId }) => {
      const api = await client();
      return keep(() => about(challengeId, () => api.resend(challengeId)));
    },
    'secret.get': async ({ accountId }) => (await client()).getSecret(accountId),
    ...createDashboardHandlers(client),
    ...pageHandlers({ client, bridge: page, activeTab: (badgeDeps ?? browserBadge).activeTab }),
  };

  return async function handle(intent: Intent): Promise<Reply> {
    const { type, ...payload } = intent;
    try {
      const run = handlers[type] as (payload: unknown) => Promise<unknown>;
      return { ok: true, data: (await run(payload)) as IntentMap[IntentType][1] };
    } catch (error) {
      const problem: Problem =
        error instanceof ApiRequestError
          ? error.toProblem()
          : { code: 'internal_error', message: 'Something went wrong in the extension.', status: 0, details: {} };
      // A token the server no longer accepts (expired, revoked, member removed) is dropped at once.
      if (problem.code === 'unauthorized') {
        await session.clear();
        await badge.clear();
      }
      return { ok: false, problem };
    }
  };
}

export type IntentHandler = ReturnType<typeof createIntentHandler>;
