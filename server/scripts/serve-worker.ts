// `npm run serve:worker`: the API inside local workerd (wrangler dev) with a local D1 database, migrations applied,
// configured by the same environment variables as `npm run serve` (DESIGN.md section 6).
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { configNames, readConfig } from '../src/config.ts';
import { randomBytes, toBase64Url } from '../src/lib/crypto.ts';

const serverDir = resolve(import.meta.dirname, '..');
const wrangler = join(serverDir, '..', 'node_modules', 'wrangler', 'bin', 'wrangler.js');
// Offline machines: no telemetry, no update check.
const quiet = { ...process.env, WRANGLER_SEND_METRICS: 'false', WRANGLER_HIDE_BANNER: 'true', CI: 'true' };

const config = readConfig(process.env); // the same checks and defaults as `npm run serve`
const dataDir = resolve(config.TWOSTEP_DATA_DIR);
const persistTo = join(dataDir, 'workerd');
mkdirSync(persistTo, { recursive: true });

/** The same development secret `npm run serve` makes and keeps beside its database. */
function devSecret(): string {
  const path = join(dataDir, 'secret');
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const secret = toBase64Url(randomBytes(32));
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return secret;
}

const vars: Record<string, string> = { NODE_ENV: config.NODE_ENV };
for (const name of configNames) {
  const value = process.env[name];
  if (value && !['PORT', 'HOST', 'TWOSTEP_DATA_DIR'].includes(name)) vars[name] = value;
}
vars.TWOSTEP_SECRET = config.TWOSTEP_SECRET ?? devSecret();
// A local file or :memory: cannot be opened from workerd: those mean "the local D1 database" here.
const usesD1 = !/^(libsql|https?|wss?):\/\//.test(vars.DATABASE_URL ?? '');
if (usesD1) delete vars.DATABASE_URL;

if (usesD1) {
  console.log(`applying migrations to the local D1 database in ${persistTo}`);
  const applied = spawnSync(
    process.execPath,
    [wrangler, 'd1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistTo],
    { cwd: serverDir, env: quiet, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (applied.status !== 0) process.exit(applied.status ?? 1);
} else {
  console.log('using the libSQL server in DATABASE_URL (migrate it with `npm run db:migrate -w server`)');
}

// Variables go to the Worker through a file readable by this user alone, not on a command line others can read.
const envFile = join(persistTo, 'vars.env');
const quote = (value: string) => JSON.stringify(value);
writeFileSync(
  envFile,
  Object.entries(vars)
    .map(([name, value]) => `${name}=${quote(value)}\n`)
    .join(''),
  { mode: 0o600 },
);
chmodSync(envFile, 0o600);

const dev = spawn(
  process.execPath,
  [
    wrangler,
    'dev',
    '--ip',
    config.HOST,
    '--port',
    String(config.PORT),
    '--persist-to',
    persistTo,
    '--env-file',
    envFile,
    '--show-interactive-dev-session=false',
    // Exposes /__scheduled, which the timer below calls: wrangler dev fires no cron trigger by itself.
    '--test-scheduled',
  ],
  { cwd: serverDir, env: quiet, stdio: ['ignore', 'inherit', 'inherit'] },
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => dev.kill(signal));
dev.on('exit', (code) => process.exit(code ?? 0));

const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
const url = `http://${host}:${config.PORT}`;
for (let i = 0; i < 600; i++) {
  const healthy = await fetch(`${url}/v1/health`)
    .then((response) => response.ok)
    .catch(() => false);
  if (healthy) {
    console.log(`listening on ${url}`);
    break;
  }
  await new Promise((done) => setTimeout(done, 100));
}

// As in production (wrangler.jsonc: every minute), the scheduled handler delivers due SMS: retries, leftovers.
// SERVE_WORKER_CRON_SECONDS (this script's own) shortens the period for tests.
const cronSeconds = Number(process.env.SERVE_WORKER_CRON_SECONDS ?? 60);
setInterval(() => {
  fetch(`${url}/__scheduled?cron=${encodeURIComponent('* * * * *')}`)
    .then((response) => response.body?.cancel())
    .catch(() => console.log('scheduled trigger: the local Worker did not answer'));
}, cronSeconds * 1000);
