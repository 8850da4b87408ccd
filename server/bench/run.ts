// `npm run bench`: figures for the API's hot paths, in process (no HTTP socket), on a libSQL file and in memory.
// Prints operations per second, median and 99th percentile latency, and the ratios that matter.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { createApp } from '../src/app.ts';
import { openDatabase } from '../src/db/client.ts';
import type { Deps } from '../src/deps.ts';
import { deriveKeys, hashPassword, newId } from '../src/lib/crypto.ts';
import { passwordGate } from '../src/lib/password-gate.ts';
import { loadBench } from './load.ts';

type Figures = { name: string; ops: number; p50: number; p99: number };

async function measure(name: string, iterations: number, run: (i: number) => Promise<unknown>): Promise<Figures> {
  for (let i = 0; i < Math.min(20, iterations); i++) await run(i); // warm-up
  const times: number[] = [];
  const start = performance.now();
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    await run(i);
    times.push(performance.now() - t);
  }
  const total = performance.now() - start;
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { name, ops: (iterations / total) * 1000, p50: at(0.5), p99: at(0.99) };
}

async function setUp(url: string) {
  const database = await openDatabase(url);
  const deps: Deps = {
    db: database.db,
    clock: { now: () => Date.now() },
    sms: { name: 'twilio', send: async () => ({ ok: true, providerId: null }) },
    keys: await deriveKeys('bench-secret-bench-secret-bench-secret-0123'),
    passwords: passwordGate(),
    clientAddress: () => null,
    settings: { version: 'bench', smsAllowedCountries: [], allowedOrigins: [] },
    background: (task) => void task(),
    log: () => {},
  };
  const app = createApp(deps);
  const call = async (method: string, path: string, token?: string, body?: unknown) => {
    const response = await app.request(path, {
      method,
      headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // biome-ignore lint/suspicious/noExplicitAny: the benchmark reads whatever the contract answers.
    return { status: response.status, body: (await response.json().catch(() => null)) as any };
  };
  const owner = (
    await call('POST', '/v1/setup', undefined, {
      team: 'Bench',
      name: 'Olivia',
      email: 'o@b.test',
      password: 'bench password 1',
    })
  ).body;
  const invite = (await call('POST', '/v1/invites', owner.token, { email: 'm@b.test', role: 'member' })).body;
  const member = (
    await call('POST', '/v1/invites/accept', undefined, {
      token: invite.token,
      name: 'Mia',
      password: 'bench password 2',
    })
  ).body;

  // 5,000 accounts, 2,500 of them protected by their own phone; the member is granted 500.
  const [team] = await database.db.all<{ id: string }>(sql`SELECT id FROM teams`);
  const now = Date.now();
  const accounts = Array.from({ length: 5000 }, (_, i) => ({
    id: newId(now),
    handle: `brand${i}`,
    platform: ['instagram', 'facebook', 'tiktok', 'x', 'linkedin'][i % 5]!,
  }));
  for (let i = 0; i < accounts.length; i += 500) {
    const slice = accounts.slice(i, i + 500);
    await database.db.run(
      sql.raw(
        `INSERT INTO accounts (id, team_id, platform, handle, client, created_at, updated_at) VALUES ${slice
          .map(
            (a, j) =>
              `('${a.id}', '${team!.id}', '${a.platform}', '${a.handle}', 'Client ${(i + j) % 40}', ${now}, ${now})`,
          )
          .join(', ')}`,
      ),
    );
    await database.db.run(
      sql.raw(
        `INSERT INTO phones (id, team_id, number, created_at) VALUES ${slice
          .filter((_, j) => (i + j) % 2 === 0)
          .map((a, j) => `('p${a.id}', '${team!.id}', '+49151${String(10_000_000 + i + j * 2)}', ${now})`)
          .join(', ')}`,
      ),
    );
    await database.db.run(
      sql.raw(
        `INSERT INTO enrollments (account_id, team_id, phone_id, verified_at, enabled_at) VALUES ${slice
          .filter((_, j) => (i + j) % 2 === 0)
          .map((a) => `('${a.id}', '${team!.id}', 'p${a.id}', ${now}, ${now})`)
          .join(', ')}`,
      ),
    );
  }
  await database.db.run(
    sql.raw(
      `INSERT INTO grants (account_id, member_id, team_id, granted_at) VALUES ${accounts
        .filter((_, i) => i % 10 === 0)
        .map((a) => `('${a.id}', '${member.member.id}', '${team!.id}', ${now})`)
        .join(', ')}`,
    ),
  );
  const protectedIds = accounts.filter((_, i) => i % 2 === 0).map((a) => a.id);
  return { call, owner, member, protectedIds, close: database.close };
}

async function suite(label: string, url: string): Promise<Figures[]> {
  const s = await setUp(url);
  const results: Figures[] = [];
  results.push(await measure(`${label} GET /v1/health`, 2000, () => s.call('GET', '/v1/health')));
  results.push(
    await measure(`${label} GET /v1/me (session lookup)`, 2000, () => s.call('GET', '/v1/me', s.owner.token)),
  );
  results.push(
    await measure(`${label} GET /v1/accounts limit=200, lead`, 300, () =>
      s.call('GET', '/v1/accounts?limit=200', s.owner.token),
    ),
  );
  results.push(
    await measure(`${label} GET /v1/accounts limit=200, member (500 granted)`, 300, () =>
      s.call('GET', '/v1/accounts?limit=200', s.member.token),
    ),
  );
  results.push(
    await measure(`${label} GET /v1/accounts limit=1000, lead`, 100, () =>
      s.call('GET', '/v1/accounts?limit=1000', s.owner.token),
    ),
  );
  results.push(
    await measure(`${label} GET /v1/accounts?status=off, lead`, 100, () =>
      s.call('GET', '/v1/accounts?status=off&limit=200', s.owner.token),
    ),
  );
  // A lead may send 200 codes an hour: stay under it, one account (and phone) per send.
  const challenges: string[] = [];
  results.push(
    await measure(`${label} POST unlock (challenge + outbox + SMS)`, 150, async (i) => {
      const answer = await s.call('POST', `/v1/accounts/${s.protectedIds[i]}/unlock`, s.owner.token);
      if (answer.status !== 202) throw new Error(`unlock: ${answer.status} ${JSON.stringify(answer.body)}`);
      challenges.push(answer.body.challenge.id);
    }),
  );
  let n = 0;
  results.push(
    await measure(`${label} POST verify, wrong code`, 150, () =>
      s.call('POST', `/v1/challenges/${challenges[n++ % challenges.length]}/verify`, s.owner.token, { code: '000000' }),
    ),
  );
  s.close();
  return results;
}

const dir = mkdtempSync(join(tmpdir(), 'twostep-bench-'));
try {
  const file = await suite('file', `file:${join(dir, 'bench.db')}`);
  const memory = await suite('memory', ':memory:');
  const hash = await measure('PBKDF2-SHA256 100,000 iterations (one password hash)', 20, () =>
    hashPassword('bench password'),
  );
  const rows = [...file, ...memory, hash];
  const width = Math.max(...rows.map((r) => r.name.length));
  console.log(`${'benchmark'.padEnd(width)}  ${'ops/s'.padStart(9)}  ${'p50 ms'.padStart(8)}  ${'p99 ms'.padStart(8)}`);
  for (const r of rows)
    console.log(
      `${r.name.padEnd(width)}  ${r.ops.toFixed(0).padStart(9)}  ${r.p50.toFixed(2).padStart(8)}  ${r.p99.toFixed(2).padStart(8)}`,
    );
  const by = (list: Figures[], part: string) => list.find((r) => r.name.includes(part))!;
  console.log('\nratios');
  console.log(
    `  member list / lead list (p50, file):        ${(by(file, 'member').p50 / by(file, 'limit=200, lead').p50).toFixed(2)}`,
  );
  console.log(
    `  list of 1000 / list of 200 (p50, file):      ${(by(file, 'limit=1000').p50 / by(file, 'limit=200, lead').p50).toFixed(2)}`,
  );
  console.log(
    `  file / memory, lead list of 200 (p50):       ${(by(file, 'limit=200, lead').p50 / by(memory, 'limit=200, lead').p50).toFixed(2)}`,
  );
  console.log(
    `  file / memory, unlock send (p50):            ${(by(file, 'unlock').p50 / by(memory, 'unlock').p50).toFixed(2)}`,
  );
  console.log(
    `  unlock send / session lookup (p50, file):    ${(by(file, 'unlock').p50 / by(file, '/v1/me').p50).toFixed(2)}`,
  );
  console.log(`  password hash / verify (p50, file):          ${(hash.p50 / by(file, 'verify').p50).toFixed(2)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
await loadBench();
