import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import { createApp } from './app.ts';
import { answerClientError, requestRefused } from './client-error.ts';
import { readConfig } from './config.ts';
import { openDatabase } from './db/client.ts';
import type { Deps } from './deps.ts';
import { answerAfterBody } from './keep-alive.ts';
import { nodePeerAddress } from './lib/client-address.ts';
import { deriveKeys, randomBytes, toBase64Url } from './lib/crypto.ts';
import { consoleLog } from './lib/log-line.ts';
import { passwordGate } from './lib/password-gate.ts';
import { runKeyRotation } from './services/key-rotation.ts';
import { dispatchDue } from './sms/dispatcher.ts';
import { smsFromConfig } from './sms/provider.ts';
import { apiVersion } from './version.ts';

/** Development only: a secret made once and kept beside the database, readable by its owner alone. */
function devSecret(dataDir: string): string {
  const path = join(dataDir, 'secret');
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secret = toBase64Url(randomBytes(32));
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return secret;
}

const config = readConfig(process.env);
const dataDir = resolve(config.TWOSTEP_DATA_DIR);
const log = consoleLog;
for (const warning of config.warnings) log(warning);
const database = await openDatabase(config.DATABASE_URL, config.DATABASE_AUTH_TOKEN);
const clock = { now: () => Date.now() };
const deps: Deps = {
  db: database.db,
  clock,
  keys: await deriveKeys(config.TWOSTEP_SECRET ?? devSecret(dataDir), config.TWOSTEP_SECRET_PREVIOUS),
  sms: smsFromConfig(config, database.db, clock, log),
  passwords: passwordGate(),
  clientAddress: nodePeerAddress,
  settings: {
    version: apiVersion,
    smsAllowedCountries: config.SMS_ALLOWED_COUNTRIES,
    allowedOrigins: config.ALLOWED_ORIGINS,
  },
  background: (task) => {
    task().catch((error: unknown) => log(`background task failed: ${error instanceof Error ? error.name : 'error'}`));
  },
  log,
};
const app = createApp(deps);

// Each send starts delivery at once (deps.background); this sweep retries what failed and what a crash left.
const sweep = setInterval(() => deps.background(() => dispatchDue(deps)), 2_000);
// Re-seals values not under the current secret (after a rotation, or written before key ids): now, then each minute.
log(`secret key ${deps.keys.keyId}${deps.keys.previous ? `, previous key ${deps.keys.previous.keyId}` : ''}`);
deps.background(() => runKeyRotation(deps));
const reseal = setInterval(() => deps.background(() => runKeyRotation(deps)), 60_000);

// A whole request (headers and body, the largest an import) within 30 s, its headers within 10 s: a client that
// trickles ties up a socket no longer than that (Node's defaults are 300 s and 60 s).
const serverOptions = { requestTimeout: 30_000, headersTimeout: 10_000 };
// serve() would not pass an errorHandler on: the listener is built here, so that a request @hono/node-server cannot
// turn into a URL gets the contract's error shape (server/src/client-error.ts).
const listener = getRequestListener(answerAfterBody(app.fetch), {
  hostname: config.HOST,
  errorHandler: requestRefused(log),
});
const server = createServer(serverOptions, listener);
server.listen(config.PORT, config.HOST, () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  console.log(`listening on http://${host}:${port}`);
});
// Node keeps a socket's peer address only once it has been read: read it as the connection opens.
server.on('connection', (socket: Socket) => void socket.remoteAddress);
// A request the HTTP parser refuses gets its answer in the contract's shape, not Node's bare status line.
server.on('clientError', answerClientError);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    clearInterval(sweep);
    clearInterval(reseal);
    server.close();
    database.close();
    process.exit(0);
  });
}
