import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `npm run serve:worker` as a user starts it: wrangler dev, local workerd, a local D1. Module scope there is not
// a request (random values are refused there), which vitest-pool-workers does not show: this smoke test does.
const root = resolve(import.meta.dirname, '../../..');
let server: ChildProcess;
let base: string;
let dir: string;

async function freePort(): Promise<number> {
  return new Promise((done) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'twostep-serve-worker-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(process.execPath, ['--import', 'tsx', join(root, 'server/scripts/serve-worker.ts')], {
    cwd: root,
    env: { ...process.env, PORT: String(port), TWOSTEP_DATA_DIR: dir, NODE_ENV: 'development' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group: wrangler and workerd go down with it
  });
  let output = '';
  server.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  await new Promise<void>((ready, fail) => {
    server.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('listening on')) ready();
    });
    server.on('close', (code) => fail(new Error(`serve:worker exited with ${code}: ${output.slice(-2000)}`)));
  });
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
