import type { KeyRotationStatus } from '@twostep/shared';
import { Hono } from 'hono';
import type { AppEnv } from '../deps.ts';
import { requireMember, requireRole } from '../middleware/auth.ts';
import { rotationStatus } from '../services/key-rotation.ts';

/** Operator's view (owner only): how far re-sealing under the current TWOSTEP_SECRET is (server/DEPLOY.md). */
export const adminRoutes = new Hono<AppEnv>().get('/key-rotation', requireMember, requireRole('owner'), async (c) => {
  const status: KeyRotationStatus = await rotationStatus(c.var.deps);
  return c.json(status, 200);
});
