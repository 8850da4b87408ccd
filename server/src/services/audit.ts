import type { Context } from 'hono';
import type { EventContext } from '../db/audit-events.ts';
import type { AppEnv } from '../deps.ts';

export { type EventContext, type EventInput, eventInsert, eventInsertWhen } from '../db/audit-events.ts';

/** The request's address, as the runtime's deps.clientAddress read it when the request started. */
export function clientIp(c: Context<AppEnv>): string | null {
  return c.var.clientIp ?? null;
}

/** Audit context of the signed-in member making this request. */
export function auditContext(c: Context<AppEnv>): EventContext {
  return { teamId: c.var.member.teamId, actor: c.var.member.id, ip: clientIp(c) };
}
