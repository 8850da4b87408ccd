import { limits } from '@twostep/shared';
import { and, eq, isNull, lte, or, type SQL, sql } from 'drizzle-orm';
import { eventInsertWhen } from '../db/audit-events.ts';
import { firstRow } from '../db/db.ts';
import { outbox } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { decryptField, UnreadableSealError } from '../lib/crypto.ts';
import { phoneCountry } from '../lib/phone.ts';
import { earlierSend } from './earlier-send.ts';

/** How long a claim on a row holds: a dispatcher that dies leaves it to the next once this has run out. */
export const leaseMs = 60_000;
const baseDelayMs = 4_000;
const maxDelayMs = 5 * 60_000;

/** A uniform fraction in [0, 1): jitter needs no CSPRNG, but one source of randomness keeps the rule simple. */
const unitRandom = () => crypto.getRandomValues(new Uint32Array(1))[0]! / 0x1_0000_0000;

/**
 * Capped exponential back-off with equal jitter (half fixed, half random); never sooner than Retry-After. The
 * fixed halves make the six tries span at least 62 s, so a provider down for a minute loses no message.
 */
export function retryDelay(tries: number, retryAfterMs = 0, random = unitRandom): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (tries - 1));
  return Math.max(retryAfterMs, Math.floor(ceiling / 2 + (random() * ceiling) / 2));
}

export const bodyContext = (id: string) => ({ table: 'outbox', column: 'body_enc', rowId: id });

/**
 * Delivers due outbox messages at least once (the sweep: retries, and rows whose lease ran out). Each row is
 * claimed by one conditional UPDATE with a lease, so parallel dispatchers (isolates, processes, the cron) never
 * send the same row at the same time. A new code's row is born leased to the request that queued it, which
 * delivers it itself (deliverClaimed): the sweep sees it only if that request's process died or it failed.
 */
export async function dispatchDue(deps: Deps, batchSize = 20): Promise<{ sent: number; failed: number }> {
  const { db, clock } = deps;
  const now = clock.now();
  const due = await db
    .select({ id: outbox.id })
    .from(outbox)
    .where(
      and(
        eq(outbox.status, 'queued'),
        lte(outbox.nextAttemptAt, now),
        or(isNull(outbox.leaseUntil), lte(outbox.leaseUntil, now)),
      ),
    )
    .orderBy(outbox.nextAttemptAt)
    .limit(batchSize);
  let sent = 0;
  let failed = 0;
  for (const { id } of due) {
    // One message's trouble (a database hiccup, a provider that throws) must not hold up the others.
    const outcome = await orRetry(deps, id, claimAndDeliver(deps, id));
    if (outcome === 'sent') sent++;
    else if (outcome === 'dead' || outcome === 'retry') failed++;
  }
  return { sent, failed };
}

/**
 * Delivers the row a request has just queued already leased to itself (its INSERT set `lease_until = lease` and
 * `tries = 1`, as a claim does): no scan, no claim UPDATE. Should this process die first, the lease runs out and
 * the sweep claims the row as its second try, so the provider is asked before it is sent again. A database error
 * before the provider was asked hands the row back to the sweep's next round at once. Never throws.
 */
export async function deliverClaimed(deps: Deps, id: string, lease: number): Promise<Delivery> {
  const progress = { providerAsked: false };
  try {
    const now = deps.clock.now();
    // A lease already over (a process stalled for a minute) is the sweep's to take: delivering now could race it.
    if (lease <= now) return 'skipped';
    const [row] = await deps.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.id, id), eq(outbox.status, 'queued'), eq(outbox.leaseUntil, lease)));
    return row?.bodyEnc ? await deliverLeased(deps, { ...row, bodyEnc: row.bodyEnc }, lease, now, progress) : 'skipped';
  } catch (error) {
    notDelivered(deps, id, error);
    // After the provider was asked, the lease runs its minute: it may have taken the message, and the next try asks
    // its list, which should show it by then.
    if (progress.providerAsked) return 'retry';
    // A database hiccup before the provider was asked: this try sent and wrote nothing, so it is given back, its
    // lease cleared and its count taken off, and the sweep's next round (2 s, not the lease's minute) claims the
    // row as this same first try, without asking the provider about a message that never left. Only while the
    // lease is still this one's; should that fail too, the lease runs out as after a crash.
    try {
      await deps.db
        .update(outbox)
        .set({ leaseUntil: null, tries: sql`${outbox.tries} - 1` })
        .where(and(eq(outbox.id, id), eq(outbox.status, 'queued'), eq(outbox.leaseUntil, lease)));
    } catch {
      // Left to the lease.
    }
    return 'retry';
  }
}

