import type { Duplex } from 'node:stream';
import { type ErrorCode, errorStatus } from '@twostep/shared';

type Answer = { code: ErrorCode; reason: string; message: string };

const answers: Record<string, Answer> = {
  HPE_HEADER_OVERFLOW: {
    code: 'headers_too_large',
    reason: 'Request Header Fields Too Large',
    message: 'The request line and headers are larger than the server reads (16 KiB).',
  },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: {
    code: 'payload_too_large',
    reason: 'Payload Too Large',
    message: 'The chunk extensions are too large.',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    code: 'request_timeout',
    reason: 'Request Timeout',
    message: 'The request did not arrive in time.',
  },
};
const malformed: Answer = {
  code: 'invalid_request',
  reason: 'Bad Request',
  message: 'The request is not well-formed HTTP/1.1.',
};

/** The bytes of an answer to a request Node could not parse: the contract's error shape, then the socket closes. */
export function clientErrorAnswer(errorCode: string | undefined): string {
  const answer = answers[errorCode ?? ''] ?? malformed;
  const body = JSON.stringify({ error: { code: answer.code, message: answer.message } });
  return [
    `HTTP/1.1 ${errorStatus[answer.code]} ${answer.reason}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-store',
    'X-Content-Type-Options: nosniff',
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/**
 * The `clientError` listener of the Node server. A request the HTTP parser refuses (a NUL, a bare CR or a byte
 * over 0x7f in its head, a head over 16 KiB, a time-out) gets no answer from Hono: Node writes a bare status line
 * with no body. This writes the contract's `{"error":{"code","message"}}` instead, under the same condition as
 * Node (no answer of this socket is on its way yet), and closes the socket as Node does. Nothing is logged: the
 * request's bytes are the client's, not a server event.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
    socket.destroy();
    return;
  }
  // end, not destroy: a socket destroyed with unread bytes from the client sends a reset, which can take the
  // answer with it. The client has a moment to read it, then the socket goes.
  socket.end(clientErrorAnswer(error.code));
  const timer = setTimeout(() => socket.destroy(), 2_000);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

/**
 * The `errorHandler` of @hono/node-server's listener: a request it cannot build a URL for (a backslash in the
 * path, a Host header that is not a host, a target that is not a path) would get a 400 with no body. It gets the
 * contract's shape; anything else (never expected: the app answers its own errors) a 500 in that shape too.
 */
export function requestRefused(log: (line: string) => void) {
  return (error: unknown): Response => {
    const refused = error instanceof Error && error.name === 'RequestError';
    if (!refused) log(`error before the app: ${error instanceof Error ? error.name : 'unknown'}`);
    const code: ErrorCode = refused ? 'invalid_request' : 'internal_error';
    const message = refused
      ? 'The request target or its Host header is not valid.'
      : 'Something went wrong on the server.';
    return new Response(JSON.stringify({ error: { code, message } }), {
      status: errorStatus[code],
      headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' },
    });
  };
}
