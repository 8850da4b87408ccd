import type { Handlers } from '../intent-handler.ts';
import type { HandlerContext } from './context.ts';

/** Protect with a number, change it, turn it off by code or (a lead) by force; the team's phones to pick from. */
export function twoStepHandlers({ client, keep, about }: HandlerContext) {
  return {
    'challenge.get': async ({ challengeId }) => {
      const api = await client();
      return about(challengeId, () => api.challenge(challengeId));
    },
    'phones.list': async ({ q, cursor }) => {
      const { phones, next } = await (await client()).listPhones({ q: q?.trim() || undefined, cursor, limit: 50 });
      // The full number stays here: the popup shows the masked one.
      return {
        phones: phones.map(({ id, masked, label, holder, protects }) => ({ id, masked, label, holder, protects })),
        next,
      };
    },
    'twoStep.start': async ({ accountId, phoneId, number, country }) => {
      const api = await client();
      const choice = phoneId ? { phoneId } : { number: number ?? '', ...(country ? { country } : {}) };
      return keep(() => api.startTwoStep(accountId, choice));
    },
    'twoStep.disable': async ({ accountId }) => {
      const api = await client();
      return keep(() => api.disableTwoStep(accountId));
    },
    'twoStep.forceOff': async ({ accountId, reason }) => (await client()).forceOff(accountId, reason),
  } satisfies Partial<Handlers>;
}
