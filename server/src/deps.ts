import type { SQL } from 'drizzle-orm';
import type { Db } from './db/db.ts';
import type { Keys } from './lib/crypto.ts';
import type { Passwords, PasswordTicket } from './lib/password-gate.ts';

export type Clock = { now: () => number };

export type SmsMessage = { teamId: string; to: string; body: string; key: string };
export type SmsResult =
  | { ok: true; providerId: string | null }
  | { ok: false; retryable: boolean; retryAfterMs?: number; error: string };

/** Delivers one text message. Implementations never log the body. */
export interface SmsSender {
  readonly name: 'outbox' | 'twilio';
  send(message: SmsMessage): Promise<SmsResult>;
  /**
   * A provider that is this same database (the dev outbox): delivering is a write. The statements that deliver
   * `message`, each written only where `marked` holds; the dispatcher runs them in the batch that marks the row sent
   * (one commit, nothing between "the provider took it" and "marked sent") and calls `afterCommit` once that batch
   * has committed. A sender with it is never asked to `send` by the dispatcher.
   */
  deliverInBatch?(message: SmsMessage, marked: SQL): { statements: SQL[]; afterCommit: () => void };
  /**
   * The provider's ids of messages it accepted to `to` with exactly `body`, created at or after `since` (ms, less
   * a small clock skew), newest first; the caller skips ids another outbox row already holds. Throws a LookupError
   * when it cannot tell. Asked before a message is sent again, so a lost answer does not send it twice.
   */
  findAccepted?(message: { to: string; body: string; since: number }): Promise<string[]>;
}

export type AppSettings = {
  version: string;
  smsAllowedCountries: string[];
  allowedOrigins: string[];
};

/** Everything the app needs from its runtime. Node, Workers and tests each build their own. */
export type Deps = {
  db: Db;
  sms: SmsSender;
  clock: Clock;
  keys: Keys;
  /** Every password hash goes through this gate (lib/password-gate.ts): one per process or isolate. */
  passwords: Passwords;
  settings: AppSettings;
  /** Where a request comes from: the socket's peer on Node, cf-connecting-ip on Workers only. */
  clientAddress: (request: Request, env: unknown) => string | null;
  /** Runs work after the response (Workers: ctx.waitUntil); errors are the task's own to handle. */
  background: (task: () => Promise<unknown>) => void;
  log: (line: string) => void;
};

export type AuthedMember = {
  id: string;
  teamId: string;
  name: string;
  email: string;
  role: 'owner' | 'lead' | 'member';
  sessionId: string;
};

export type AppEnv = {
  /** `member` is set by requireMember, `passwordCheck` by reservePasswordCheck, for the routes behind them. */
  Variables: { deps: Deps; member: AuthedMember; passwordCheck: PasswordTicket; clientIp: string | null };
};
