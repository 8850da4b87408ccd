import type { FuzzRequest } from '../route-fuzz-support.ts';
import { type RawResponse, rawConnection } from './raw-http.ts';

type Connection = Awaited<ReturnType<typeof rawConnection>>;

/** Node closes an idle kept-alive socket after 5 s (keepAliveTimeout); a close sooner than this was not announced. */
const idleCloseMs = 4_000;

const withinDeadline = (answer: Promise<RawResponse>, label: string) => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`no answer within 15 s: ${label}`)), 15_000);
  });
  return Promise.race([answer, late]).finally(() => clearTimeout(timer));
};

/**
 * `lanes` kept-alive raw connections to a server. A request that breaks its head goes alone on a connection of its
 * own. A connection is replaced only after an answer that said `Connection: close` (or Node's idle time-out);
 * a request without an answer, or a socket closed under the client unannounced, is an error.
 */
export function rawPool(port: number, lanes: number) {
  const pool: { connection: Connection; lastAnswer: number }[] = [];
  const tally = { requests: 0, alone: 0, reused: 0 };

  async function send(lane: number, request: FuzzRequest): Promise<RawResponse> {
    tally.requests++;
    const bodyless = request.method === 'HEAD';
    if (request.alone) {
      tally.alone++;
      const connection = await rawConnection(port);
      try {
        await connection.write(request.bytes);
        return await withinDeadline(connection.next({ bodyless }), request.label);
      } finally {
        connection.close();
      }
    }
    let held = pool[lane];
    if (held?.connection.closed() && Date.now() - held.lastAnswer < idleCloseMs) {
      throw new Error(`a kept-alive socket was closed with no Connection: close, before: ${request.label}`);
    }
    if (!held || held.connection.closed()) {
      held = { connection: await rawConnection(port), lastAnswer: Date.now() };
      pool[lane] = held;
    } else tally.reused++;
    const { connection } = held;
    await connection.write(request.bytes);
    try {
      const answer = await withinDeadline(connection.next({ bodyless }), request.label);
      held.lastAnswer = Date.now();
      if (answer.headers.connection === 'close') {
        connection.close();
        delete pool[lane];
      }
      return answer;
    } catch (error) {
      delete pool[lane];
      connection.close();
      throw new Error(`dropped: ${request.label}: ${(error as Error).message}`);
    }
  }

  return { send, tally, lanes };
}
