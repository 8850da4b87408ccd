import { type Challenge, type ChallengeStatus, limits, type Platform, type Purpose } from '@twostep/shared';
import { type SQL, sql } from 'drizzle-orm';
import { type Db, firstRow, runBatch } from '../db/db.ts';
import type { Deps } from '../deps.ts';
import { codeMac, constantTimeEqual, encryptField, newCode, newId } from '../lib/crypto.ts';
import { ApiError, tooMany } from '../lib/errors.ts';
import { maskPhone, phoneCountry } from '../lib/phone.ts';
import { bodyContext, deliverClaimed, leaseMs } from '../sms/dispatcher.ts';
import { codeMessage, type MessageContext } from '../sms/messages.ts';
import { type EventContext, eventInsertWhen } from './audit.ts';
import { type ChallengeScope, challengeHolds, whyNot, whyNotCreated } from './challenge-rules.ts';
import { type NewPhone, newPhoneStatements, phoneIdOf, probeCharge } from './enroll-phone.ts';
import { busy, type Sender, spentBudget, withinSendBudgets } from './send-budgets.ts';

export type { Sender } from './send-budgets.ts';

export type ChallengeRow = {
  id: string;
  team_id: string;
  account_id: string;
  member_id: string;
  purpose: Purpose;
  phone_id: string;
  code_hash: string;
  code_version: number;
  attempts: number;
  resends: number;
  status: 'pending' | 'verified' | 'locked';
  sent_at: number;
  expires_at: number;
  attempt_nonce: string | null;
  replaces_phone_id: string | null;
  closed_at: number | null;
  number: string;
  delivery: 'queued' | 'sent' | 'dead' | null;
};

export async function loadChallenge(db: Db, id: string): Promise<ChallengeRow | undefined> {
  return firstRow<ChallengeRow>(
    db,
    sql`
    SELECT c.id, c.team_id, c.account_id, c.member_id, c.purpose, c.phone_id, c.code_hash, c.code_version, c.attempts,
      c.resends, c.status, c.sent_at, c.expires_at, c.attempt_nonce, c.replaces_phone_id, c.closed_at, p.number,
      (SELECT o.status FROM outbox o WHERE o.challenge_id = c.id ORDER BY o.created_at DESC, o.id DESC LIMIT 1) AS delivery
    FROM challenges c JOIN phones p ON p.id = c.phone_id
    WHERE c.id = ${id}`,
  );
}

export function challengeStatus(row: ChallengeRow, now: number): ChallengeStatus {
  if (row.status !== 'pending') return row.status;
  if (now >= row.expires_at) return 'expired';
  if (row.delivery === 'dead') return 'delivery_failed';
  return 'pending';
}

export function toChallenge(row: ChallengeRow, now: number): Challenge {
  const status = challengeStatus(row, now);
  const canResend = status === 'pending' || status === 'delivery_failed';
  return {
    id: row.id,
    purpose: row.purpose,
    accountId: row.account_id,
    sentTo: maskPhone(row.number),
    expiresAt: new Date(row.expires_at).toISOString(),
    resendAfter:
      canResend && row.resends < limits.resendsPerChallenge
        ? new Date(row.sent_at + limits.resendAfterMs).toISOString()
        : null,
    attemptsLeft: Math.max(0, limits.wrongAnswersPerChallenge - row.attempts),
    status,
  };
}

export function assertCountryAllowed(deps: Deps, number: string) {
  const allowed = deps.settings.smsAllowedCountries;
  const country = phoneCountry(number);
  if (allowed.length > 0 && !(country && allowed.includes(country))) {
    throw new ApiError(
      'sms_country_not_allowed',
      `This server does not send codes to numbers in ${country ?? 'that country'}.`,
    );
  }
}

/** A fresh code, its HMAC for the challenge row, and the encrypted SMS for the outbox. */
async function prepareCode(deps: Deps, challengeId: string, purpose: Purpose, context: MessageContext, now: number) {
  const code = newCode(limits.codeDigits);
  const outboxId = newId(now);
  const codeHash = await codeMac(deps.keys, challengeId, purpose, code);
  const bodyEnc = await encryptField(deps.keys, bodyContext(outboxId), codeMessage(purpose, context, code));
  return { codeHash, outboxId, bodyEnc };
}