type Delivery = 'sent' | 'retry' | 'dead' | 'skipped';

const notDelivered = (deps: Deps, id: string, error: unknown) =>
  deps.log(`sms ${id} not delivered this time: ${error instanceof Error ? error.name : 'error'}`);

function orRetry(deps: Deps, id: string, delivery: Promise<Delivery>): Promise<Delivery> {
  return delivery.catch((error: unknown) => {
    notDelivered(deps, id, error);
    return 'retry' as const;
  });
}

/** What the provider said; a provider that is this database (the dev outbox) gives the statements that deliver. */
type Outcome =
  | { ok: true; providerId: string | null; inBatch?: { statements: SQL[]; afterCommit: () => void } }
  | { ok: false; retryable: boolean; retryAfterMs?: number; error: string };

/**
 * Written in the batch that marks a row sent, after the mark: holds once this lease holder marked it. Each claim
 * adds one to `tries`, so a try that lost its lease (the sweep claimed the row and marked it meanwhile) writes no
 * second event and no second message.
 */
const sentMark = (id: string, tries: number) =>
  sql`EXISTS (SELECT 1 FROM outbox WHERE id = ${id} AND status = 'sent' AND tries = ${tries})`;

/** A code message is worth sending only while its challenge waits for that very code. */
async function stillWanted(deps: Deps, row: typeof outbox.$inferSelect, now: number): Promise<boolean> {
  if (row.kind !== 'code' || !row.challengeId) return true;
  const challenge = await firstRow(
    deps.db,
    sql`SELECT 1 AS yes FROM challenges WHERE id = ${row.challengeId} AND status = 'pending' AND expires_at > ${now}
      AND code_version = ${row.codeVersion}`,
  );
  return Boolean(challenge);
}

/**
 * Sends one claimed row. Never throws. A body under a key this process does not hold (a rolling restart, secrets
 * in the wrong order) is retried with its body kept: another process, or this one once configured, may open it.
 * A body that fails its integrity check is final; a provider that throws is retried.
 */
async function attempt(deps: Deps, row: typeof outbox.$inferSelect & { bodyEnc: string }): Promise<Outcome> {
  const { settings, keys, sms } = deps;
  const country = phoneCountry(row.toNumber);
  if (settings.smsAllowedCountries.length > 0 && !(country && settings.smsAllowedCountries.includes(country))) {
    return { ok: false, retryable: false, error: 'country_not_allowed' };
  }
  let body: string;
  try {
    body = await decryptField(keys, bodyContext(row.id), row.bodyEnc);
  } catch (error) {
    if (error instanceof UnreadableSealError && error.reason === 'unknown_key') {
      return { ok: false, retryable: true, error: 'unknown_key' };
    }
    return { ok: false, retryable: false, error: 'unreadable' };
  }
  // An earlier try left no answer we can trust (a crash mid-send, a time-out): the provider may have taken it.
  if (row.tries > 1 && sms.findAccepted) {
    const earlier = await earlierSend(deps, row, body);
    if (earlier === 'retry') return { ok: false, retryable: true, error: 'lookup_failed' };
    if (earlier !== 'none') return { ok: true, providerId: earlier.providerId };
  }
  const message = { teamId: row.teamId, to: row.toNumber, key: row.id, body };
  if (sms.deliverInBatch)
    return { ok: true, providerId: null, inBatch: sms.deliverInBatch(message, sentMark(row.id, row.tries)) };
  try {
    return await sms.send(message);
  } catch {
    return { ok: false, retryable: true, error: 'provider_error' };
  }
}

