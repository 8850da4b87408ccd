import type { Handlers } from '../intent-handler.ts';
import { backupCodeHandlers } from './backup-codes.ts';
import type { HandlerContext } from './context.ts';
import { firstRunHandlers } from './first-run.ts';
import { twoStepHandlers } from './two-step.ts';

/** Every handler of the popup's account actions, registered in the intent handler with one spread. */
export function accountActionHandlers(context: HandlerContext) {
  return {
    ...firstRunHandlers(context),
    ...twoStepHandlers(context),
    ...backupCodeHandlers(context),
    'tab.platform': async () => ({ platform: (await context.badge.activePlatform()).platform }),
  } satisfies Partial<Handlers>;
}
