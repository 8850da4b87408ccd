import { limits } from '@twostep/shared';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import type { AppEnv, Deps } from './deps.ts';
import { UnreadableSealError } from './lib/crypto.ts';
import { ApiError } from './lib/errors.ts';
import { accountRoutes } from './routes/accounts.ts';
import { adminRoutes } from './routes/admin.ts';
import { authRoutes } from './routes/auth.ts';
import { backupCodeRoutes } from './routes/backup-codes.ts';
import { challengeRoutes } from './routes/challenges.ts';
import { devRoutes } from './routes/dev.ts';
import { eventRoutes } from './routes/events.ts';
import { grantRoutes } from './routes/grants.ts';
import { importRoutes } from './routes/import.ts';
import { inviteRoutes } from './routes/invites.ts';
import { loginFilledRoutes } from './routes/login-filled.ts';
import { memberRoutes } from './routes/members.ts';
import { phoneRoutes } from './routes/phones.ts';
import { reportRoutes } from './routes/reports.ts';
import { secretRoutes } from './routes/secrets.ts';
import { twoStepRoutes } from './routes/two-step.ts';

const extensionOrigin = /^(chrome|moz)-extension:\/\/[a-z0-9-]+$/;
const bodyMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** A log line for an unexpected error. Query parameters are cut: they may hold ciphertexts or hashes. */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.name}: ${error.message.split('\nparams:')[0]!.slice(0, 300)}${cause.slice(0, 300)}`;
}

/** A stored value the server cannot open: the operator's to fix (server/DEPLOY.md), said plainly to the caller. */
function unreadableSeal(error: UnreadableSealError) {
  const message =
    error.reason === 'unknown_key'
      ? 'This value was sealed with a server secret this server no longer holds: ask the operator to set TWOSTEP_SECRET_PREVIOUS to it (server/DEPLOY.md).'
      : 'This stored value failed its integrity check and cannot be read: store it again.';
  return new ApiError('secret_unreadable', message, { reason: error.reason });
}

export function createApp(deps: Deps) {
  const app = new Hono<AppEnv>();

  // Headers are set before the answer exists: touching a finished response's headers makes @hono/node-server
  // build a whole Response, for every request.
  app.use(async (c, next) => {
    c.set('deps', deps);
    // Taken before anything awaits: on Node the socket may be gone by the time an event is written.
    c.set('clientIp', deps.clientAddress(c.req.raw, c.env));
    c.header('Cache-Control', 'no-store');
    c.header('X-Content-Type-Options', 'nosniff');
    await next();
  });
  // CORS only concerns browsers, which always send Origin; hono's cors writes headers on c.res before the route runs.
  const corsHeaders = cors({
    origin: (origin) => (extensionOrigin.test(origin) || deps.settings.allowedOrigins.includes(origin) ? origin : null),
    allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowHeaders: ['Authorization', 'Content-Type'],
    exposeHeaders: ['Retry-After'],
    maxAge: 600,
  });
  app.use((c, next) => (c.req.header('origin') === undefined ? next() : corsHeaders(c, next)));
  app.use(async (c, next) => {
    if (!bodyMethods.has(c.req.method)) return next();
    const length = c.req.header('content-length');
    const declared = c.req.header('content-type');
    // A body announced by its length, its transfer encoding or its type must be of the type the route reads.
    const hasBody = (length !== undefined && length !== '0') || c.req.header('transfer-encoding') !== undefined;
    if (!hasBody && declared === undefined) return next();
    const type = (declared ?? '').split(';')[0]!.trim().toLowerCase();
    const wanted = c.req.path.endsWith('/accounts/import') ? 'text/csv' : 'application/json';
    if (type !== wanted) throw new ApiError('unsupported_media_type', `Send the body as ${wanted}.`);
    return next();
  });
  const tooLarge = (message: string) => () => {
    throw new ApiError('payload_too_large', message);
  };
  const importTooLarge = tooLarge('The request body is too large.');
  const jsonTooLarge = tooLarge(`The request body is larger than ${limits.bodyMaxBytes} bytes.`);
  const importLimit = bodyLimit({ maxSize: limits.importMaxBytes, onError: importTooLarge });
  const jsonLimit = bodyLimit({ maxSize: limits.bodyMaxBytes, onError: jsonTooLarge });
  app.use(async (c, next) => {
    if (!bodyMethods.has(c.req.method)) return next();
    const isImport = c.req.path.endsWith('/accounts/import');
    // bodyLimit reads c.req.raw.body, which makes @hono/node-server build a whole Request for every request. A
    // declared length decides alone, as in bodyLimit itself (the HTTP parser holds a body to its length).
    const length = c.req.header('content-length');
    if (length !== undefined && c.req.header('transfer-encoding') === undefined) {
      // A length that is not digits would parse to NaN and pass every limit.
      if (!/^\d+$/.test(length.trim()))
        throw new ApiError('invalid_request', 'Content-Length must be a number of bytes.');
      const size = Number.parseInt(length, 10);
      if (size > limits.importMaxBytes) importTooLarge();
      if (!isImport && size > limits.bodyMaxBytes) jsonTooLarge();
      return next();
    }
    return importLimit(c, async () => {
      await (isImport ? next() : jsonLimit(c, next));
    });
  });

  const routes = app
    .route('/v1', authRoutes)
    .route('/v1/invites', inviteRoutes)
    .route('/v1/members', memberRoutes)
    // POST /v1/accounts/import before accountRoutes: no '/:id' route may take it (accountRoutes has no POST '/:id').
    .route('/v1/accounts', importRoutes)
    .route('/v1/accounts', accountRoutes)
    .route('/v1/accounts', grantRoutes)
    .route('/v1/accounts', twoStepRoutes)
    .route('/v1/accounts', secretRoutes)
    .route('/v1/accounts', backupCodeRoutes)
    .route('/v1/accounts', loginFilledRoutes)
    .route('/v1/challenges', challengeRoutes)
    .route('/v1/phones', phoneRoutes)
    .route('/v1/events', eventRoutes)
    .route('/v1/reports', reportRoutes)
    .route('/v1/admin', adminRoutes);

  // The dev outbox exists only in outbox mode; in every other mode the route is simply not there.
  if (deps.sms.name === 'outbox') app.route('/v1/dev', devRoutes);

  app.notFound((c) => c.json(new ApiError('not_found', 'No such endpoint.').body(), 404));
  app.onError((error, c) => {
    if (error instanceof ApiError) {
      for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
      return c.json(error.body(), error.status as 400);
    }
    if (error instanceof UnreadableSealError) {
      deps.log(`unreadable sealed value on ${c.req.method} ${c.req.path}: ${error.message}`);
      return c.json(unreadableSeal(error).body(), 503);
    }
    if (error instanceof HTTPException && error.status < 500) {
      const code = error.status === 413 ? 'payload_too_large' : 'invalid_request';
      const message = /json/i.test(error.message) ? 'The body is not valid JSON.' : error.message || 'Bad request.';
      return c.json(new ApiError(code, message).body(), error.status);
    }
    deps.log(`error ${c.req.method} ${c.req.path}: ${describeError(error)}`);
    return c.json(new ApiError('internal_error', 'Something went wrong on the server.').body(), 500);
  });

  return routes;
}

export type App = ReturnType<typeof createApp>;
