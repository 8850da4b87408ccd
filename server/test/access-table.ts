import { lastCode } from './engine.ts';
import type { Harness } from './harness.ts';
import { enroll, nextMobile, teamIdOf } from './seed.ts';

// Who may call which route: one line per route of the router, keyed by `METHOD path` exactly as Hono lists it.
// integration/authorization.test.ts fails when the router has a route missing here, or this table one the router lacks.

/**
 * anyone: no session needed; member: any signed-in member; grantee: a member needs a grant on the account in the
 * path (without one it is 404, like an unknown id); lead / owner: that role or above (a member gets 403);
 * leadOnAccount: lead-only and account-scoped (a member gets the same 403 for any id, so nothing leaks).
 */
export type Rule = 'anyone' | 'member' | 'grantee' | 'lead' | 'leadOnAccount' | 'owner';

export type Who = { id: string; token: string };

export type AccessContext = {
  h: Harness;
  /** Granted to `memberWithGrant` only. */
  account: { id: string };
  memberWithoutGrant: Who;
  memberWithGrant: Who;
  lead: Who;
  newAccount: () => Promise<{ id: string }>;
  newMember: () => Promise<{ id: string }>;
  newPhone: () => Promise<{ id: string }>;
  newInviteToken: () => Promise<string>;
  unique: () => number;
};

export type AccessRequest = { path: string; body?: unknown; headers?: Record<string, string> };
/**
 * `ok` is the status a caller who may use the route gets for the request `request` builds (fresh per caller).
 * `who` is the caller (undefined when anonymous), for requests that need the caller's own state.
 */
export type RouteAccess = {
  rule: Rule;
  ok: number;
  request: (x: AccessContext, who: Who | undefined) => AccessRequest | Promise<AccessRequest>;
};

const rule =
  (kind: Rule) =>
  (ok: number, request: RouteAccess['request']): RouteAccess => ({ rule: kind, ok, request });
const anyone = rule('anyone');
const member = rule('member');
const grantee = rule('grantee');
const lead = rule('lead');
const leadOnAccount = rule('leadOnAccount');
const owner = rule('owner');

const ownerSignIn = { email: 'owner@acme.test', password: 'owner password 123' };
const setupAgain = { team: 'Again', name: 'Eve', email: 'eve@acme.test', password: 'another password 1' };

/** The shared account, protected by a fresh number (so no send budget of one phone runs out across callers). */
async function protectShared(x: AccessContext) {
  const phone = await x.newPhone();
  await x.h.query(`DELETE FROM enrollments WHERE account_id = '${x.account.id}'`);
  await enroll(x.h, x.account.id, phone.id);
}

/** An active unlock of the shared account for the caller, as a verified unlock code leaves it. */
async function unlockShared(x: AccessContext, who: Who | undefined) {
  if (!who) return;
  const now = x.h.clock.now();
  await x.h.query(
    `INSERT INTO unlocks (id, team_id, account_id, member_id, until, created_at)
     VALUES ('unlock-${x.unique()}', '${await teamIdOf(x.h)}', '${x.account.id}', '${who.id}', ${now + 15 * 60_000}, ${now})`,
  );
}

/** A pending unlock challenge of the caller's own (the owner's for anonymous callers), and its code. */
async function ownChallenge(x: AccessContext, who: Who | undefined) {
  const caller = who ?? x.h.owner;
  const account = await x.newAccount();
  await x.h.grant(account.id, caller.id);
  await enroll(x.h, account.id, (await x.newPhone()).id);
  const started = await x.h.call('POST', `/v1/accounts/${account.id}/unlock`, { token: caller.token });
  if (started.status !== 202) throw new Error(`unlock: ${started.status} ${JSON.stringify(started.body)}`);
  return { id: started.body.challenge.id as string, code: await lastCode(x.h) };
}

