import type { Account, Challenge, Member } from '@twostep/shared';
import { browser } from 'wxt/browser';
import type { AccountActionIntents } from '@/messages/account-intents.ts';
import type { DashboardIntentMap } from '@/messages/dashboard-intents.ts';
import type { PageIntents } from '@/messages/page-intents.ts';
import type { Problem, Secret } from '@/messages/problem.ts';

/** What the popup may know about the session: never the token. */
export type SessionView = { serverUrl: string; member: Member | null; pendingAccountId: string | null };
/** A challenge as the popup shows it: with how far the server's clock is ahead of this one. */
export type ChallengeView = { challenge: Challenge; skewMs: number };
export type AccountPageView = { accounts: Account[]; complete: boolean };

type Empty = Record<never, never>;

/** Every intent the popup sends to the background: its payload, and the data of a successful reply. */
export type IntentMap = {
  'session.get': [Empty, SessionView];
  'session.signIn': [{ serverUrl: string; email: string; password: string }, SessionView];
  'session.signOut': [Empty, SessionView];
  'accounts.list': [Empty, AccountPageView];
  'account.get': [{ accountId: string }, { account: Account }];
  /** Unlocked until when, else the sign-in still waiting for its code, if any. */
  'unlock.status': [{ accountId: string }, { unlockedUntil: string | null; pending: ChallengeView | null }];
  'unlock.start': [{ accountId: string }, ChallengeView];
  'challenge.verify': [{ challengeId: string; code: string }, { challenge: Challenge; account: Account }];
  'challenge.resend': [{ challengeId: string }, ChallengeView];
  'secret.get': [{ accountId: string }, Secret];
} & AccountActionIntents &
  DashboardIntentMap &
  PageIntents;
export type IntentType = keyof IntentMap;
export type Intent = { [K in IntentType]: { type: K } & IntentMap[K][0] }[IntentType];
export type Reply<K extends IntentType = IntentType> =
  | { ok: true; data: IntentMap[K][1] }
  | { ok: false; problem: Problem };

export type Ask = <K extends IntentType>(type: K, payload: IntentMap[K][0]) => Promise<Reply<K>>;

const noAnswer: Problem = {
  code: 'internal_error',
  message: 'The extension did not answer. Close the popup and open it again.',
  status: 0,
  details: {},
};

/** Sends an intent to the background, which holds the session and talks to the server. */
export const ask: Ask = async (type, payload) => {
  try {
    const reply = (await browser.runtime.sendMessage({ type, ...payload })) as Reply | undefined;
    if (reply && typeof reply.ok === 'boolean') return reply as Reply<typeof type>;
  } catch {
    // The background did not start or went away: answered below.
  }
  return { ok: false, problem: noAnswer };
};
