import { limits } from '@twostep/shared';
import { type ApiClient, ApiRequestError, type Problem } from './api-client.ts';
import type { Intent, IntentMap, IntentType, Reply, SessionView } from './intents.ts';
import { normalizeServerUrl } from './server-url.ts';
import type { SessionStore } from './session-store.ts';

export type HandlerDeps = {
  session: SessionStore;
  api: (baseUrl: string, token?: string) => ApiClient;
};

type Handlers = { [K in IntentType]: (payload: IntentMap[K][0]) => Promise<IntentMap[K][1]> };

/** The background's side of the popup's intents: it alone holds the token and talks to the server. */
export function createIntentHandler({ session, api }: HandlerDeps) {
  async function view(): Promise<SessionView> {
    const current = await session.current();
    return { serverUrl: current?.serverUrl ?? (await session.serverUrl()), member: current?.member ?? null };
  }

  async function client(): Promise<ApiClient> {
    const current = await session.current();
    if (!current) throw new ApiRequestError('unauthorized', 'Sign in first.', 401);
    return api(current.serverUrl, current.token);
  }

  const handlers: Handlers = {
    'session.get': view,
    'session.signIn': async ({ serverUrl, email, password }) => {
      const url = normalizeServerUrl(serverUrl);
      if (!url) throw new ApiRequestError('invalid_request', 'Enter the server address, like http://127.0.0.1:8787.');
      const { token, member } = await api(url).signIn({ email, password });
      await session.save({ serverUrl: url, token, member });
      return { serverUrl: url, member };
    },
    'session.signOut': async () => {
      const current = await session.current();
      await session.clear();
      // Forgotten here first; the server is told too, but an unreachable server must not keep anyone signed in.
      if (current)
        await api(current.serverUrl, current.token)
          .signOut()
          .catch(() => undefined);
      return view();
    },
    'accounts.list': async () => {
      const page = await (await client()).listAccounts({ limit: limits.listMax });
      return { accounts: page.accounts, complete: page.next === null };
    },
    'account.get': async ({ accountId }) => (await client()).getAccount(accountId),
    'unlock.status': async ({ accountId }) => (await client()).unlockStatus(accountId),
    'unlock.start': async ({ accountId }) => (await client()).startUnlock(accountId),
    'challenge.verify': async ({ challengeId, code }) => (await client()).verify(challengeId, code),
    'challenge.resend': async ({ challengeId }) => (await client()).resend(challengeId),
    'secret.get': async ({ accountId }) => (await client()).getSecret(accountId),
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
      if (problem.code === 'unauthorized') await session.clear();
      return { ok: false, problem };
    }
  };
}

export type IntentHandler = ReturnType<typeof createIntentHandler>;
