// HTTP load on the real Node server (a child process on loopback, libSQL file, outbox SMS): what a team sees
// from 2 cores. Part of `npm run bench`; prints throughput, latency percentiles and errors.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { freePort, startScript } from '../test/support/processes.ts';

function startServer(dir: string, port: number) {
  const env = {
    PORT: String(port),
    DATABASE_URL: `file:${join(dir, 'load.db')}`,
    TWOSTEP_DATA_DIR: dir,
    SMS_PROVIDER: 'outbox',
  };
  return startScript('server/src/node.ts', env);
}

// biome-ignore lint/suspicious/noExplicitAny: the bench reads contract answers loosely.
type Json = Record<string, any>;

async function seed(base: string) {
  const call = async (method: string, path: string, token?: string, body?: unknown): Promise<Json> => {
    const response = await fetch(base + path, {
      method,
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await response.json()) as Json;
  };
  const owner = await call('POST', '/v1/setup', undefined, {
    team: 'Load',
    name: 'Olivia',
    email: 'o@l.test',
    password: 'load password 1',
  });
  const ids: string[] = [];
  for (let i = 0; i < 500; i++) {
    const created = await call('POST', '/v1/accounts', owner.token, {
      platform: 'instagram',
      handle: `brand${i}`,
      client: `Client ${i % 20}`,
    });
    ids.push(created.account.id);
  }
  return { token: owner.token as string, ids };
}

function run(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((done, fail) => autocannon(options, (error, result) => (error ? fail(error) : done(result))));
}

export async function loadBench() {
  const dir = mkdtempSync(join(tmpdir(), 'twostep-load-'));
  const port = await freePort();
  const server = await startServer(dir, port);
  try {
    const base = `http://127.0.0.1:${port}`;
    const { token, ids } = await seed(base);
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    // 90% reads (lists, one account, me), 10% writes (an account's notes), as a team working through its day.
    const requests: autocannon.Request[] = [];
    for (let i = 0; i < 20; i++) {
      const id = ids[(i * 37) % ids.length];
      requests.push(
        { method: 'GET', path: '/v1/accounts?limit=50', headers },
        { method: 'GET', path: `/v1/accounts/${id}`, headers },
        { method: 'GET', path: '/v1/me', headers },
        { method: 'GET', path: '/v1/accounts?status=off&limit=50', headers },
        { method: 'GET', path: `/v1/accounts?q=brand${i}`, headers },
        { method: 'GET', path: `/v1/accounts/${id}`, headers },
        { method: 'GET', path: '/v1/accounts?limit=50', headers },
        { method: 'GET', path: '/v1/me', headers },
        { method: 'GET', path: `/v1/accounts/${id}/grants`, headers },
        { method: 'PATCH', path: `/v1/accounts/${id}`, headers, body: JSON.stringify({ notes: `note ${i}` }) },
      );
    }
    const rows: string[] = [];
    for (const [label, options] of [
      ['fixed 50 req/s, 15 s', { connections: 5, overallRate: 50, duration: 15 }],
      ['as fast as it goes, 10 connections, 10 s', { connections: 10, duration: 10 }],
    ] as const) {
      const result = await run({ url: base, requests, ...options });
      const failures = result.errors + result.timeouts + result.non2xx;
      rows.push(
        `${label.padEnd(42)} ${result.requests.average.toFixed(0).padStart(7)} req/s  p50 ${String(result.latency.p50).padStart(4)} ms  p99 ${String(result.latency.p99).padStart(4)} ms  failures ${failures}/${result.requests.total}`,
      );
    }
    console.log('\nHTTP load on the Node server (libSQL file, 500 accounts; 90% reads, 10% writes)');
    for (const row of rows) console.log(`  ${row}`);
  } finally {
    server.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}
