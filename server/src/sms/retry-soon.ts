import { eq, min } from 'drizzle-orm';
import { outbox } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { dispatchDue } from './dispatcher.ts';

/** How long a Worker keeps retrying after its answer: inside the 30 s Workers give a request's waitUntil. */
export const retryWindowMs = 20_000;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Delivers due messages, then keeps retrying the ones whose next try (capped, jittered back-off) falls inside
 * the window, so a provider hiccup costs a member seconds, not the minute until the next cron. What is due later
 * is the cron's.
 */
export async function dispatchWithRetries(deps: Deps, windowMs = retryWindowMs): Promise<void> {
  const until = deps.clock.now() + windowMs;
  for (;;) {
    await dispatchDue(deps);
    const [next] = await deps.db
      .select({ at: min(outbox.nextAttemptAt) })
      .from(outbox)
      .where(eq(outbox.status, 'queued'));
    const at = next?.at;
    if (at === null || at === undefined || at > until) return;
    await sleep(Math.max(0, at - deps.clock.now()));
  }
}
