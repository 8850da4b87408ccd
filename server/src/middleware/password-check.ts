import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../deps.ts';

/**
 * A place at the password gate, taken before the route does anything else: a busy server answers 429 before a
 * sign-in attempt is counted against its email. The route hashes through `c.var.passwordCheck`.
 */
export const reservePasswordCheck = createMiddleware<AppEnv>(async (c, next) => {
  const ticket = c.var.deps.passwords.reserve(c.var.clientIp);
  c.set('passwordCheck', ticket);
  try {
    await next();
  } finally {
    ticket.release();
  }
});
