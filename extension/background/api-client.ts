import type { Account, AccountPage, ApiErrorBody, Challenge, Member, Platform, Session } from '@twostep/shared';
import { hc } from 'hono/client';
import type { Problem, ProblemCode, Secret } from '@/messages/problem.ts';
// Types only: the server's route types give the typed `hc` client; no server code reaches the bundle.
import type { App } from '../../server/src/app.ts';
import { accountActionsApi } from './account-actions-api.ts';
import { createDashboardCalls } from './dashboard-api.ts';

export class ApiRequestError extends Error {
  constructor(
    readonly code: ProblemCode,
    message: string,
    readonly status = 0,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }

  toProblem(): Problem {
    return { code: this.code, message: this.message, status: this.status, details: this.details };
  }
}

export const requestTimeoutMs = 15_000;

type JsonResponse = { ok: boolean; status: number; headers: Headers; json(): Promise<unknown> };
type BodyOf<R> = R extends { json(): Promise<infer T> } ? T : never;

function isErrorBody(body: unknown): body is ApiErrorBody {
  const error = (body as ApiErrorBody | null)?.error;
  return typeof error?.code === 'string' && typeof error.message === 'string';
}

/** One request's answer: its JSON on success, or an ApiRequestError that says in words what went wrong. */
export async function read<R extends JsonResponse>(baseUrl: string, pending: Promise<R>): Promise<BodyOf<R>> {
  let response: R;
  try {
    response = await pending;
  } catch (error) {
    if (error instanceof DOMException && error.name === 'TimeoutError')
      throw new ApiRequestError('timeout', `The server at ${baseUrl} did not answer in time.`);
    throw new ApiRequestError('unreachable', `No Twostep server answers at ${baseUrl}.`);
  }
  if (response.status === 204) return undefined as BodyOf<R>;
  const body = await response.json().catch(() => undefined);
  if (response.ok && body !== undefined) return body as BodyOf<R>;
  if (!response.ok && isErrorBody(body)) {
    const { code, message, ...details } = body.error;
    const retryAfter = Number(response.headers.get('Retry-After'));
    if (details.retryAfter === undefined && retryAfter > 0) details.retryAfter = retryAfter;
    throw new ApiRequestError(code, message, response.status, details);
  }
  throw new ApiRequestError('not_twostep', `${baseUrl} answers, but not like a Twostep server.`, response.status);
}

export type AccountQuery = { platform?: Platform; q?: string; limit?: number; cursor?: string };

/**
 * The API as the extension uses it: Hono's typed `hc` client over the server's route types, each answer checked
 * against the contract's types from @twostep/shared (a drift between server and contract fails the type check).
 */
export function createApiClient(baseUrl: string, token?: string, fetchImpl: typeof fetch = fetch) {
  const client = hc<App>(baseUrl, {
    fetch: (input: RequestInfo | URL, init?: RequestInit) =>
      fetchImpl(input, { ...init, signal: AbortSignal.timeout(requestTimeoutMs) }),
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  const accounts = client.v1.accounts[':id'];
  const authorization: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  /** A request the typed client cannot describe: a query others are adding, a DELETE with a body. */
  const rawJson = <T>(method: string, path: string, query: Record<string, string | undefined>, body?: unknown) => {
    const url = new URL(`${baseUrl}${path}`);
    for (const [name, value] of Object.entries(query)) if (value) url.searchParams.set(name, value);
    const headers = { ...authorization, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) };
    const init = { method, headers, body: body === undefined ? undefined : JSON.stringify(body) };
    return read(baseUrl, fetchImpl(url, { ...init, signal: AbortSignal.timeout(requestTimeoutMs) })) as Promise<T>;
  };
  return {
    ...accountActionsApi(baseUrl, client, rawJson),
    health: (): Promise<{ ok: true; version: string; setUp: boolean }> => read(baseUrl, client.v1.health.$get()),
    signIn: (body: { email: string; password: string }): Promise<Session> =>
      read(baseUrl, client.v1.sessions.$post({ json: body })),
    signOut: (): Promise<void> => read(baseUrl, client.v1.sessions.current.$delete()).then(() => undefined),
    me: (): Promise<{ member: Member }> => read(baseUrl, client.v1.me.$get()),
    listAccounts: ({ limit, ...query }: AccountQuery = {}): Promise<AccountPage> =>
      read(baseUrl, client.v1.accounts.$get({ query: { ...query, limit: limit?.toString() } })),
    getAccount: (id: string): Promise<{ account: Account }> => read(baseUrl, accounts.$get({ param: { id } })),
    unlockStatus: (id: string): Promise<{ unlockedUntil: string | null }> =>
      read(baseUrl, accounts.unlock.$get({ param: { id } })),
    startUnlock: (id: string): Promise<{ challenge: Challenge }> =>
      read(baseUrl, accounts.unlock.$post({ param: { id } })),
    verify: (challengeId: string, code: string): Promise<{ challenge: Challenge; account: Account }> =>
      read(baseUrl, client.v1.challenges[':id'].verify.$post({ param: { id: challengeId }, json: { code } })),
    resend: (challengeId: string): Promise<{ challenge: Challenge }> =>
      read(baseUrl, client.v1.challenges[':id'].resend.$post({ param: { id: challengeId } })),
    getSecret: (id: string): Promise<Secret> => read(baseUrl, accounts.secret.$get({ param: { id } })),
    // The dashboard's calls (for leads): background/dashboard-api.ts.
    ...createDashboardCalls(
      client,
      (pending) => read(baseUrl, pending) as never,
      token ? { Authorization: `Bearer ${token}` } : {},
    ),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