const requestedAction: Record<Purpose, string> = {
  enroll: 'two_step.enroll_requested',
  change_number: 'two_step.change_requested',
  disable: 'two_step.disable_requested',
  unlock: 'unlock.requested',
};

export type NewChallenge = {
  purpose: Purpose;
  account: { id: string; handle: string; platform: Platform };
  /** A phone of the team, or a number new to it (its row is added in the challenge's batch). */
  phone: { id: string; number: string } | { new: NewPhone };
  /** change_number: the phone protecting the account now, which the code may replace only while it still does. */
  replacesPhoneId?: string;
  sender: Sender;
};

export const scopeOf = (row: ChallengeRow, platform: Platform): ChallengeScope => ({
  purpose: row.purpose,
  accountId: row.account_id,
  platform,
  phoneId: row.phone_id,
  replacesPhoneId: row.replaces_phone_id,
  memberId: row.member_id,
});

/**
 * The outbox row for a challenge's current code, written only where `condition` holds. It is born claimed by this
 * request (the lease and first try a dispatcher's claim would set), which delivers it after answering (`deliver`):
 * no claim UPDATE of its own, and no other dispatcher takes it unless this process dies and the lease runs out.
 */
function queueCode(deps: Deps, outboxId: string, challengeId: string, bodyEnc: string, now: number, condition: SQL) {
  const lease = now + leaseMs;
  const statement = deps.db.run(sql`
    INSERT INTO outbox (id, team_id, kind, challenge_id, phone_id, member_id, to_number, body_enc, code_version,
                        next_attempt_at, lease_until, tries, created_at)
    SELECT ${outboxId}, c.team_id, 'code', c.id, c.phone_id, c.member_id, p.number, ${bodyEnc}, c.code_version, ${now},
           ${lease}, 1, ${now}
    FROM challenges c JOIN phones p ON p.id = c.phone_id
    WHERE c.id = ${challengeId} AND ${condition}`);
  return { statement, deliver: () => deps.background(() => deliverClaimed(deps, outboxId, lease)) };
}

/**
 * Creates a challenge and queues its SMS in one batch. Whether it may exist at all (send budgets, the
 * account's two-step state, the member's access) is decided inside the INSERT; then this request delivers it.
 */
export async function startChallenge(deps: Deps, audit: EventContext, input: NewChallenge): Promise<Challenge> {
  const { db, clock } = deps;
  const fresh = 'new' in input.phone ? input.phone.new : null;
  const number = 'new' in input.phone ? input.phone.new.number : input.phone.number;
  assertCountryAllowed(deps, number);
  const now = clock.now();
  const id = newId(now);
  const scope: ChallengeScope = {
    purpose: input.purpose,
    accountId: input.account.id,
    platform: input.account.platform,
    phoneId: 'new' in input.phone ? phoneIdOf(audit.teamId, number) : input.phone.id,
    replacesPhoneId: input.replacesPhoneId ?? null,
    memberId: input.sender.memberId,
  };
  const context = { requester: input.sender.name, handle: input.account.handle, platform: input.account.platform };
  const { codeHash, outboxId, bodyEnc } = await prepareCode(deps, id, input.purpose, context, now);
  const created = sql`EXISTS (SELECT 1 FROM challenges WHERE id = ${id})`;
  const may = sql`${withinSendBudgets(number, input.sender, now, input.purpose)} AND ${challengeHolds(scope, now)}`;
  const phone = fresh ? newPhoneStatements(deps, audit, fresh, may, created, now) : null;
  const probe =
    input.purpose === 'enroll' || input.purpose === 'change_number'
      ? probeCharge(deps, scope, scope.phoneId, number, input.sender)
      : null;
  const code = queueCode(deps, outboxId, id, bodyEnc, now, sql`1`);
  await runBatch(db, [
    ...(phone ? [phone.insert] : []),
    db.run(sql`
      INSERT INTO challenges (id, team_id, account_id, member_id, purpose, phone_id, replaces_phone_id, code_hash,
                              created_at, sent_at, expires_at)
      SELECT ${id}, ${audit.teamId}, ${input.account.id}, ${input.sender.memberId}, ${input.purpose}, ${scope.phoneId},
             ${scope.replacesPhoneId}, ${codeHash}, ${now}, ${now}, ${now + limits.codeLifetimeMs}
      WHERE ${may} AND ${scope.phoneId} IS NOT NULL`),
    code.statement,
    eventInsertWhen(
      deps,
      audit,
      { action: requestedAction[input.purpose], target: input.account.id, accountId: input.account.id },
      created,
    ),
    ...(phone ? [phone.event] : []),
    ...(probe ? [probe.statement] : []),
  ]);
  const row = await loadChallenge(db, id);
  if (!row) throw await whyNotCreated(db, scope, number, input.sender, probe?.id, now);
  code.deliver();
  return toChallenge(row, now);
}

