import { Hono } from 'hono';
import type { AppEnv } from '../deps.ts';
import { requireMember, requireRole } from '../middleware/auth.ts';
import { auditContext } from '../services/audit.ts';
import { importAccounts } from '../services/import.ts';

// Mounted on /v1/accounts beside accountRoutes: the middleware is on the route itself, so it guards this path only.
export const importRoutes = new Hono<AppEnv>().post('/import', requireMember, requireRole('lead'), async (c) => {
  const result = await importAccounts(c.var.deps, auditContext(c), await c.req.text());
  return c.json(result, 200);
});
