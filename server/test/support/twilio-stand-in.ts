import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Scripted = { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number };
export type Received = { to: string; from: string; body: string; authorization: string | undefined };

/** `dateSent` stays null while Twilio still holds the message (queued, accepted), as Twilio's own list shows it. */
export type Accepted = Received & { sid: string; dateCreated: Date; dateSent: Date | null };

/** Twilio's dates: RFC 2822 in UTC, as `Tue, 01 Dec 2026 21:59:07 +0000`. */
const rfc2822 = (date: Date) => date.toUTCString().replace('GMT', '+0000');

/**
 * A local stand-in that speaks Twilio's Messages API: POST /2010-04-01/Accounts/{sid}/Messages.json,
 * form-encoded To/From/Body, HTTP Basic auth; 201 with a message resource. `script` queues other answers.
 * GET on the same path lists accepted messages, newest first, filtered by To, From and `DateSent>=` (a UTC day; a
 * message not sent yet has no date_sent and never matches it), as Twilio does. `state.down` resets every connection, as a provider that cannot be reached;
 * `state.answerDelayMs` holds the answer to a message already taken.
 */
export async function startTwilioStandIn(
  credentials = { sid: 'AC00000000000000000000000000000001', token: 'stand-in-token' },
) {
  const received: Received[] = [];
  const accepted: Accepted[] = [];
  const script: Scripted[] = [];
  const state = { down: false, lookups: 0, answerDelayMs: 0 };
  const expectedAuth = `Basic ${Buffer.from(`${credentials.sid}:${credentials.token}`).toString('base64')}`;

  const reply = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (state.down) return req.socket.destroy();
    const [path, search] = (req.url ?? '').split('?');
    const known = path === `/2010-04-01/Accounts/${credentials.sid}/Messages.json`;
    if (!known || (req.method !== 'POST' && req.method !== 'GET')) {
      return reply(res, 404, { code: 20404, message: 'The requested resource was not found', status: 404 });
    }
    if (req.headers.authorization !== expectedAuth) {
      return reply(res, 401, { code: 20003, message: 'Authenticate', status: 401 });
    }
    if (req.method === 'GET') {
      state.lookups++;
      const query = new URLSearchParams(search ?? '');
      const since = query.get('DateSent>') ?? '';
      const messages = accepted
        .filter(
          (m) => (!query.get('To') || m.to === query.get('To')) && (!query.get('From') || m.from === query.get('From')),
        )
        .filter(
          (m) => !query.has('DateSent>') || (m.dateSent !== null && m.dateSent.toISOString().slice(0, 10) >= since),
        )
        .reverse()
        .slice(0, Number(query.get('PageSize') ?? 50))
        .map((m) => ({
          sid: m.sid,
          to: m.to,
          from: m.from,
          body: m.body,
          status: m.dateSent ? 'delivered' : 'queued',
          date_created: rfc2822(m.dateCreated),
          date_sent: m.dateSent ? rfc2822(m.dateSent) : null,
        }));
      return reply(res, 200, { messages, page: 0, page_size: messages.length, next_page_uri: null });
    }
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const message = {
      to: form.get('To') ?? '',
      from: form.get('From') ?? '',
      body: form.get('Body') ?? '',
      authorization: req.headers.authorization,
    };
    if (!message.to || !message.from || !message.body) {
      return reply(res, 400, { code: 21604, message: "A 'To' phone number is required.", status: 400 });
    }
    const next = script.shift();
    if (next?.delayMs) await new Promise((resolve) => setTimeout(resolve, next.delayMs));
    if (next && next.status !== 201)
      return reply(res, next.status, next.body ?? { code: 20500, status: next.status }, next.headers);
    received.push(message);
    const sid = `SM${randomBytes(16).toString('hex')}`;
    accepted.push({ ...message, sid, dateCreated: new Date(), dateSent: null });
    // Taken but not yet answered: a client that dies now never learns that its message went out.
    if (state.answerDelayMs) await new Promise((resolve) => setTimeout(resolve, state.answerDelayMs));
    return reply(res, 201, {
      sid,
      account_sid: credentials.sid,
      to: message.to,
      from: message.from,
      body: message.body,
      status: 'queued',
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    credentials,
    received,
    accepted,
    script,
    state,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
