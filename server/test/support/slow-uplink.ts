import type { AddressInfo } from 'node:net';
import { connect, createServer, type Socket } from 'node:net';

/**
 * A TCP relay in front of a server that carries what the client sends at `bytesPerSecond` (a slow uplink, as from
 * a phone) and the answers at full speed. It counts the connections clients opened through it.
 */
export async function startSlowUplink(targetPort: number, bytesPerSecond: number) {
  let connections = 0;
  const sockets = new Set<Socket>();
  const relay = createServer((client) => {
    connections++;
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(client).add(upstream);
    client.on('data', (chunk: Buffer) => {
      client.pause();
      upstream.write(chunk, () => setTimeout(() => client.resume(), (chunk.length / bytesPerSecond) * 1000));
    });
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) socket.on('error', end).on('close', end);
    client.on('end', () => upstream.end());
  });
  await new Promise<void>((ready) => relay.listen(0, '127.0.0.1', ready));
  return {
    port: (relay.address() as AddressInfo).port,
    connections: () => connections,
    close: () =>
      new Promise<void>((done) => {
        for (const socket of sockets) socket.destroy();
        relay.close(() => done());
      }),
  };
}
