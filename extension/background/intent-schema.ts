import { idParam, verifyBody } from '@twostep/shared';
import { z } from 'zod';
import type { Intent } from '@/messages/intents.ts';
import { accountIntentSchemas } from './account-intent-schema.ts';
import { dashboardIntentSchemas } from './dashboard-schema.ts';
import { pageIntentSchemas } from './page-intent-schema.ts';

const id = idParam.shape.id;
const empty = <T extends string>(type: T) => z.strictObject({ type: z.literal(type) });

/** The shape every message must have before the background acts on it; anything else is refused. */
export const intentSchema = z.discriminatedUnion('type', [
  empty('session.get'),
  z.strictObject({
    type: z.literal('session.signIn'),
    serverUrl: z.string().max(2000),
    email: z.string().max(254),
    password: z.string().max(256),
  }),
  empty('session.signOut'),
  empty('accounts.list'),
  z.strictObject({ type: z.literal('account.get'), accountId: id }),
  z.strictObject({ type: z.literal('unlock.status'), accountId: id }),
  z.strictObject({ type: z.literal('unlock.start'), accountId: id }),
  z.strictObject({ type: z.literal('challenge.verify'), challengeId: id, code: verifyBody.shape.code }),
  z.strictObject({ type: z.literal('challenge.resend'), challengeId: id }),
  z.strictObject({ type: z.literal('secret.get'), accountId: id }),
  ...accountIntentSchemas,
  ...dashboardIntentSchemas,
  ...pageIntentSchemas,
]) satisfies z.ZodType<Intent>;
