import { connect, type Socket } from 'node:net';

export type RawResponse = { status: number; headers: Record<string, string>; body: string };

/**
 * One kept-alive HTTP/1.1 connection driven byte by byte, so a test decides when each part of a request leaves.
 * `next()` resolves with the next whole response, or rejects when the server closes the socket first.
 */
export async function rawConnection(port: number) {
  const socket: Socket = connect(port, '127.0.0.1');
  await new Promise<void>((done, fail) => socket.once('connect', done).once('error', fail));
  let buffered = Buffer.alloc(0);
  let closed: Error | undefined;
  let wake: (() => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    wake?.();
  });
  const onGone = (error?: Error) => {
    closed ??= error ?? new Error('the server closed the connection');
    wake?.();
  };
  socket.on('error', onGone);
  socket.on('close', () => onGone());

  const parse = (bodyless: boolean): RawResponse | undefined => {
    const end = buffered.indexOf('\r\n\r\n');
    if (end < 0) return undefined;
    const [statusLine, ...lines] = buffered.subarray(0, end).toString('latin1').split('\r\n');
    const headers = Object.fromEntries(
      lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
    );
    // The answer to a HEAD says the length of a body it does not carry.
    const length = bodyless ? 0 : Number(headers['content-length'] ?? 0);
    if (headers['transfer-encoding'] === 'chunked') {
      const last = buffered.indexOf('0\r\n\r\n', end + 4);
      if (last < 0) return undefined;
      buffered = buffered.subarray(last + 5);
      return { status: Number(statusLine!.split(' ')[1]), headers, body: '' };
    }
    if (buffered.length < end + 4 + length) return undefined;
    const body = buffered.subarray(end + 4, end + 4 + length).toString('utf8');
    buffered = buffered.subarray(end + 4 + length);
    return { status: Number(statusLine!.split(' ')[1]), headers, body };
  };

  return {
    write: (bytes: string | Uint8Array) =>
      new Promise<void>((done) => {
        if (closed || socket.destroyed) return done();
        socket.write(bytes, () => done());
      }),
    next: async (options: { bodyless?: boolean } = {}): Promise<RawResponse> => {
      for (;;) {
        const response = parse(options.bodyless ?? false);
        if (response) return response;
        if (closed) throw closed;
        await new Promise<void>((done) => {
          wake = done;
        });
        wake = undefined;
      }
    },
    /** Whether the server has closed (or reset) this connection. */
    closed: () => closed !== undefined || socket.destroyed,
    close: () => socket.destroy(),
  };
}
