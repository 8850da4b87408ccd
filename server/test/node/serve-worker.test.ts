import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportFigure } from '../support/figures.ts';
import { freePort, startScript } from '../support/processes.ts';
import { startTwilioStandIn } from '../support/twilio-stand-in.ts';

// `npm run serve:worker` as a user starts it: wrangler dev, local workerd, a local D1. Module scope there is not
// a request (random values are refused there), which vitest-pool-workers does not show: this smoke test does.
let server: ChildProcess;
let base: string;
let dir: string;
let standIn: Awaited<ReturnType<typeof startTwilioStandIn>>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'twostep-serve-worker-'));
  standIn = await startTwilioStandIn();
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = await startScript(
    'server/scripts/serve-worker.ts',
    {
      PORT: String(port),
      TWOSTEP_DATA_DIR: dir,
      NODE_ENV: 'development',
      SMS_PROVIDER: 'twilio',
      TWILIO_ACCOUNT_SID: standIn.credentials.sid,
      TWILIO_AUTH_TOKEN: standIn.credentials.token,
      TWILIO_FROM: '+15005550006',
      TWILIO_API_BASE: standIn.url,
      // The scheduled handler every 40 s instead of every minute: its first tick comes after the first SMS's deadline.
      SERVE_WORKER_CRON_SECONDS: '40',
    },
    { detached: true, timeoutMs: 80_000 }, // its own process group: wrangler and workerd go down with it
  );
}, 90_000);

afterAll(() => {
  if (server.pid) process.kill(-server.pid, 'SIGTERM');
  rmSync(dir, { recursive: true, force: true });
  return standIn.close();
});

const post = async (path: string, body: unknown, token?: string) => {
  const response = await fetch(base + path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the test reads contract answers loosely.
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};

describe('npm run serve:worker', () => {
  it('answers the contract inside workerd: setup, then the same 401 for an unknown email and a wrong password', async () => {
    const health = await fetch(`${base}/v1/health`);
    expect(await health.json()).toMatchObject({ ok: true });
    expect(
      (await post('/v1/setup', { team: 'W', name: 'Olivia', email: 'o@w.test', password: 'worker password 1' })).status,
    ).toBe(201);
    const unknown = await post('/v1/sessions', { email: 'nobody@w.test', password: 'whatever' });
    const wrong = await post('/v1/sessions', { email: 'o@w.test', password: 'whatever' });
    expect(unknown).toEqual(wrong);
    expect(unknown.status).toBe(401);
    expect((await post('/v1/sessions', { email: 'o@w.test', password: 'worker password 1' })).status).toBe(201);
  });

  const received = async (to: string, timeout: number) => {
    await expect.poll(() => standIn.received.filter((m) => m.to === to).length, { timeout, interval: 250 }).toBe(1);
  };

  it('retries a send inside its request (two 503s: delivered in seconds), and the timer runs the cron for later ones', async () => {
    const session = await post('/v1/sessions', { email: 'o@w.test', password: 'worker password 1' });
    const token = session.body.token as string;
    const enroll = async (handle: string, number: string) => {
      const account = await post('/v1/accounts', { platform: 'instagram', handle }, token);
      const started = await post(`/v1/accounts/${account.body.account.id}/two-step`, { number }, token);
      expect(started.status).toBe(202);
    };
    // Two refusals: the request's waitUntil retries after 2-4 s and 4-8 s (back-off), long before the cron.
    standIn.script.push({ status: 503 }, { status: 503 });
    const first = Date.now();
    await enroll('soon', '+4915123456701');
    await received('+4915123456701', 20_000);
    const soon = Date.now() - first;
    // Retry-After past the request's window: only the scheduled handler, on serve:worker's timer, delivers it.
    standIn.script.push({ status: 429, headers: { 'Retry-After': '21' }, body: { code: 20429, status: 429 } });
    await enroll('later', '+4915123456702');
    await received('+4915123456702', 85_000);
    expect(standIn.received).toHaveLength(2);
    reportFigure('workers retries', { 'delivered after two 503s, in s': (soon / 1000).toFixed(1) });
  }, 150_000);
});
