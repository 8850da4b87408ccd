import type { Role } from '@twostep/shared';
import { afterEach } from 'vitest';
import { createApp } from '../src/app.ts';
import type { Db } from '../src/db/db.ts';
import type { Deps, SmsMessage, SmsResult, SmsSender } from '../src/deps.ts';
import { nodePeerAddress } from '../src/lib/client-address.ts';
import { deriveKeys } from '../src/lib/crypto.ts';
import { type Passwords, passwordGate } from '../src/lib/password-gate.ts';
// The database for each harness: memory, file or sqld (TEST_DB) from ./databases/node.ts; inside workerd the
// vitest project 'server-workerd' aliases that module to ./databases/workerd.ts (local D1).
import { openTestDatabase } from './databases/node.ts';

export { testDatabaseUrl } from './databases/node.ts';
/** A database with migrations and nothing else, for a test that needs a server nobody has set up. */
export { openTestDatabase };

export const testSecret = 'test-secret-that-is-long-enough-for-hkdf-0123456789';

export type FakeClock = { now: () => number; advance: (ms: number) => void; set: (ms: number) => void };

export function fakeClock(start = Date.UTC(2026, 10, 28, 9, 0, 0)): FakeClock {
  let time = start;
  return { now: () => time, advance: (ms) => (time += ms), set: (ms) => (time = ms) };
}

/** Records every message; `next` lets a test script the provider's answers. */
export function fakeSms(): SmsSender & { sent: SmsMessage[]; next: SmsResult[] } {
  const sent: SmsMessage[] = [];
  const next: SmsResult[] = [];
  return {
    name: 'outbox',
    sent,
    next,
    async send(message) {
      sent.push(message);
      return next.shift() ?? { ok: true, providerId: `SM${sent.length}` };
    },
  };
}

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

export type Harness = Awaited<ReturnType<typeof makeHarness>>;

/** A fresh app on a fresh database, with a fake clock and a fake SMS sender. */
export async function makeHarness(
  options: {
    url?: string;
    /** A sender, or one built on the harness's database (the dev outbox writes to it). */
    sms?: SmsSender | ((deps: Pick<Deps, 'db' | 'clock' | 'log'>) => SmsSender);
    /** The app's database seen through a wrapper (a client that counts commits); `query` stays unwrapped. */
    wrapDb?: (db: Db) => Db;
    settings?: Partial<Deps['settings']>;
    passwords?: Passwords;
    clientAddress?: Deps['clientAddress'];
    /** False: a server nobody has set up yet (no owner; `owner` is then empty). */
    setup?: boolean;
  } = {},
) {
  const database = await openTestDatabase(options.url);
  const pending: Promise<unknown>[] = [];
  cleanups.push(async () => {
    // Let work the app started after a response finish before its database goes away.
    while (pending.length) await Promise.allSettled(pending.splice(0));
    await database.close();
  });
  const clock = fakeClock();
  const logs: string[] = [];
  const log = (line: string) => void logs.push(line);
  const db = options.wrapDb ? options.wrapDb(database.db) : database.db;
  const sms = typeof options.sms === 'function' ? options.sms({ db, clock, log }) : (options.sms ?? fakeSms());
  const deps: Deps = {
    db,
    clock,
    sms,
    keys: await deriveKeys(testSecret),
    passwords: options.passwords ?? passwordGate(),
    clientAddress: options.clientAddress ?? nodePeerAddress,
    settings: { version: 'test', smsAllowedCountries: [], allowedOrigins: [], ...options.settings },
    background: (task) => void pending.push(task()),
    log,
  };
  const app = createApp(deps);

  async function call(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['Content-Type'] ??= 'application/json';
    }
    const response = await app.request(path, { method, headers, body });
    const text = await response.text();
    const isJson = response.headers.get('content-type')?.startsWith('application/json');
    // A JSON answer is parsed; anything else (the CSV report) is kept as text.
    // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the contract answers.
    const answer: any = isJson ? JSON.parse(text) : text || null;
    return { status: response.status, body: answer, headers: response.headers };
  }

  let counter = 0;
  const owner =
    options.setup === false
      ? { body: { token: '', member: { id: '' } } }
      : await call('POST', '/v1/setup', {
          body: { team: 'Acme Agency', name: 'Olivia Owner', email: 'owner@acme.test', password: 'owner password 123' },
        });

  /** Invites and signs in a new member of the given role; returns its id and token. */
  // A name holds at most two digits, so the default one counts in letters: Member B, Member C, … Member BA.
  const inLetters = (n: number): string =>
    (n >= 26 ? inLetters(Math.floor(n / 26)) : '') + 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[n % 26];
  // Names are unique among active members (409 duplicate_member): a name asked for twice gets a letter after it.
  const names = new Set<string>(['olivia owner']);
  async function addMember(
    role: Exclude<Role, 'owner'> | 'owner' = 'member',
    asked = `Member ${inLetters(++counter)}`,
  ) {
    const name = names.has(asked.toLowerCase()) ? `${asked} ${inLetters(++counter)}` : asked;
    names.add(name.toLowerCase());
    const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${counter}@acme.test`;
    const invite = await call('POST', '/v1/invites', {
      token: owner.body.token,
      body: { email, role: role === 'owner' ? 'lead' : role },
    });
    const accepted = await call('POST', '/v1/invites/accept', {
      body: { token: invite.body.token, name, password: 'member password 123' },
    });
    if (accepted.status !== 201) throw new Error(`addMember: ${accepted.status} ${JSON.stringify(accepted.body)}`);
    if (role === 'owner')
      await call('PATCH', `/v1/members/${accepted.body.member.id}`, { token: owner.body.token, body: { role } });
    return { id: accepted.body.member.id as string, token: accepted.body.token as string, email, name };
  }

  async function addAccount(body: Record<string, unknown> = {}) {
    const response = await call('POST', '/v1/accounts', {
      token: owner.body.token,
      body: { platform: 'instagram', handle: `acct${++counter}`, client: 'Acme', ...body },
    });
    return response.body.account;
  }

  async function grant(accountId: string, memberId: string) {
    return call('PUT', `/v1/accounts/${accountId}/grants/${memberId}`, { token: owner.body.token });
  }

  /** Waits for work the app started after its responses (SMS dispatch). */
  async function settle() {
    while (pending.length) await Promise.allSettled(pending.splice(0));
  }

  return {
    app,
    deps,
    db: database.db,
    /** Raw SQL for assertions about what is stored; works on every database the suite runs on. */
    query: database.query,
    url: database.url,
    clock,
    /** The fake provider (unless the test passed its own sender). */
    sms: sms as ReturnType<typeof fakeSms>,
    logs,
    call,
    settle,
    owner: { id: owner.body.member.id as string, token: owner.body.token as string },
    addMember,
    addAccount,
    grant,
  };
}
