import { eq, sql } from 'drizzle-orm';
import { outbox } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { dispatchDue } from './dispatcher.ts';

/** How long a Worker keeps retrying after its answer: inside the 30 s Workers give a request's waitUntil. */
export const retryWindowMs = 20_000;
/** The shortest pause between rounds, and the most rounds one window may run: a loop that cannot spin. */
export const minPauseMs = 250;
export const maxRounds = 40;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/**
 * Delivers due messages, then keeps retrying the ones whose next try (capped, jittered back-off) falls inside
 * the window, so a provider hiccup costs a member seconds, not the minute until the next cron. What is due later
 * is the cron's. A row leased by another dispatcher is ready only when its lease ends, so it is waited for then.
 */
export async function dispatchWithRetries(deps: Deps, windowMs = retryWindowMs): Promise<void> {
  const until = deps.clock.now() + windowMs;
  for (let round = 0; round < maxRounds; round++) {
    await dispatchDue(deps);
    const [next] = await deps.db
      .select({ at: sql<number | null>`min(max(${outbox.nextAttemptAt}, coalesce(${outbox.leaseUntil}, 0)))` })
      .from(outbox)
      .where(eq(outbox.status, 'queued'));
    const at = next?.at;
    const now = deps.clock.now();
    if (at === null || at === undefined || at > until || now >= until) return;
    await sleep(Math.max(minPauseMs, at - now));
  }
}
