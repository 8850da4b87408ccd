import type { Harness } from './harness.ts';

// Rows written straight into the database: the two-step engine's states, and bulk data too slow to create over HTTP.

const quote = (value: string | number | null) =>
  value === null ? 'NULL' : typeof value === 'number' ? String(value) : `'${value.replaceAll("'", "''")}'`;

export async function teamIdOf(h: Harness): Promise<string> {
  const [team] = await h.query<{ id: string }>('SELECT id FROM teams');
  return team!.id;
}

export type SeedAccount = { platform: string; handle: string; client?: string | null };

/** Inserts many accounts with one multi-row INSERT; ids are `seed-<index>` padded so they sort like the input. */
export async function seedAccounts(h: Harness, rows: SeedAccount[]): Promise<string[]> {
  const teamId = await teamIdOf(h);
  const now = h.clock.now();
  const ids = rows.map((_, i) => `seed-${String(i).padStart(5, '0')}`);
  const values = rows.map(
    (row, i) => `(${[ids[i]!, teamId, row.platform, row.handle, row.client ?? null, now, now].map(quote).join(', ')})`,
  );
  await h.query(
    `INSERT INTO accounts (id, team_id, platform, handle, client, created_at, updated_at) VALUES ${values.join(', ')}`,
  );
  return ids;
}

/** Two-step `on`: the state the engine leaves after a verified enroll code. */
export async function enroll(h: Harness, accountId: string, phoneId: string): Promise<void> {
  const teamId = await teamIdOf(h);
  const now = h.clock.now();
  await h.query(
    `INSERT INTO enrollments (account_id, team_id, phone_id, verified_at, enabled_at)
     VALUES (${[accountId, teamId, phoneId, now, now].map(quote).join(', ')})`,
  );
}

let challengeCounter = 0;

/** Two-step `pending`: an enroll challenge that is open until `expiresInMs` from now. */
export async function pendingEnroll(h: Harness, accountId: string, phoneId: string, expiresInMs = 10 * 60_000) {
  const teamId = await teamIdOf(h);
  const now = h.clock.now();
  const id = `challenge-${++challengeCounter}`;
  await h.query(
    `INSERT INTO challenges (id, team_id, account_id, member_id, purpose, phone_id, code_hash, status,
       created_at, sent_at, expires_at)
     VALUES (${[id, teamId, accountId, h.owner.id, 'enroll', phoneId, 'not-a-real-hash', 'pending', now, now, now + expiresInMs].map(quote).join(', ')})`,
  );
  return id;
}

let phoneCounter = 0;

/** A distinct valid German mobile number for each call. */
export function nextMobile(): string {
  return `+4915123${String(++phoneCounter).padStart(6, '0')}`;
}

/** Creates a phone over the API as the owner and returns its JSON. */
export async function addPhone(h: Harness, body: Record<string, unknown> = {}) {
  const response = await h.call('POST', '/v1/phones', {
    token: h.owner.token,
    body: { number: nextMobile(), ...body },
  });
  if (response.status !== 201) throw new Error(`addPhone: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.phone;
}
