import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startScript } from '../support/processes.ts';

// The real Node server: an event's address is the peer of the connection, taken when the request starts, and a
// cf-connecting-ip header (anyone can send one) is never read, not even when the socket is gone by the time the
// event is written.

const forged = '203.0.113.9';
const loopback = /^(::ffff:)?127\.0\.0\.1$/;
let base = '';
let ownerToken = '';
let stop = () => {};

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function events(action: string): Promise<{ ip: string | null }[]> {
  const response = await fetch(`${base}/v1/events?limit=1000`, { headers: { Authorization: `Bearer ${ownerToken}` } });
  const body = (await response.json()) as { events: { action: string; ip: string | null }[] };
  return body.events.filter((event) => event.action === action);
}

/** Sends one raw HTTP request and hangs up as soon as it is written, without reading the answer. */
function sendAndHangUp(port: number, path: string, body: string): Promise<void> {
  return new Promise((done, fail) => {
    const socket = connect(port, '127.0.0.1', () => {
      const request = [
        `POST ${path} HTTP/1.1`,
        `Host: 127.0.0.1:${port}`,
        'Content-Type: application/json',
        `Content-Length: ${Buffer.byteLength(body)}`,
        `cf-connecting-ip: ${forged}`,
        '',
        body,
      ].join('\r\n');
      socket.write(request, () => {
        socket.destroy();
        done();
      });
    });
    socket.on('error', fail);
  });
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'twostep-ip-'));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const server = await startScript('server/src/node.ts', {
    PORT: String(port),
    DATABASE_URL: `file:${join(dir, 'ip.db')}`,
    TWOSTEP_DATA_DIR: dir,
    SMS_PROVIDER: 'outbox',
  });
  stop = () => {
    server.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  const setup = await fetch(`${base}/v1/setup`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'cf-connecting-ip': forged },
    body: JSON.stringify({ team: 'Acme', name: 'Olivia', email: 'o@acme.test', password: 'owner password 123' }),
  });
  ownerToken = ((await setup.json()) as { token: string }).token;
}, 90_000);

afterAll(() => stop());

describe('the address the real Node server records', () => {
  it('is the socket’s peer, whatever cf-connecting-ip the client sends', async () => {
    const created = await events('member.created');
    expect(created).toHaveLength(1);
    expect(created[0]!.ip).toMatch(loopback);
  });

  it('is never the header, even when the client hung up before the event was written', async () => {
    const port = Number(new URL(base).port);
    const attempts = 5;
    let failed: { ip: string | null }[] = [];
    // One at a time: one address holds at most 2 places at the password gate, and a hung-up sign-in keeps its
    // place until its hash is done.
    for (let i = 0; i < attempts; i++) {
      await sendAndHangUp(port, '/v1/sessions', JSON.stringify({ email: 'o@acme.test', password: `wrong ${i}` }));
      for (let tries = 0; tries < 200 && failed.length < i + 1; tries++) {
        await sleep(50);
        failed = await events('session.failed');
      }
    }
    expect(failed).toHaveLength(attempts);
    for (const event of failed) expect(event.ip).toMatch(loopback);
  });
});
