// A team at agency scale written straight into a libSQL file, row for row what the services write (the import's
// accounts, phones, enrollments and events; invites accepted as members; sign-ins as sessions), in multi-row
// batches so that 100,000 accounts take seconds. The team itself is made by POST /v1/setup.
import type { Client } from '@libsql/client';
import { createApp } from '../src/app.ts';
import { openDatabase } from '../src/db/client.ts';
import type { Deps } from '../src/deps.ts';
import { deriveKeys, hashPassword, newId, newToken, sha256 } from '../src/lib/crypto.ts';
import { passwordGate } from '../src/lib/password-gate.ts';

export const benchSecret = 'bench-secret-bench-secret-bench-secret-0123456789';
const platforms = ['instagram', 'facebook', 'tiktok', 'x', 'linkedin', 'youtube'];
const dayMs = 24 * 60 * 60_000;

export type SeedSize = { accounts: number; members: number; events: number; sendersGrants: number };
export type Seeded = {
  url: string;
  owner: string;
  /** A member granted 50 accounts. */
  member: string;
  /** Members who may each unlock their `grants` (accounts with a phone of their own). */
  senders: { id: string; token: string; accounts: string[] }[];
  accountIds: string[];
};

export async function benchDeps(url: string): Promise<{ deps: Deps; client: Client; close: () => void }> {
  const database = await openDatabase(url);
  const deps: Deps = {
    db: database.db,
    clock: { now: () => Date.now() },
    sms: { name: 'outbox', send: async () => ({ ok: true, providerId: null }) },
    keys: await deriveKeys(benchSecret),
    passwords: passwordGate(),
    clientAddress: () => null,
    settings: { version: 'bench', smsAllowedCountries: [], allowedOrigins: [] },
    background: (task) => void task().catch(() => {}),
    log: () => {},
  };
  return { deps, client: database.client, close: database.close };
}

const q = (value: string | number | null) =>
  value === null ? 'NULL' : typeof value === 'number' ? String(value) : `'${value.replaceAll("'", "''")}'`;

async function insertRows(client: Client, table: string, columns: string[], rows: (string | number | null)[][]) {
  const statements: string[] = [];
  for (let i = 0; i < rows.length; i += 500) {
    const values = rows.slice(i, i + 500).map((row) => `(${row.map(q).join(',')})`);
    statements.push(`INSERT INTO ${table} (${columns.join(',')}) VALUES ${values.join(',')}`);
  }
  for (let i = 0; i < statements.length; i += 50) await client.batch(statements.slice(i, i + 50), 'write');
}

export const mobile = (i: number) => `+49151${String(10_000_000 + i)}`;

export async function seedTeam(url: string, size: SeedSize): Promise<Seeded> {
  const { deps, client, close } = await benchDeps(url);
  const app = createApp(deps);
  const setup = await app.request('/v1/setup', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      team: 'Bench Agency',
      name: 'Olivia',
      email: 'owner@bench.test',
      password: 'bench pw 12345',
    }),
  });
  const owner = (await setup.json()) as { token: string; member: { id: string } };
  const [team] = (await client.execute('SELECT id FROM teams')).rows;
  const teamId = String(team!.id);
  const now = Date.now();
  const hash = await hashPassword('member password 1');

  const memberIds = Array.from({ length: size.members - 1 }, () => newId(now));
  await insertRows(
    client,
    'members',
    ['id', 'team_id', 'name', 'email', 'role', 'password_hash', 'created_at'],
    memberIds.map((id, i) => [id, teamId, `Member ${i}`, `m${i}@bench.test`, i < 5 ? 'lead' : 'member', hash, now]),
  );
  const tokens = memberIds.map(() => newToken());
  const sessionRows = [];
  for (const [i, id] of memberIds.entries())
    sessionRows.push([newId(now), teamId, id, await sha256(tokens[i]!), now, now + 14 * dayMs]);
  await insertRows(
    client,
    'sessions',
    ['id', 'team_id', 'member_id', 'token_hash', 'created_at', 'expires_at'],
    sessionRows,
  );

  // Accounts as the import writes them; every second one has its own phone and two-step on.
  const accountIds = Array.from({ length: size.accounts }, () => newId(now));
  await insertRows(
    client,
    'accounts',
    ['id', 'team_id', 'platform', 'handle', 'client', 'created_at', 'updated_at'],
    accountIds.map((id, i) => [id, teamId, platforms[i % 6]!, `brand${i}`, `Client ${i % 100}`, now, now]),
  );
  const phoneIds = accountIds.map((_, i) => (i % 2 === 0 ? newId(now) : null));
  const withPhone = accountIds.flatMap((id, i) => (phoneIds[i] ? [{ id, i, phoneId: phoneIds[i]! }] : []));
  await insertRows(
    client,
    'phones',
    ['id', 'team_id', 'number', 'holder_member_id', 'verified_at', 'created_at'],
    withPhone.map(({ phoneId, i }) => [
      phoneId,
      teamId,
      mobile(i),
      memberIds[i % memberIds.length]!,
      now - (i % 200) * dayMs,
      now,
    ]),
  );
  await insertRows(
    client,
    'enrollments',
    ['account_id', 'team_id', 'phone_id', 'verified_at', 'enabled_at'],
    withPhone.map(({ id, phoneId }) => [id, teamId, phoneId, null, now]),
  );

  // Grants: the first member has 50; the next members each get their own accounts with a phone, to unlock.
  const grants: (string | number)[][] = [];
  for (let g = 0; g < 50 && size.accounts >= 50; g++)
    grants.push([accountIds[g * Math.floor(size.accounts / 50)]!, memberIds[5]!, teamId, now]);
  const senders: Seeded['senders'] = [];
  for (let s = 0; s < Math.min(size.members - 10, Math.floor(withPhone.length / size.sendersGrants)); s++) {
    const mine = withPhone.slice(s * size.sendersGrants, (s + 1) * size.sendersGrants).map((a) => a.id);
    for (const id of mine) grants.push([id, memberIds[6 + s]!, teamId, now]);
    senders.push({ id: memberIds[6 + s]!, token: tokens[6 + s]!, accounts: mine });
  }
  await insertRows(client, 'grants', ['account_id', 'member_id', 'team_id', 'granted_at'], grants);

  const actions = ['account.created', 'phone.created', 'two_step.enabled', 'grant.added', 'secret.read'];
  const events = Array.from({ length: size.accounts ? size.events : 0 }, (_, i) => {
    const account = accountIds[i % accountIds.length]!;
    return [
      newId(now - (size.events - i) * 1000),
      teamId,
      now - (size.events - i) * 1000,
      owner.member.id,
      actions[i % 5]!,
      account,
      'ok',
      '127.0.0.1',
      account,
    ];
  });
  await insertRows(
    client,
    'events',
    ['id', 'team_id', 'at', 'actor', 'action', 'target', 'result', 'ip', 'account_id'],
    events,
  );
  await client.execute('PRAGMA wal_checkpoint(TRUNCATE)');
  close();
  return { url, owner: owner.token, member: tokens[5]!, senders, accountIds };
}
