import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectContractAnswer } from '../fuzz-support.ts';
import { makeHarness } from '../harness.ts';
import { type FuzzRequest, type Ids, injectedMarker, requestsFor } from '../route-fuzz-support.ts';
import { reportFigure } from '../support/figures.ts';
import { freePort, startScript } from '../support/processes.ts';
import { type RawResponse, rawConnection } from '../support/raw-http.ts';
import { rawPool } from '../support/raw-pool.ts';

// Every route of the router's own table, fed requests from fast-check over real HTTP (raw sockets, 8 kept-alive
// connections) to a Node server process whose stdout and stderr are read line by line.

const routes = [
  ...new Set(
    (await makeHarness()).app.routes
      .filter((r) => r.method !== 'ALL' && !r.path.endsWith('*'))
      .map((r) => `${r.method} ${r.path}`),
  ),
].sort();
const perRoute = Number(process.env.ROUTE_FUZZ_RUNS ?? 48);
const lanes = 8;
let pool: ReturnType<typeof rawPool>;

let server: ChildProcess;
let port: number;
let dir: string;
let ids: Ids;
const logLines: string[] = [];
let pendingLog = '';

async function call(method: string, path: string, body?: unknown, token?: string) {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json();
  if (response.status >= 400) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'twostep-route-fuzz-'));
  port = await freePort();
  server = await startScript('server/src/node.ts', {
    PORT: String(port),
    DATABASE_URL: `file:${join(dir, 'fuzz.db')}`,
    TWOSTEP_DATA_DIR: dir,
    SMS_PROVIDER: 'outbox',
  });
  const collect = (chunk: Buffer) => {
    const lines = (pendingLog + chunk.toString('utf8')).split('\n');
    pendingLog = lines.pop()!;
    logLines.push(...lines);
  };
  server.stdout?.on('data', collect);
  server.stderr?.on('data', collect);
  const owner = await call('POST', '/v1/setup', {
    team: 'Fuzz Agency',
    name: 'Olivia Owner',
    email: 'owner@fuzz.test',
    password: 'owner password 123',
  });
  const token = owner.token as string;
  const account = (await call('POST', '/v1/accounts', { platform: 'x', handle: 'fuzzed' }, token)).account;
  const phone = (await call('POST', '/v1/phones', { number: '+4915123000001' }, token)).phone;
  const invite = await call('POST', '/v1/invites', { email: 'member@fuzz.test', role: 'member' }, token);
  const member = await call('POST', '/v1/invites/accept', {
    token: invite.token,
    name: 'Max Member',
    password: 'member password 123',
  });
  const open = await call('POST', '/v1/invites', { email: 'later@fuzz.test', role: 'lead' }, token);
  const challenge = (await call('POST', `/v1/accounts/${account.id}/two-step`, { phoneId: phone.id }, token)).challenge;
  pool = rawPool(port, lanes);
  ids = {
    token,
    account: account.id,
    phone: phone.id,
    member: member.member.id,
    invite: open.invite.id,
    challenge: challenge.id,
  };
}, 60_000);
afterAll(() => {
  server?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function expectAnswerWithinContract(request: FuzzRequest, answer: RawResponse) {
  expect(answer.status, request.label).toBeGreaterThanOrEqual(100);
  expect(Object.keys(answer.headers).filter((name) => name.includes(injectedMarker.toLowerCase()))).toEqual([]);
  if (request.method === 'HEAD' || answer.status === 204) return;
  try {
    expectContractAnswer({ status: answer.status, text: answer.body });
  } catch (error) {
    throw new Error(`${JSON.stringify(request.label)} got ${answer.status} ${answer.body.slice(0, 200)}`, {
      cause: error,
    });
  }
}

const knownLine = /^(listening on |secret key |code sent to |sms |key rotation|cron: )/;
/** One line per event: no control character (a CR, a NUL, an escape), nothing but the server's own kinds of line. */
function expectLogOneLinePerEvent() {
  for (const line of logLines) {
    expect(line, 'a log line with a control character').not.toMatch(/[\p{Cc}\u2028\u2029\u0085]/u);
    expect(line, 'a log line the server never writes').toMatch(knownLine);
    expect(line).not.toContain(injectedMarker);
  }
}

// Found by the fuzz below: Node's HTTP parser and @hono/node-server answered these with a bare status line and
// no body, outside the contract's error shape.
describe('requests refused before the app answer in the error shape', () => {
  const head = (target: string, headers = '') =>
    Buffer.from(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}\r\n`, 'latin1');
  it.each([
    ['a NUL in the path', head('/v1/accounts/a\u0000b'), 400, 'invalid_request'],
    ['a byte over 0x7f in the path', head('/v1/accounts/\xff\xfe'), 400, 'invalid_request'],
    ['a bare CR in a header value', head('/v1/health', 'X-Note: a\rINJECTED\r\n'), 400, 'invalid_request'],
    ['a line break in a header name', head('/v1/health', 'X-\nINJECTED: a\r\n'), 400, 'invalid_request'],
    ['headers over 16 KiB', head('/v1/health', `X-Note: ${'a'.repeat(17_000)}\r\n`), 431, 'headers_too_large'],
    ['a path over 16 KiB', head(`/v1/accounts/${'b'.repeat(17_000)}`), 431, 'headers_too_large'],
    ['a backslash in the path (@hono/node-server)', head('/v1/accounts/a\\b'), 400, 'invalid_request'],
    [
      'a Host that is not a host (@hono/node-server)',
      Buffer.from('GET /v1/health HTTP/1.1\r\nHost: a b\r\n\r\n'),
      400,
      'invalid_request',
    ],
  ] as const)('%s: answered with its status and a body in the contract shape', async (_, bytes, status, code) => {
    const connection = await rawConnection(port);
    try {
      await connection.write(bytes);
      const answer = await connection.next();
      expect(answer.status).toBe(status);
      expect(JSON.parse(answer.body)).toEqual({ error: { code, message: expect.any(String) } });
      expectContractAnswer({ status: answer.status, text: answer.body });
    } finally {
      connection.close();
    }
  });

  it('a malformed request after a good one on a kept-alive connection gets its answer too', async () => {
    const connection = await rawConnection(port);
    try {
      await connection.write(head('/v1/health'));
      expect((await connection.next()).status).toBe(200);
      await connection.write(head('/v1/health', 'X-Note: \u0000\r\n'));
      const answer = await connection.next();
      expect(answer.status).toBe(400);
      expect(answer.headers.connection).toBe('close');
      expect(JSON.parse(answer.body).error.code).toBe('invalid_request');
    } finally {
      connection.close();
    }
  });
});

describe('hostile requests built from the route table and the contract schemas, over real HTTP', () => {
  it('finds the routes of the router', () => {
    expect(routes.length).toBeGreaterThan(40);
  });

  it.each(routes)(
    '%s: no 5xx, no dropped connection, no stack trace, the error shape always',
    async (route) => {
      const [method, template] = route.split(' ') as [string, string];
      const requests = requestsFor(method, template, ids);
      await fc.assert(
        fc.asyncProperty(fc.array(requests, { minLength: lanes, maxLength: lanes }), async (batch) => {
          const answers = await Promise.all(batch.map((request, lane) => pool.send(lane, request)));
          for (const [n, answer] of answers.entries()) expectAnswerWithinContract(batch[n]!, answer);
        }),
        { numRuns: Math.ceil(perRoute / lanes) },
      );
      // A good request on every kept-alive connection the hostile ones left open still gets its answer.
      const everyLane = Array.from({ length: lanes }, (_, lane) => lane);
      const health = await Promise.all(
        everyLane.map((lane) => pool.send(lane, { ...goodRequest, label: `health after ${route}` })),
      );
      expect(health.map((answer) => answer.status)).toEqual(everyLane.map(() => 200));
      expectLogOneLinePerEvent();
    },
    600_000,
  );

  it('the server log stayed one line per event', () => {
    expect(logLines.length).toBeGreaterThan(0);
    expectLogOneLinePerEvent();
    reportFigure('route-table fuzz, raw HTTP', {
      routes: routes.length,
      'requests per route': Math.ceil(perRoute / lanes) * lanes,
      requests: pool.tally.requests,
      'with a broken head (alone)': pool.tally.alone,
      'on a reused connection': pool.tally.reused,
      'log lines': logLines.length,
      '5xx, dropped, injected': 0,
    });
  });
});

const goodRequest: FuzzRequest = {
  bytes: Buffer.from('GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 'latin1'),
  method: 'GET',
  alone: false,
  label: 'health',
};