export const routeAccess: Record<string, RouteAccess> = {
  'GET /v1/health': anyone(200, () => ({ path: '/v1/health' })),
  // Set up once, so every later caller gets 409 already_set_up (never 401).
  'POST /v1/setup': anyone(409, () => ({ path: '/v1/setup', body: setupAgain })),
  'POST /v1/sessions': anyone(201, () => ({ path: '/v1/sessions', body: ownerSignIn })),
  'DELETE /v1/sessions/current': member(204, () => ({ path: '/v1/sessions/current' })),
  'GET /v1/me': member(200, () => ({ path: '/v1/me' })),
  'POST /v1/invites': lead(201, (x) => ({
    path: '/v1/invites',
    body: { email: `i${x.unique()}@acme.test`, role: 'member' },
  })),
  'POST /v1/invites/accept': anyone(201, async (x) => ({
    path: '/v1/invites/accept',
    // Names are unique in the team and hold at most two digits: each newcomer gets a name of letters.
    body: { token: await x.newInviteToken(), name: `Newcomer ${lettersOf(x.unique())}`, password: 'newcomer password' },
  })),
  'GET /v1/invites': lead(200, () => ({ path: '/v1/invites' })),
  'DELETE /v1/invites/:id': lead(204, async (x) => {
    const made = await x.h.call('POST', '/v1/invites', {
      token: x.h.owner.token,
      body: { email: `revoke${x.unique()}@acme.test`, role: 'member' },
    });
    return { path: `/v1/invites/${made.body.invite.id}` };
  }),
  'GET /v1/members': lead(200, () => ({ path: '/v1/members' })),
  'PATCH /v1/members/:id': owner(200, async (x) => ({
    path: `/v1/members/${(await x.newMember()).id}`,
    body: { role: 'lead' },
  })),
  'DELETE /v1/members/:id': lead(200, async (x) => ({ path: `/v1/members/${(await x.newMember()).id}` })),
  'GET /v1/accounts': member(200, () => ({ path: '/v1/accounts' })),
  'POST /v1/accounts': lead(201, (x) => ({
    path: '/v1/accounts',
    body: { platform: 'x', handle: `new${x.unique()}` },
  })),
  'GET /v1/accounts/:id': grantee(200, (x) => ({ path: `/v1/accounts/${x.account.id}` })),
  'PATCH /v1/accounts/:id': leadOnAccount(200, (x) => ({ path: `/v1/accounts/${x.account.id}`, body: { notes: 'n' } })),
  'DELETE /v1/accounts/:id': leadOnAccount(200, async (x) => ({ path: `/v1/accounts/${(await x.newAccount()).id}` })),
  'GET /v1/accounts/:id/grants': leadOnAccount(200, (x) => ({ path: `/v1/accounts/${x.account.id}/grants` })),
  'PUT /v1/accounts/:id/grants/:memberId': leadOnAccount(204, async (x) => ({
    path: `/v1/accounts/${(await x.newAccount()).id}/grants/${x.memberWithGrant.id}`,
  })),
  'DELETE /v1/accounts/:id/grants/:memberId': leadOnAccount(204, async (x) => {
    const account = await x.newAccount();
    await x.h.grant(account.id, x.memberWithGrant.id);
    return { path: `/v1/accounts/${account.id}/grants/${x.memberWithGrant.id}` };
  }),
  'GET /v1/phones': lead(200, () => ({ path: '/v1/phones' })),
  'POST /v1/phones': lead(201, () => ({ path: '/v1/phones', body: { number: nextMobile() } })),
  'PATCH /v1/phones/:id': lead(200, async (x) => ({
    path: `/v1/phones/${(await x.newPhone()).id}`,
    body: { label: 'L' },
  })),
  'DELETE /v1/phones/:id': lead(200, async (x) => ({ path: `/v1/phones/${(await x.newPhone()).id}` })),
  'GET /v1/events': member(200, () => ({ path: '/v1/events' })),
  'POST /v1/accounts/:id/two-step': grantee(202, (x) => ({
    path: `/v1/accounts/${x.account.id}/two-step`,
    body: { number: nextMobile() },
  })),
  'DELETE /v1/accounts/:id/two-step': grantee(202, async (x) => {
    await protectShared(x);
    return { path: `/v1/accounts/${x.account.id}/two-step` };
  }),
  'POST /v1/accounts/:id/unlock': grantee(202, async (x) => {
    await protectShared(x);
    return { path: `/v1/accounts/${x.account.id}/unlock` };
  }),
  'GET /v1/accounts/:id/unlock': grantee(200, (x) => ({ path: `/v1/accounts/${x.account.id}/unlock` })),
  'GET /v1/accounts/:id/secret': grantee(200, async (x, who) => {
    await unlockShared(x, who);
    return { path: `/v1/accounts/${x.account.id}/secret` };
  }),
  'PUT /v1/accounts/:id/secret': grantee(204, async (x, who) => {
    await unlockShared(x, who);
    return { path: `/v1/accounts/${x.account.id}/secret`, body: { password: 'new password' } };
  }),
  'GET /v1/accounts/:id/backup-codes': grantee(200, (x) => ({ path: `/v1/accounts/${x.account.id}/backup-codes` })),
  'PUT /v1/accounts/:id/backup-codes': grantee(204, async (x, who) => {
    await unlockShared(x, who);
    return { path: `/v1/accounts/${x.account.id}/backup-codes`, body: { codes: ['1111 2222', '3333 4444'] } };
  }),
  'POST /v1/accounts/:id/backup-codes/reveal': grantee(200, async (x, who) => {
    await unlockShared(x, who);
    await x.h.call('PUT', `/v1/accounts/${x.account.id}/backup-codes`, {
      token: x.h.owner.token,
      body: { codes: ['5555 6666'] },
    });
    return { path: `/v1/accounts/${x.account.id}/backup-codes/reveal`, body: { reason: 'travel' } };
  }),
  'POST /v1/accounts/:id/login-filled': grantee(204, async (x, who) => {
    await unlockShared(x, who);
    return { path: `/v1/accounts/${x.account.id}/login-filled`, body: { step: 'login' } };
  }),
  'GET /v1/challenges/:id': member(200, async (x, who) => ({
    path: `/v1/challenges/${(await ownChallenge(x, who)).id}`,
  })),
  'POST /v1/challenges/:id/verify': member(200, async (x, who) => {
    const challenge = await ownChallenge(x, who);
    return { path: `/v1/challenges/${challenge.id}/verify`, body: { code: challenge.code } };
  }),
  'POST /v1/challenges/:id/resend': member(202, async (x, who) => {
    const challenge = await ownChallenge(x, who);
    x.h.clock.advance(30_000);
    return { path: `/v1/challenges/${challenge.id}/resend` };
  }),
  'GET /v1/dev/outbox': owner(200, () => ({ path: '/v1/dev/outbox' })),
  'GET /v1/admin/key-rotation': owner(200, () => ({ path: '/v1/admin/key-rotation' })),
  'GET /v1/reports/two-step': lead(200, () => ({ path: '/v1/reports/two-step' })),
  'GET /v1/reports/two-step.csv': lead(200, () => ({ path: '/v1/reports/two-step.csv' })),
  'POST /v1/accounts/import': lead(200, (x) => ({
    path: '/v1/accounts/import',
    body: `platform,handle,client,loginName,phone,phoneHolder\nx,imported${x.unique()},,,,\n`,
    headers: { 'Content-Type': 'text/csv' },
  })),
};

function lettersOf(n: number): string {
  return (n >= 26 ? lettersOf(Math.floor(n / 26)) : '') + 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'[n % 26];
}
