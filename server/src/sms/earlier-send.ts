import { and, inArray, ne } from 'drizzle-orm';
import { outbox } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { LookupError } from './lookup-error.ts';

type Row = { id: string; toNumber: string; createdAt: number; lastError: string | null };

/**
 * Whether an earlier try of this row went out: the provider's id, 'none' (send it), or 'retry' (ask again later).
 * An id another row already holds is that row's message (a repeated notice has the same text). A look-up refused
 * for good (401/403/404), or failing a second time running, sends anyway: a rare duplicate beats a message never sent.
 */
export async function earlierSend(
  deps: Deps,
  row: Row,
  body: string,
): Promise<{ providerId: string } | 'none' | 'retry'> {
  let candidates: string[];
  try {
    candidates = (await deps.sms.findAccepted?.({ to: row.toNumber, body, since: row.createdAt })) ?? [];
  } catch (error) {
    const final = error instanceof LookupError && error.final;
    if (!final && row.lastError !== 'lookup_failed') return 'retry';
    deps.log(
      `sms ${row.id} sent without a look-up (${error instanceof Error ? error.message : 'error'}): a duplicate is possible`,
    );
    return 'none';
  }
  if (candidates.length === 0) return 'none';
  const taken = await deps.db
    .select({ providerId: outbox.providerId })
    .from(outbox)
    .where(and(inArray(outbox.providerId, candidates), ne(outbox.id, row.id)));
  const held = new Set(taken.map((other) => other.providerId));
  const providerId = candidates.find((sid) => !held.has(sid));
  return providerId ? { providerId } : 'none';
}
