import { idParam } from '@twostep/shared';
import { z } from 'zod';

const id = idParam.shape.id;
const field = (max: number) => z.string().max(max);
const account = { accountId: id };

/**
 * The account actions' messages. Bounds only (sizes, ids): the server checks the content itself and its message
 * is shown at the field, so the popup and the API never disagree about what a valid name or number is.
 */
export const accountIntentSchemas = [
  z.strictObject({ type: z.literal('server.check'), serverUrl: field(2000) }),
  z.strictObject({
    type: z.literal('session.setUp'),
    serverUrl: field(2000),
    team: field(200),
    name: field(200),
    email: field(254),
    password: field(256),
  }),
  z.strictObject({
    type: z.literal('session.acceptInvite'),
    serverUrl: field(2000),
    token: field(200),
    name: field(200),
    password: field(256),
  }),
  z.strictObject({ type: z.literal('phones.list'), q: field(200).optional(), cursor: field(200).optional() }),
  z.strictObject({
    type: z.literal('twoStep.start'),
    ...account,
    phoneId: id.optional(),
    number: field(40).optional(),
    country: field(2).optional(),
  }),
  z.strictObject({ type: z.literal('challenge.get'), challengeId: id }),
  z.strictObject({ type: z.literal('twoStep.disable'), ...account }),
  z.strictObject({ type: z.literal('twoStep.forceOff'), ...account, reason: field(500) }),
  z.strictObject({ type: z.literal('backupCodes.get'), ...account }),
  z.strictObject({ type: z.literal('backupCodes.reveal'), ...account, reason: field(500) }),
  z.strictObject({ type: z.literal('backupCodes.replace'), ...account, codes: z.array(field(64)).max(50) }),
  z.strictObject({ type: z.literal('secret.set'), ...account, password: field(1000) }),
  z.strictObject({ type: z.literal('tab.platform') }),
] as const;
