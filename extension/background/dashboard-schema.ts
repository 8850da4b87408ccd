import {
  findingKinds,
  holderInput,
  idParam,
  inviteBody,
  limits,
  platforms,
  roles,
  severities,
  twoStepStatuses,
} from '@twostep/shared';
import { z } from 'zod';
import { grantsBatchMax } from '@/messages/dashboard-intents.ts';

const id = idParam.shape.id;
const text = z.string().max(200);
const cursor = z.string().max(1000).optional();
const limit = z.number().int().min(1).max(limits.listMax).optional();
const intent = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.strictObject({ type: z.literal(type), ...shape });

/** The dashboard's intents as the background accepts them; joined into intentSchema. */
export const dashboardIntentSchemas = [
  intent('dashboard.report', {
    kind: z.enum(findingKinds).optional(),
    severity: z.enum(severities).optional(),
    platform: z.enum(platforms).optional(),
    client: text.optional(),
    cursor,
    limit,
  }),
  intent('dashboard.reportCsv', {}),
  intent('dashboard.accounts', {
    platform: z.enum(platforms).optional(),
    client: text.optional(),
    status: z.enum(twoStepStatuses).optional(),
    q: text.optional(),
    cursor,
    limit,
  }),
  intent('dashboard.phones', { q: text.optional(), holder: id.optional(), cursor, limit }),
  intent('dashboard.phoneUpdate', {
    phoneId: id,
    label: z.string().max(100).optional(),
    holder: holderInput.nullable().optional(),
  }),
  intent('dashboard.members', {}),
  intent('dashboard.invite', { email: z.string().max(254), role: inviteBody.shape.role }),
  intent('dashboard.invites', {}),
  intent('dashboard.inviteRevoke', { inviteId: id }),
  intent('dashboard.memberRole', { memberId: id, role: z.enum(roles) }),
  intent('dashboard.memberRemove', { memberId: id }),
  intent('dashboard.grants', { accountIds: z.array(id).min(1).max(grantsBatchMax) }),
  intent('dashboard.grantSet', { accountId: id, memberId: id, granted: z.boolean() }),
  intent('dashboard.events', { accountId: id.optional(), memberId: id.optional(), before: cursor, limit }),
  intent('dashboard.importChunk', { csv: z.string().min(1).max(limits.importMaxBytes) }),
] as const;
