import type { ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { freePort, startScript } from './processes.ts';

// biome-ignore lint/suspicious/noExplicitAny: the race tests read contract answers loosely.
export type Answer = { status: number; body: Record<string, any> | null };

/** Node server processes for the race tests; each env adds DATABASE_URL to what they share. */
export async function startNodeServers(databaseUrl: string, count: number, dataDir: string, secret: string) {
  const bases: string[] = [];
  const children: ChildProcess[] = [];
  // One after another: each migrates the shared database as it starts.
  for (let i = 0; i < count; i++) {
    const port = await freePort();
    children.push(
      await startScript('server/src/node.ts', {
        PORT: String(port),
        DATABASE_URL: databaseUrl,
        TWOSTEP_DATA_DIR: dataDir,
        TWOSTEP_SECRET: secret,
        SMS_PROVIDER: 'outbox',
      }),
    );
    bases.push(`http://127.0.0.1:${port}`);
  }
  return {
    bases,
    stop: () => {
      for (const child of children) child.kill('SIGKILL');
    },
  };
}

/**
 * Plain HTTP from a given loopback address (127.0.0.x): the password gate gives each client address its own
 * places, so parallel invite accepts from distinct addresses all reach the claim instead of a 429.
 */
function callFrom(base: string, localAddress: string, method: string, path: string, body: unknown) {
  return new Promise<Answer>((done, fail) => {
    const text = JSON.stringify(body);
    const outgoing = request(
      `${base}${path}`,
      {
        method,
        localAddress,
        agent: false,
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) },
      },
      (incoming) => {
        let raw = '';
        incoming.setEncoding('utf8');
        incoming.on('data', (chunk: string) => (raw += chunk));
        incoming.on('end', () => {
          let parsed: Answer['body'] = null;
          try {
            parsed = JSON.parse(raw);
          } catch {}
          done({ status: incoming.statusCode ?? 0, body: parsed });
        });
      },
    );
    outgoing.on('error', fail);
    outgoing.end(text);
  });
}

/** A JSON client over several servers of one database: `at` picks the server, by default each in turn. */
export function raceClient(bases: string[]) {
  let turn = 0;
  const pick = (at?: number) => bases[(at ?? turn++) % bases.length]!;
  const call = async (method: string, path: string, token?: string, body?: unknown, at?: number): Promise<Answer> => {
    const response = await fetch(pick(at) + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json().catch(() => null)) as Answer['body'] };
  };
  const from = (localAddress: string, method: string, path: string, body: unknown, at?: number) =>
    callFrom(pick(at), localAddress, method, path, body);
  /** `count` requests at once, request i on server i mod n: half to each of two. */
  const burst = (count: number, one: (i: number) => Promise<Answer>) =>
    Promise.all(Array.from({ length: count }, (_, i) => one(i)));
  return { call, from, burst, servers: bases.length };
}

export type RaceClient = ReturnType<typeof raceClient>;

/** The code of the newest message to `number` saying `says`, as the dev outbox (owner only) shows it. */
export async function codeSent(
  client: RaceClient,
  ownerToken: string,
  number: string,
  says: string,
  seen: Set<string>,
) {
  for (let i = 0; i < 200; i++) {
    const outbox = await client.call('GET', '/v1/dev/outbox', ownerToken);
    const messages = (outbox.body?.messages ?? []) as { to: string; body: string; at: string }[];
    const message = messages.find((m) => m.to === number && m.body.includes(says) && !seen.has(m.body));
    const code = /Code (\d{6})/.exec(message?.body ?? '')?.[1];
    if (message && code) {
      seen.add(message.body);
      return code;
    }
    await new Promise((done) => setTimeout(done, 50));
  }
  throw new Error(`no code reached ${number} (${says})`);
}
