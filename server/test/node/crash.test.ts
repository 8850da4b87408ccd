import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, startScript } from '../support/processes.ts';
import { startTwilioStandIn } from '../support/twilio-stand-in.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

describe('a crash loses no message', () => {
  it('kill -9 in the middle of sends: after restarts every challenge has its SMS delivered, the database is intact', async () => {
    const standIn = await startTwilioStandIn();
    cleanups.push(() => standIn.close());
    const dir = mkdtempSync(join(tmpdir(), 'twostep-crash-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = {
      PORT: String(port),
      DATABASE_URL: `file:${join(dir, 'crash.db')}`,
      TWOSTEP_DATA_DIR: dir,
      SMS_PROVIDER: 'twilio',
      TWILIO_ACCOUNT_SID: standIn.credentials.sid,
      TWILIO_AUTH_TOKEN: standIn.credentials.token,
      TWILIO_FROM: '+15005550006',
      TWILIO_API_BASE: standIn.url,
    };
    let server = await startScript('server/src/node.ts', env);
    cleanups.push(() => server.kill('SIGKILL'));
    const call = async (method: string, path: string, token?: string, body?: unknown) => {
      const response = await fetch(base + path, {
        method,
        headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      // biome-ignore lint/suspicious/noExplicitAny: the test reads contract answers loosely.
      return { status: response.status, body: (await response.json().catch(() => null)) as Record<string, any> };
    };
    const owner = await call('POST', '/v1/setup', undefined, {
      team: 'Crash',
      name: 'Olivia',
      email: 'o@c.test',
      password: 'crash password 1',
    });
    const token = owner.body.token as string;

    let accepted = 0;
    for (let round = 0; round < 4; round++) {
      // Fire enrollments without waiting, then kill the server while they are in flight.
      const inFlight = Array.from({ length: 12 }, async (_, i) => {
        const n = round * 12 + i;
        const account = await call('POST', '/v1/accounts', token, { platform: 'instagram', handle: `crash${n}` }).catch(
          () => null,
        );
        if (account?.status !== 201) return;
        const number = `+4915123${String(400_000 + n).padStart(6, '0')}`;
        const started = await call('POST', `/v1/accounts/${account.body.account.id}/two-step`, token, { number }).catch(
          () => null,
        );
        if (started?.status === 202) accepted++;
      });
      await sleep(60 + round * 40);
      server.kill('SIGKILL');
      await Promise.allSettled(inFlight);
      server = await startScript('server/src/node.ts', env);
    }

    const db = createClient({ url: env.DATABASE_URL });
    cleanups.push(() => db.close());
    // As if every lease a killed server held had run out: the sweep (every 2 s) may take those rows again.
    await db.execute("UPDATE outbox SET lease_until = NULL WHERE status = 'queued'");
    for (let i = 0; i < 40; i++) {
      const queued = await db.execute("SELECT count(*) AS n FROM outbox WHERE status = 'queued'");
      if (Number(queued.rows[0]?.n) === 0) break;
      await sleep(500);
    }
    const challenges = await db.execute('SELECT id FROM challenges');
    const outbox = await db.execute("SELECT challenge_id, status, to_number FROM outbox WHERE kind = 'code'");
    expect(challenges.rows.length).toBeGreaterThanOrEqual(accepted);
    expect(challenges.rows.length).toBeGreaterThan(0);
    // Every challenge that exists has exactly one code message, and every one of them went out.
    expect(outbox.rows.map((row) => row.challenge_id).sort()).toEqual(challenges.rows.map((row) => row.id).sort());
    expect(outbox.rows.every((row) => row.status === 'sent')).toBe(true);
    const received = new Set(standIn.received.map((message) => message.to));
    for (const row of outbox.rows) expect(received.has(String(row.to_number))).toBe(true);
    expect((await db.execute('PRAGMA integrity_check')).rows[0]?.integrity_check).toBe('ok');
    expect((await db.execute('PRAGMA foreign_key_check')).rows).toHaveLength(0);
  }, 90_000);
});
