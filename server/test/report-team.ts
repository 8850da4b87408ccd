import type { Harness } from './harness.ts';
import { seedAccounts, teamIdOf } from './seed.ts';

// A seeded team of 200 accounts whose every two-step fact is known, and a plain model of what the report
// must say about it: the integration test compares the API's report with this model, finding by finding.

const dayMs = 24 * 60 * 60_000;
const platforms = ['instagram', 'facebook', 'tiktok', 'x', 'linkedin', 'youtube', 'other'];
const clients = ['Acme', 'ACME', 'Bolt', null, 'Zeta Foods'];

type PlanAccount = {
  id: string;
  platform: string;
  handle: string;
  client: string | null;
  phoneId: string | null;
  enrollVerifiedAt: number | null;
  backup: { total: number; unused: number };
  grants: string[];
  /** Expiry of each open enroll challenge. */
  enrollChallenges: number[];
};
type PlanPhone = { id: string; number: string; verifiedAt: number | null; holder: string | null };
export type TeamPlan = { accounts: PlanAccount[]; phones: PlanPhone[]; removed: Set<string> };

const quote = (value: string | number | null) =>
  value === null ? 'NULL' : typeof value === 'number' ? String(value) : `'${value.replaceAll("'", "''")}'`;

async function insert(h: Harness, table: string, columns: string[], rows: (string | number | null)[][]) {
  if (!rows.length) return;
  const values = rows.map((row) => `(${row.map(quote).join(', ')})`).join(', ');
  await h.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values}`);
}

/** Seeds the team (7 members, of whom one is then removed) and returns the plan it followed. */
export async function seedTeam(h: Harness): Promise<TeamPlan> {
  const now = h.clock.now();
  const team = await teamIdOf(h);
  const people: Awaited<ReturnType<Harness['addMember']>>[] = [];
  for (let i = 0; i < 7; i++) people.push(await h.addMember('member', i === 6 ? 'Leaver' : `Person ${i}`));
  // A name a spreadsheet would run as a formula, for the CSV test.
  await h.query(`UPDATE members SET name = '=Leaver' WHERE id = '${people[6]!.id}'`);
  const ids = await seedAccounts(
    h,
    Array.from({ length: 200 }, (_, i) => ({
      platform: platforms[i % 7]!,
      handle: `acct${i}`,
      client: clients[i % 5]!,
    })),
  );
  const phones: PlanPhone[] = [];
  const newPhone = () => {
    const j = phones.length;
    const verifiedAt = [null, now - 100 * dayMs, now - 90 * dayMs + 5 * 60_000, null, now - 10 * dayMs][j % 6] ?? null;
    const holder = j === 0 ? people[6]!.id : j === 1 ? people[0]!.id : null;
    phones.push({ id: `phone-${j}`, number: `+4915125${String(j).padStart(6, '0')}`, verifiedAt, holder });
    return phones[j]!;
  };
  const accounts: PlanAccount[] = ids.map((id, i) => ({
    id,
    platform: platforms[i % 7]!,
    handle: `acct${i}`,
    client: clients[i % 5]!,
    phoneId: null,
    enrollVerifiedAt: null,
    backup: { total: 0, unused: 0 },
    grants: [],
    // pending: half end in 5 minutes, half in 15; "expired": a challenge that ended a millisecond ago.
    enrollChallenges: i % 8 === 1 ? [now + (i % 16 === 1 ? 5 : 15) * 60_000] : i % 8 === 2 ? [now - 1] : [],
  }));
  const on = accounts.filter((_, i) => i % 8 > 2);
  for (const account of on) account.phoneId = newPhone().id;
  // Numbers shared on one platform (a pair on each, a triple on Instagram) and across platforms.
  const onOf = (platform: string) => on.filter((account) => account.platform === platform);
  for (const platform of platforms) onOf(platform)[1]!.phoneId = onOf(platform)[0]!.phoneId;
  onOf('instagram')[2]!.phoneId = onOf('instagram')[0]!.phoneId;
  onOf('tiktok')[2]!.phoneId = onOf('instagram')[3]!.phoneId;
  onOf('facebook')[3]!.phoneId = onOf('instagram')[0]!.phoneId;
  on.forEach((account, k) => {
    const j = Number(account.phoneId!.slice(6));
    account.enrollVerifiedAt = j % 6 === 3 ? now - 5 * dayMs : j % 6 === 4 ? now - 120 * dayMs : null;
    account.backup = [
      { total: 0, unused: 0 },
      { total: 5, unused: 2 },
      { total: 3, unused: 0 },
      { total: 10, unused: 3 },
    ][k % 4]!;
  });
  accounts[0]!.backup = { total: 2, unused: 1 };
  const ids6 = people.slice(0, 6).map((p) => p.id);
  accounts[0]!.grants = ids6;
  accounts[3]!.grants = ids6;
  accounts[4]!.grants = ids6.slice(0, 5);
  accounts[5]!.grants = [...ids6.slice(0, 5), people[6]!.id];
  const spare = newPhone();
  spare.holder = people[6]!.id;

  await insert(
    h,
    'phones',
    ['id', 'team_id', 'number', 'holder_member_id', 'holder_name', 'verified_at', 'created_at'],
    phones.map((p) => [p.id, team, p.number, p.holder, p.id === 'phone-2' ? 'Client Carla' : null, p.verifiedAt, now]),
  );
  const enrolled = accounts.filter((account) => account.phoneId);
  await insert(
    h,
    'enrollments',
    ['account_id', 'team_id', 'phone_id', 'verified_at', 'enabled_at'],
    enrolled.map((a) => [a.id, team, a.phoneId, a.enrollVerifiedAt, now]),
  );
  await insert(
    h,
    'backup_codes',
    ['id', 'team_id', 'account_id', 'position', 'code_enc', 'created_at', 'used_at'],
    accounts.flatMap((a) =>
      Array.from({ length: a.backup.total }, (_, n) => [
        `bc-${a.id}-${n}`,
        team,
        a.id,
        n,
        'x',
        now,
        n < a.backup.unused ? null : now,
      ]),
    ),
  );
  await insert(
    h,
    'grants',
    ['account_id', 'member_id', 'team_id', 'granted_at'],
    accounts.flatMap((a) => a.grants.map((member) => [a.id, member, team, now])),
  );
  const challenge = (a: PlanAccount, n: number, purpose: string, status: string, expiresAt: number) => [
    `ch-${a.id}-${n}`,
    team,
    a.id,
    h.owner.id,
    purpose,
    phones[0]!.id,
    'not-a-hash',
    status,
    now,
    now,
    expiresAt,
  ];
  await insert(
    h,
    'challenges',
    [
      'id',
      'team_id',
      'account_id',
      'member_id',
      'purpose',
      'phone_id',
      'code_hash',
      'status',
      'created_at',
      'sent_at',
      'expires_at',
    ],
    accounts.flatMap((a, i) => [
      ...a.enrollChallenges.map((expiresAt, n) => challenge(a, n, 'enroll', 'pending', expiresAt)),
      // Neither an open unlock challenge nor a used enroll code makes an account pending.
      ...(i % 8 === 0
        ? [challenge(a, 8, 'unlock', 'pending', now + 600_000), challenge(a, 9, 'enroll', 'verified', now + 600_000)]
        : []),
    ]),
  );
  const removed = await h.call('DELETE', `/v1/members/${people[6]!.id}`, { token: h.owner.token });
  if (removed.status !== 200) throw new Error(`remove: ${removed.status}`);
  return { accounts, phones, removed: new Set([people[6]!.id]) };
}

export type Counts = { accounts: number; on: number; pending: number; off: number };

/** What the report must say at `now`, worked out plainly from the plan: counts, and one key per finding. */
export function expectedReport(plan: TeamPlan, now: number) {
  const status = (a: PlanAccount) =>
    a.phoneId ? 'on' : a.enrollChallenges.some((expiresAt) => expiresAt > now) ? 'pending' : 'off';
  const count = (list: PlanAccount[]): Counts => ({
    accounts: list.length,
    on: list.filter((a) => status(a) === 'on').length,
    pending: list.filter((a) => status(a) === 'pending').length,
    off: list.filter((a) => status(a) === 'off').length,
  });
  const groups = (key: (a: PlanAccount) => string) => [...new Set(plan.accounts.map(key))].sort();
  const byPlatform = groups((a) => a.platform).map((platform) => ({
    platform,
    ...count(plan.accounts.filter((a) => a.platform === platform)),
  }));
  const byClient = groups((a) => (a.client ?? '~').toLowerCase()).map((key) => {
    const list = plan.accounts.filter((a) => (a.client ?? '~').toLowerCase() === key);
    return { client: key === '~' ? null : [...new Set(list.map((a) => a.client!))].sort()[0]!, ...count(list) };
  });
  const keys: string[] = [];
  const add = (kind: string, ids: { accountId?: string; phoneId?: string; memberId?: string }) =>
    keys.push([kind, ids.accountId ?? '-', ids.phoneId ?? '-', ids.memberId ?? '-'].join(' '));
  const phone = (id: string | null) => plan.phones.find((p) => p.id === id)!;
  const protectedBy = (phoneId: string) => plan.accounts.filter((a) => a.phoneId === phoneId);
  for (const a of plan.accounts) {
    const state = status(a);
    if (state !== 'on') {
      add(state === 'off' ? 'two_step_off' : 'two_step_pending', { accountId: a.id });
      continue;
    }
    const p = phone(a.phoneId);
    if (protectedBy(p.id).some((b) => b.id !== a.id && b.platform === a.platform))
      add('number_shared_on_platform', { accountId: a.id, phoneId: p.id });
    if (Math.max(a.enrollVerifiedAt ?? 0, p.verifiedAt ?? 0) < now - 90 * dayMs)
      add('number_unverified_90d', { accountId: a.id, phoneId: p.id });
    if (a.backup.total === 0) add('backup_codes_missing', { accountId: a.id });
    else if (a.backup.unused <= 2) add('backup_codes_low', { accountId: a.id });
  }
  for (const a of plan.accounts)
    if (a.grants.filter((m) => !plan.removed.has(m)).length > 5) add('wide_access', { accountId: a.id });
  for (const p of plan.phones) {
    if (new Set(protectedBy(p.id).map((a) => a.platform)).size > 1)
      add('number_shared_across_platforms', { phoneId: p.id });
    if (p.holder && plan.removed.has(p.holder)) add('holder_left_team', { phoneId: p.id, memberId: p.holder });
  }
  const summary = count(plan.accounts);
  return {
    summary: { ...summary, coverage: summary.on / summary.accounts },
    byPlatform,
    byClient,
    keys: keys.sort(),
  };
}
