import { applyD1Migrations, createExecutionContext, env, reset, waitOnExecutionContext } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decryptField, deriveKeys, encryptField, sealedKeyId } from '../../src/lib/crypto.ts';
import { bodyContext } from '../../src/sms/dispatcher.ts';
import worker, { runScheduled, workerDeps } from '../../src/worker.ts';
import { testSecret } from '../harness.ts';

// The Workers entry itself (src/worker.ts), inside workerd with local D1: fetch, waitUntil and the cron trigger.

type Migrations = { name: string; queries: string[] }[];
const bindings = env as Record<string, unknown> & { TEST_MIGRATIONS: Migrations };
const newSecret = 'the-new-server-secret-after-a-leak-0123456789';
const workerEnv = { DB: bindings.DB_1, TWOSTEP_SECRET: testSecret, SMS_PROVIDER: 'outbox' } as never;

beforeEach(() => applyD1Migrations(bindings.DB_1, bindings.TEST_MIGRATIONS));
afterEach(() => reset());

async function call(method: string, path: string, body?: unknown, token?: string) {
  const ctx = createExecutionContext();
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  const request = new Request(`http://twostep.test${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const response = await worker.fetch(request, workerEnv, ctx);
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever the contract answers.
  const json: any = response.status === 204 ? null : await response.json();
  return { status: response.status, body: json, ctx };
}

async function query<Row>(text: string): Promise<Row[]> {
  const { results } = await (bindings.DB_1 as { prepare(q: string): { all(): Promise<{ results: Row[] }> } })
    .prepare(text)
    .all();
  return results;
}

/** An owner with an Instagram account and a phone, granted to themself: ready to enroll. */
async function ownerWithAccount() {
  const owner = await call('POST', '/v1/setup', {
    team: 'Acme',
    name: 'Olivia',
    email: 'owner@acme.test',
    password: 'owner password 123',
  });
  const token = owner.body.token as string;
  const account = await call('POST', '/v1/accounts', { platform: 'instagram', handle: 'acme' }, token);
  const phone = await call('POST', '/v1/phones', { number: '+4915123456789' }, token);
  await call('PUT', `/v1/accounts/${account.body.account.id}/grants/${owner.body.member.id}`, undefined, token);
  return { token, accountId: account.body.account.id as string, phoneId: phone.body.phone.id as string };
}

describe('the Workers entry', () => {
  it('answers health and setup from D1', async () => {
    expect((await call('GET', '/v1/health')).body).toMatchObject({ ok: true });
    const setup = await call('POST', '/v1/setup', {
      team: 'Acme',
      name: 'Olivia',
      email: 'owner@acme.test',
      password: 'owner password 123',
    });
    expect(setup.status).toBe(201);
    const signIn = await call('POST', '/v1/sessions', { email: 'owner@acme.test', password: 'owner password 123' });
    expect(signIn.status).toBe(201);
    expect((await call('GET', '/v1/me', undefined, signIn.body.token)).body.member.role).toBe('owner');
  });

  it('sends the code after the response, through that request’s waitUntil', async () => {
    const { token, accountId, phoneId } = await ownerWithAccount();
    const started = await call('POST', `/v1/accounts/${accountId}/two-step`, { phoneId }, token);
    expect(started.status).toBe(202);
    await waitOnExecutionContext(started.ctx);
    const outbox = await query<{ status: string }>('SELECT status FROM outbox');
    expect(outbox.map((row) => row.status)).toEqual(['sent']);
    expect(await query('SELECT id FROM dev_outbox')).toHaveLength(1);
  });

  it('delivers due messages from the cron trigger', async () => {
    await ownerWithAccount();
    // A message waiting for its retry, as a failed send leaves it: queued, due now.
    const id = 'retry-1';
    const body = await encryptField(await deriveKeys(testSecret), bodyContext(id), 'Your Twostep code 123456');
    const [team] = await query<{ id: string }>('SELECT id FROM teams');
    await query(`INSERT INTO outbox (id, team_id, kind, phone_id, to_number, body_enc, status, tries, next_attempt_at, created_at)
      VALUES ('${id}', '${team!.id}', 'code', 'phone-1', '+4915123456789', '${body}', 'queued', 1, 0, 0)`);
    const ctx = createExecutionContext();
    await worker.scheduled({ cron: '* * * * *', scheduledTime: Date.now() }, workerEnv, ctx);
    await waitOnExecutionContext(ctx);
    expect(await query(`SELECT status FROM outbox WHERE id = '${id}'`)).toEqual([{ status: 'sent' }]);
    expect(await query('SELECT to_number FROM dev_outbox')).toEqual([{ to_number: '+4915123456789' }]);
  });

  it('re-seals under the new secret from the cron, opening the old values with TWOSTEP_SECRET_PREVIOUS', async () => {
    const { accountId } = await ownerWithAccount();
    const where = { table: 'secrets', column: 'password_enc', rowId: accountId };
    const sealed = await encryptField(await deriveKeys(testSecret), where, 'sealed before the rotation');
    const [member] = await query<{ id: string; team_id: string }>('SELECT id, team_id FROM members');
    await query(`INSERT INTO secrets (account_id, team_id, password_enc, updated_at, updated_by)
      VALUES ('${accountId}', '${member!.team_id}', '${sealed}', 0, '${member!.id}')`);
    const rotated = { DB: bindings.DB_1, TWOSTEP_SECRET: newSecret, TWOSTEP_SECRET_PREVIOUS: testSecret };
    const deps = await workerDeps({ ...rotated, SMS_PROVIDER: 'outbox' } as never);
    expect(deps.keys.previous?.keyId).toBe((await deriveKeys(testSecret)).keyId);
    await runScheduled(deps);
    const [row] = await query<{ password_enc: string }>('SELECT password_enc FROM secrets');
    expect(sealedKeyId(row!.password_enc)).toBe(deps.keys.keyId);
    expect(await decryptField(await deriveKeys(newSecret), where, row!.password_enc)).toBe(
      'sealed before the rotation',
    );
    await expect(workerDeps({ ...rotated, TWOSTEP_SECRET_PREVIOUS: 'too short' } as never)).rejects.toThrow(
      /TWOSTEP_SECRET_PREVIOUS must be at least 32/,
    );
  });

  it('records the cf-connecting-ip that Cloudflare sets as an event’s address', async () => {
    const request = new Request('http://twostep.test/v1/setup', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'cf-connecting-ip': '198.51.100.7' },
      body: JSON.stringify({ team: 'Acme', name: 'Olivia', email: 'owner@acme.test', password: 'owner password 123' }),
    });
    expect((await worker.fetch(request, workerEnv, createExecutionContext())).status).toBe(201);
    expect(await query("SELECT ip FROM events WHERE action = 'member.created'")).toEqual([{ ip: '198.51.100.7' }]);
  });

  it('keeps running on the one secret between the two `secret put`s of a rotation (both set to the old one)', async () => {
    const halfway = { DB: bindings.DB_1, TWOSTEP_SECRET: testSecret, TWOSTEP_SECRET_PREVIOUS: testSecret };
    const deps = await workerDeps({ ...halfway, SMS_PROVIDER: 'outbox' } as never);
    expect(deps.keys).toMatchObject({ keyId: (await deriveKeys(testSecret)).keyId, previous: null });
  });

  it('refuses to start without TWOSTEP_SECRET', async () => {
    await expect(workerDeps({ DB: bindings.DB_1 } as never)).rejects.toThrow(/TWOSTEP_SECRET/);
  });

  it('refuses a local file as DATABASE_URL', async () => {
    await expect(
      workerDeps({ TWOSTEP_SECRET: testSecret, DATABASE_URL: 'file:./data/twostep.db' } as never),
    ).rejects.toThrow(/libsql:\/\//);
  });
});
