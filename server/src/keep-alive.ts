import { IncomingMessage } from 'node:http';
import type { Http2Bindings, HttpBindings } from '@hono/node-server';
import { limits } from '@twostep/shared';

/** The most of an unread body the Node server reads (and drops) so that the connection can stay open. */
export const drainMaxBytes = 2 * limits.importMaxBytes;
/** The longest an answer waits for the rest of a body: a client trickling it gets its answer and a closed socket. */
export const drainDeadlineMs = 3_000;

type Fetch = (request: Request, env: HttpBindings | Http2Bindings) => Response | Promise<Response>;

async function readToEnd(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<boolean> {
  const reader = body.getReader();
  let read = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return true;
      read += value.byteLength;
      if (read > maxBytes) {
        await reader.cancel();
        return false;
      }
    }
  } catch {
    return false;
  }
}

function closing(response: Response): Response {
  const headers = new Headers(response.headers);
  headers.set('Connection', 'close');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/**
 * An answer given before the request's body was read (413 by its length, 415, 404, 401, a preflight) leaves that
 * body on a kept-alive socket. @hono/node-server then drains it for at most 500 ms and closes the socket, under a
 * client that was told `keep-alive` and may already have sent its next request there: on a busy machine that
 * request got no answer at all. So the answer waits until the rest of the body is read (up to drainMaxBytes);
 * a body bigger than that, or one a handler read in part, gets its answer with `Connection: close`, which tells the
 * client not to reuse the socket. A body still coming after drainDeadlineMs gets its answer then, also closing.
 */
export function answerAfterBody(fetch: Fetch): Fetch {
  return async (request, env) => {
    const response = await fetch(request, env);
    const incoming = env.incoming;
    if (!(incoming instanceof IncomingMessage)) return response;
    // The parser has the whole request (a GET, or a body the handler read): nothing is left on the socket.
    if (incoming.complete || incoming.destroyed) return response;
    const body = request.body;
    // No body stream for GET and HEAD: Node itself reads and drops such a body after the answer, with no deadline.
    if (body === null) return response;
    const declared = Number(incoming.headers['content-length'] ?? 0);
    if (body.locked || declared > drainMaxBytes) return closing(response);
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The reader is not cancelled on time-out: that would destroy the socket under the answer. Connection: close
    // ends the socket once the answer is out, and the pending read with it.
    const late = new Promise<false>((done) => {
      timer = setTimeout(() => done(false), drainDeadlineMs);
    });
    const read = await Promise.race([readToEnd(body, drainMaxBytes), late]).finally(() => clearTimeout(timer));
    return read ? response : closing(response);
  };
}
