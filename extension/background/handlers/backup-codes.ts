import type { Handlers } from '../intent-handler.ts';
import type { HandlerContext } from './context.ts';

/** Backup codes (how many, reveal one with a reason, replace the set) and storing the account's password. */
export function backupCodeHandlers({ client }: HandlerContext) {
  return {
    'backupCodes.get': async ({ accountId }) => (await client()).backupCodes(accountId),
    'backupCodes.reveal': async ({ accountId, reason }) => (await client()).revealBackupCode(accountId, reason),
    'backupCodes.replace': async ({ accountId, codes }) => {
      const api = await client();
      await api.replaceBackupCodes(accountId, codes);
      return api.backupCodes(accountId);
    },
    'secret.set': async ({ accountId, password }) => {
      await (await client()).setSecret(accountId, { password });
      return { saved: true as const };
    },
  } satisfies Partial<Handlers>;
}
