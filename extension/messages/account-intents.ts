import type { Account, Challenge, PhoneSummary, Platform } from '@twostep/shared';
import type { ChallengeView, SessionView } from './intents.ts';

/** A team phone as the popup offers it: never the full number. `protects` names the accounts it is on. */
export type PhoneOption = PhoneSummary & { protects: { accountId: string; platform: Platform; handle: string }[] };
export type BackupCodesView = { remaining: number; total: number; updatedAt: string | null };

/** The intents of the popup's account actions (first run, invites, two-step, backup codes, password, badge). */
export type AccountActionIntents = {
  /** Whether the server at this address answers and has a team yet (first run offers setting it up). */
  'server.check': [{ serverUrl: string }, { serverUrl: string; setUp: boolean }];
  'session.setUp': [{ serverUrl: string; team: string; name: string; email: string; password: string }, SessionView];
  'session.acceptInvite': [{ serverUrl: string; token: string; name: string; password: string }, SessionView];
  'phones.list': [{ q?: string; cursor?: string }, { phones: PhoneOption[]; next: string | null }];
  /** Protect (enroll) or change the number: a code to the new phone, a team phone by id or a typed number. */
  'twoStep.start': [{ accountId: string; phoneId?: string; number?: string; country?: string }, ChallengeView];
  /** The challenge as the server sees it now: its SMS may have failed (`delivery_failed`). */
  'challenge.get': [{ challengeId: string }, { challenge: Challenge }];
  'twoStep.disable': [{ accountId: string }, ChallengeView];
  'twoStep.forceOff': [{ accountId: string; reason: string }, { account: Account }];
  'backupCodes.get': [{ accountId: string }, BackupCodesView];
  'backupCodes.reveal': [{ accountId: string; reason: string }, { code: string; remaining: number }];
  'backupCodes.replace': [{ accountId: string; codes: string[] }, BackupCodesView];
  'secret.set': [{ accountId: string; password: string }, { saved: true }];
  /** The platform of the active tab (activeTab: known only while the popup was opened on it). */
  'tab.platform': [Record<never, never>, { platform: Platform | null }];
};