/** The provider's word that an earlier try of this row went out, or null (no earlier try, or it cannot tell). */
async function takenEarlier(
  deps: Deps,
  row: typeof outbox.$inferSelect & { bodyEnc: string },
): Promise<Outcome | null> {
  if (row.tries <= 1 || !deps.sms.findAccepted) return null;
  try {
    const body = await decryptField(deps.keys, bodyContext(row.id), row.bodyEnc);
    const earlier = await earlierSend(deps, { ...row, lastError: null }, body);
    return typeof earlier === 'object' ? { ok: true, providerId: earlier.providerId } : null;
  } catch {
    return null;
  }
}

/** Claims a due row (one conditional UPDATE: the lease, one more try), then delivers it. */
async function claimAndDeliver(deps: Deps, id: string): Promise<Delivery> {
  const now = deps.clock.now();
  const lease = now + leaseMs;
  const [row] = await deps.db
    .update(outbox)
    .set({ leaseUntil: lease, tries: sql`${outbox.tries} + 1` })
    .where(
      and(eq(outbox.id, id), eq(outbox.status, 'queued'), or(isNull(outbox.leaseUntil), lte(outbox.leaseUntil, now))),
    )
    .returning();
  return row?.bodyEnc ? deliverLeased(deps, { ...row, bodyEnc: row.bodyEnc }, lease, now) : 'skipped';
}

/** Sends a row this dispatcher holds under `lease`, then marks it; every mark only while the lease is still its own. */
async function deliverLeased(
  deps: Deps,
  row: typeof outbox.$inferSelect & { bodyEnc: string },
  lease: number,
  now: number,
  progress = { providerAsked: false },
): Promise<Delivery> {
  const { db, clock } = deps;
  const id = row.id;
  const mine = and(eq(outbox.id, id), eq(outbox.leaseUntil, lease));
  const wanted = await stillWanted(deps, row, now);
  // Nobody needs it any more, but an earlier try that died before its answer may have sent it: then it is sent.
  const taken = wanted ? null : await takenEarlier(deps, row);
  if (!wanted && !taken) {
    // Superseded by a resend, used, locked or expired: nobody needs this code any more.
    await db
      .update(outbox)
      .set({ status: 'dead', bodyEnc: null, leaseUntil: null, lastError: 'superseded' })
      .where(mine);
    return 'skipped';
  }
  const audit = { teamId: row.teamId, actor: null, ip: null };
  const accountId = row.challengeId
    ? ((
        await firstRow<{ account_id: string }>(db, sql`SELECT account_id FROM challenges WHERE id = ${row.challengeId}`)
      )?.account_id ?? null)
    : null;
  progress.providerAsked = true;
  const result: Outcome = taken ?? (await attempt(deps, row));

  const doneAt = clock.now();
  if (result.ok) {
    // With the dev outbox, the message itself is written here too: taken and marked sent in one commit.
    const [marked] = await db.batch([
      db
        .update(outbox)
        .set({ status: 'sent', sentAt: doneAt, bodyEnc: null, leaseUntil: null, providerId: result.providerId })
        .where(mine),
      eventInsertWhen(deps, audit, { action: 'sms.sent', target: row.phoneId, accountId }, sentMark(id, row.tries)),
      ...(result.inBatch?.statements ?? []).map((statement) => db.run(statement)),
    ]);
    // The lease was lost meanwhile: another holder decides this row, and nothing of this try was written.
    if (Number((marked as { rowsAffected?: number }).rowsAffected ?? 0) === 0) return 'skipped';
    result.inBatch?.afterCommit();
    return 'sent';
  }
  if (result.retryable && row.tries < limits.smsMaxTries) {
    await db
      .update(outbox)
      .set({
        nextAttemptAt: doneAt + retryDelay(row.tries, result.retryAfterMs),
        leaseUntil: null,
        lastError: result.error,
      })
      .where(mine);
    return 'retry';
  }
  await db.batch([
    db.update(outbox).set({ status: 'dead', bodyEnc: null, leaseUntil: null, lastError: result.error }).where(mine),
    eventInsertWhen(
      deps,
      audit,
      { action: 'sms.failed', target: row.phoneId, accountId, result: result.error },
      sql`EXISTS (SELECT 1 FROM outbox WHERE id = ${id} AND status = 'dead' AND last_error = ${result.error}
        AND tries = ${row.tries})`,
    ),
  ]);
  deps.log(`sms ${id} gave up after ${row.tries} tries: ${result.error}`);
  return 'dead';
}