/** Same challenge, new code: after 30 s, at most 3 times, never resetting the wrong-answer count. */
export async function resendChallenge(
  deps: Deps,
  audit: EventContext,
  row: ChallengeRow,
  sender: Sender,
  account: NewChallenge['account'],
) {
  const { db, clock } = deps;
  const now = clock.now();
  if (row.resends >= limits.resendsPerChallenge) {
    throw new ApiError('resend_limit', 'No more resends for this code. Start again to get a new one.');
  }
  const wait = row.sent_at + limits.resendAfterMs - now;
  if (wait > 0) throw tooMany('resend_too_soon', 'Wait a little before asking for another code.', wait);
  assertCountryAllowed(deps, row.number);
  const scope = scopeOf(row, account.platform);
  const context = { requester: sender.name, handle: account.handle, platform: account.platform };
  const { codeHash, outboxId, bodyEnc } = await prepareCode(deps, row.id, row.purpose, context, now);
  const resent = sql`EXISTS (SELECT 1 FROM challenges WHERE id = ${row.id} AND code_hash = ${codeHash})`;
  const code = queueCode(deps, outboxId, row.id, bodyEnc, now, sql`c.code_hash = ${codeHash}`);
  await db.batch([
    db.run(sql`
      UPDATE challenges SET code_hash = ${codeHash}, code_version = code_version + 1, resends = resends + 1,
        sent_at = ${now}, expires_at = ${now + limits.codeLifetimeMs}
      WHERE id = ${row.id} AND status = 'pending' AND expires_at > ${now} AND resends < ${limits.resendsPerChallenge}
        AND sent_at <= ${now - limits.resendAfterMs} AND closed_at IS NULL AND ${withinSendBudgets(row.number, sender, now, row.purpose)}
        AND ${challengeHolds(scope, now)}`),
    code.statement,
    eventInsertWhen(deps, audit, { action: 'challenge.resent', target: row.id, accountId: row.account_id }, resent),
  ]);
  const after = await loadChallenge(db, row.id);
  if (!after || !constantTimeEqual(after.code_hash, codeHash)) {
    if (after && after.resends >= limits.resendsPerChallenge) {
      throw new ApiError('resend_limit', 'No more resends for this code.');
    }
    if (after && after.sent_at + limits.resendAfterMs > now) {
      const left = after.sent_at + limits.resendAfterMs - now;
      throw tooMany('resend_too_soon', 'Wait a little before asking for another code.', left);
    }
    // A member's own enroll or change may go to a number that also protects accounts they cannot see: a spent
    // budget of that number is not named to them (nor its timing), only their own.
    const mineOnly = !sender.lead && (row.purpose === 'enroll' || row.purpose === 'change_number');
    throw (await whyNot(db, scope, now)) ?? (await spentBudget(db, row.number, sender, now, mineOnly)) ?? busy();
  }
  code.deliver();
  return toChallenge(after, now);
}
