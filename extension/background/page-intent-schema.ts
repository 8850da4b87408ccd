import { idParam } from '@twostep/shared';
import { z } from 'zod';

/** A platform's own sign-in code: digits only (the popup's six boxes; some platforms use up to eight). */
const platformCode = /^\d{4,8}$/;
/** A backup code as the API reveals it: digits and letters, maybe grouped by spaces or dashes. */
const backupCode = /^[0-9A-Za-z][0-9A-Za-z -]{3,63}$/;

const fits: Record<'login' | 'code' | 'backup_code', (code: string | undefined) => boolean> = {
  login: (code) => code === undefined,
  code: (code) => code !== undefined && platformCode.test(code),
  backup_code: (code) => code !== undefined && backupCode.test(code),
};

/**
 * The popup's page intents. A login fill carries no value (the background fetches the password); a code fill
 * carries only what a code can look like, so nothing else is ever typed into a page through this path.
 */
export const pageIntentSchemas = [
  z.strictObject({ type: z.literal('page.status') }),
  z
    .strictObject({
      type: z.literal('page.fill'),
      accountId: idParam.shape.id,
      kind: z.enum(['login', 'code', 'backup_code']),
      code: z.string().max(64).optional(),
    })
    .refine(({ kind, code }) => fits[kind](code), { path: ['code'], message: 'Not a code this fill takes.' }),
] as const;
