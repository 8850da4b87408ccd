import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startScript } from '../support/processes.ts';

// `npm run serve:worker` as a user starts it: wrangler dev, local workerd, a local D1. Module scope there is not
// a request (random values are refused there), which vitest-pool-workers does not show: this smoke test does.
let server: ChildProcess;
let base: string;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'twostep-serve-worker-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = await startScript(
    'server/scripts/serve-worker.ts',
    { PORT: String(port), TWOSTEP_DATA_DIR: dir, NODE_ENV: 'development' },
    { detached: true, timeoutMs: 80_000 }, // its own process group: wrangler and workerd go down with it
  );
}, 90_000);

afterAll(() => {
  if (server.pid) process.kill(-server.pid, 'SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

const post = async (path: string, body: unknown) => {
  const response = await fetch(base + path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as { error?: { code: string } } };
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
});
