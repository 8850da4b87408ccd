import type { Context } from 'hono';
import type { EventContext } from '../db/audit-events.ts';
import type { AppEnv } from '../deps.ts';

export { type EventContext, type EventInput, eventInsert, eventInsertWhen } from '../db/audit-events.ts';

type NodeBindings = { incoming?: { socket?: { remoteAddress?: string } } };

export function clientIp(c: Context<AppEnv>): string | null {
  // On Node the peer's address is the truth: any client can send a cf-connecting-ip header of its choosing.
  // Only on Workers, where Cloudflare sets it, is the header trusted.
  const socketAddress = (c.env as NodeBindings | undefined)?.incoming?.socket?.remoteAddress;
  if (socketAddress !== undefined) return socketAddress;
  return c.req.header('cf-connecting-ip') ?? null;
}

/** Audit context of the signed-in member making this request. */
export function auditContext(c: Context<AppEnv>): EventContext {
  return { teamId: c.var.member.teamId, actor: c.var.member.id, ip: clientIp(c) };
}
