import { AsyncLocalStorage } from 'node:async_hooks';
import type { ExecutionContext } from 'hono';
import { type App, createApp } from './app.ts';
import { readConfig, workerDatabaseUrl } from './config.ts';
import { type D1Binding, d1Database } from './db/d1.ts';
import type { Db } from './db/db.ts';
import { libsqlWebDatabase } from './db/libsql-web.ts';
import type { Deps } from './deps.ts';
import { cloudflareClientAddress } from './lib/client-address.ts';
import { deriveKeys } from './lib/crypto.ts';
import { consoleLog } from './lib/log-line.ts';
import { passwordGate } from './lib/password-gate.ts';
import { runKeyRotation } from './services/key-rotation.ts';
import { dispatchDue } from './sms/dispatcher.ts';
import { smsFromConfig } from './sms/provider.ts';
import { dispatchWithRetries } from './sms/retry-soon.ts';
import { apiVersion } from './version.ts';

// Cloudflare Workers entry. The app and its deps are built once per isolate, on the first event; all state
// that must outlive a request (sessions, rate limits, unlocks, the SMS outbox) lives in the database.

/** The Worker's environment: the D1 binding `DB` (wrangler.jsonc) and the same variables as `npm run serve`. */
export type WorkerEnv = { DB?: D1Binding } & Record<string, unknown>;

/** The part of Workers' ExecutionContext that deps.background needs. */
type WaitUntil = Pick<ExecutionContext, 'waitUntil'>;

type ScheduledEvent = { cron: string; scheduledTime: number };

const log = consoleLog;

/**
 * `waitUntil` belongs to each request (or cron event), while deps are shared by every request of the isolate,
 * and Workers interleave concurrent requests in one isolate. So deps.background looks up the execution context
 * of the event it runs in through AsyncLocalStorage (compatibility flag nodejs_compat) instead of holding one.
 */
const currentEvent = new AsyncLocalStorage<WaitUntil>();

function background(task: () => Promise<unknown>): void {
  const event = currentEvent.getStore();
  if (!event) throw new Error('deps.background was called outside a request or scheduled event.');
  event.waitUntil(
    task().catch((error: unknown) => log(`background task failed: ${error instanceof Error ? error.name : 'error'}`)),
  );
}

function stringVars(env: WorkerEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

function openDatabase(env: WorkerEnv, vars: Record<string, string>, authToken: string | undefined): Db {
  const url = workerDatabaseUrl(vars);
  if (url) return libsqlWebDatabase(url, authToken);
  if (!env.DB) throw new Error('No database: bind a D1 database as DB in wrangler.jsonc, or set DATABASE_URL.');
  return d1Database(env.DB);
}

/** Real deps from the Workers environment (exported for tests, which run it inside workerd). */
export async function workerDeps(env: WorkerEnv): Promise<Deps> {
  const vars = stringVars(env);
  const config = readConfig(vars);
  for (const warning of config.warnings) log(warning);
  if (!config.TWOSTEP_SECRET)
    throw new Error('TWOSTEP_SECRET is required on Workers: `wrangler secret put TWOSTEP_SECRET`.');
  const db = openDatabase(env, vars, config.DATABASE_AUTH_TOKEN);
  const clock = { now: () => Date.now() };
  const deps: Deps = {
    db,
    clock,
    keys: await deriveKeys(config.TWOSTEP_SECRET, config.TWOSTEP_SECRET_PREVIOUS),
    sms: smsFromConfig(config, db, clock, log),
    passwords: passwordGate(),
    clientAddress: cloudflareClientAddress,
    settings: {
      version: apiVersion,
      smsAllowedCountries: config.SMS_ALLOWED_COUNTRIES,
      allowedOrigins: config.ALLOWED_ORIGINS,
    },
    // A send's first retries run in its request's waitUntil, with short back-off; the cron takes the rest.
    background: (task) => background(() => task().then(() => dispatchWithRetries(deps))),
    log,
  };
  return deps;
}

let isolate: Promise<{ app: App; deps: Deps }> | undefined;

/** The isolate's app, built on first use; a failed build is not cached, so a fixed secret takes effect at once. */
function ready(env: WorkerEnv) {
  if (!isolate) {
    const building = workerDeps(env).then((deps) => ({ app: createApp(deps), deps }));
    building.catch(() => {
      if (isolate === building) isolate = undefined;
    });
    isolate = building;
  }
  return isolate;
}

/** Delivers due SMS (the cron trigger: retries, and anything a finished request's waitUntil left behind). */
export async function runScheduled(deps: Deps): Promise<void> {
  const { sent, failed } = await dispatchDue(deps);
  if (sent || failed) log(`cron: ${sent} sms sent, ${failed} failed`);
  // Re-sealing under the current secret goes on a bounded step per cron (up to 2,000 values a minute).
  await runKeyRotation(deps, { batchSize: 100, maxBatches: 20 });
}

export default {
  async fetch(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response> {
    let app: App;
    try {
      ({ app } = await ready(env));
    } catch (error) {
      log(`startup failed: ${error instanceof Error ? error.message : 'error'}`);
      const body = { error: { code: 'internal_error', message: 'The server is not configured correctly.' } };
      return Response.json(body, { status: 500 });
    }
    return currentEvent.run(ctx, () => app.fetch(request, env, ctx));
  },

  async scheduled(_event: ScheduledEvent, env: WorkerEnv, ctx: WaitUntil): Promise<void> {
    const { deps } = await ready(env);
    await currentEvent.run(ctx, () => runScheduled(deps));
  },
};
