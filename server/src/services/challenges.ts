import { type Challenge, type ChallengeStatus, limits, type Purpose } from '@twostep/shared';
import { type SQL, sql } from 'drizzle-orm';
import { type Db, firstRow, runBatch, type Statement } from '../db/db.ts';
import type { Deps } from '../deps.ts';
import { codeMac, constantTimeEqual, encryptField, newCode, newId } from '../lib/crypto.ts';
import { ApiError, tooMany } from '../lib/errors.ts';
import { maskPhone, phoneCountry } from '../lib/phone.ts';
import { bodyContext, dispatchDue } from '../sms/dispatcher.ts';
import { codeMessage, type MessageContext } from '../sms/messages.ts';
import { type EventContext, eventInsertWhen } from './audit.ts';

const hourMs = 60 * 60_000;
const dayMs = 24 * hourMs;

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
  number: string;
  delivery: 'queued' | 'sent' | 'dead' | null;
};

export async function loadChallenge(db: Db, id: string): Promise<ChallengeRow | undefined> {
  return firstRow<ChallengeRow>(
    db,
    sql`
    SELECT c.*, p.number,
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

export type Sender = { memberId: string; name: string; lead: boolean };

const codeSends = (column: 'phone_id' | 'member_id', value: string, since: number) =>
  sql`(SELECT count(*) FROM outbox WHERE ${sql.raw(column)} = ${value} AND kind = 'code' AND created_at > ${since})`;

/** The send budgets of DESIGN.md section 4, as one SQL condition: checked and spent in the same statement. */
function withinSendLimits(phoneId: string, sender: Sender, now: number): SQL {
  const perMember = sender.lead ? limits.sendsPerLeadPerHour : limits.sendsPerMemberPerHour;
  return sql`${codeSends('phone_id', phoneId, now - hourMs)} < ${limits.sendsPerPhonePerHour}
    AND ${codeSends('phone_id', phoneId, now - dayMs)} < ${limits.sendsPerPhonePerDay}
    AND ${codeSends('member_id', sender.memberId, now - hourMs)} < ${perMember}`;
}

/** Which budget refused a send, and when it frees up. */
async function sendLimitError(db: Db, phoneId: string, sender: Sender, now: number): Promise<ApiError> {
  const perMember = sender.lead ? limits.sendsPerLeadPerHour : limits.sendsPerMemberPerHour;
  const budgets = [
    {
      column: 'phone_id',
      value: phoneId,
      window: hourMs,
      max: limits.sendsPerPhonePerHour,
      what: 'this phone this hour',
    },
    { column: 'phone_id', value: phoneId, window: dayMs, max: limits.sendsPerPhonePerDay, what: 'this phone today' },
    { column: 'member_id', value: sender.memberId, window: hourMs, max: perMember, what: 'you this hour' },
  ] as const;
  for (const budget of budgets) {
    const since = now - budget.window;
    const row = await firstRow<{ n: number; oldest: number | null }>(
      db,
      sql`
      SELECT count(*) AS n, min(created_at) AS oldest FROM outbox
      WHERE ${sql.raw(budget.column)} = ${budget.value} AND kind = 'code' AND created_at > ${since}`,
    );
    if (row && Number(row.n) >= budget.max) {
      const retryAfter = Number(row.oldest ?? now) + budget.window - now;
      return tooMany(
        'rate_limited',
        `No more codes for ${budget.what} (at most ${budget.max}). Try again later.`,
        retryAfter,
      );
    }
  }
  return new ApiError('rate_limited', 'Too many codes right now. Try again in a minute.', {}, { 'Retry-After': '60' });
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
  account: { id: string; handle: string; platform: MessageContext['platform'] };
  phone: { id: string; number: string };
  sender: Sender;
  /** Statements that must commit with the challenge (e.g. the phone it is sent to). */
  before?: Statement[];
  /** Extra SQL that must hold for the challenge to be created. */
  condition?: SQL;
};

/** Creates a challenge and queues its SMS in one batch, within the send budgets; then starts delivery. */
export async function startChallenge(deps: Deps, audit: EventContext, input: NewChallenge): Promise<Challenge> {
  const { db, clock } = deps;
  assertCountryAllowed(deps, input.phone.number);
  const now = clock.now();
  const id = newId(now);
  const context = { requester: input.sender.name, handle: input.account.handle, platform: input.account.platform };
  const { codeHash, outboxId, bodyEnc } = await prepareCode(deps, id, input.purpose, context, now);
  const created = sql`EXISTS (SELECT 1 FROM challenges WHERE id = ${id})`;
  await runBatch(db, [
    ...(input.before ?? []),
    db.run(sql`
      INSERT INTO challenges (id, team_id, account_id, member_id, purpose, phone_id, code_hash, created_at, sent_at, expires_at)
      SELECT ${id}, ${audit.teamId}, ${input.account.id}, ${input.sender.memberId}, ${input.purpose}, ${input.phone.id},
             ${codeHash}, ${now}, ${now}, ${now + limits.codeLifetimeMs}
      WHERE ${withinSendLimits(input.phone.id, input.sender, now)} AND ${input.condition ?? sql`1`}`),
    db.run(sql`
      INSERT INTO outbox (id, team_id, kind, challenge_id, phone_id, member_id, to_number, body_enc, next_attempt_at, created_at)
      SELECT ${outboxId}, ${audit.teamId}, 'code', ${id}, ${input.phone.id}, ${input.sender.memberId}, ${input.phone.number},
             ${bodyEnc}, ${now}, ${now}
      WHERE ${created}`),
    eventInsertWhen(
      deps,
      audit,
      { action: requestedAction[input.purpose], target: input.account.id, accountId: input.account.id },
      created,
    ),
  ]);
  const row = await loadChallenge(db, id);
  if (!row) throw await sendLimitError(db, input.phone.id, input.sender, now);
  deps.background(() => dispatchDue(deps));
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
  const context = { requester: sender.name, handle: account.handle, platform: account.platform };
  const { codeHash, outboxId, bodyEnc } = await prepareCode(deps, row.id, row.purpose, context, now);
  const resent = sql`EXISTS (SELECT 1 FROM challenges WHERE id = ${row.id} AND code_hash = ${codeHash})`;
  await db.batch([
    db.run(sql`
      UPDATE challenges SET code_hash = ${codeHash}, code_version = code_version + 1, resends = resends + 1,
        sent_at = ${now}, expires_at = ${now + limits.codeLifetimeMs}
      WHERE id = ${row.id} AND status = 'pending' AND expires_at > ${now} AND resends < ${limits.resendsPerChallenge}
        AND sent_at <= ${now - limits.resendAfterMs} AND ${withinSendLimits(row.phone_id, sender, now)}`),
    db.run(sql`
      INSERT INTO outbox (id, team_id, kind, challenge_id, phone_id, member_id, to_number, body_enc, next_attempt_at, created_at)
      SELECT ${outboxId}, team_id, 'code', id, phone_id, member_id, ${row.number}, ${bodyEnc}, ${now}, ${now}
      FROM challenges WHERE id = ${row.id} AND code_hash = ${codeHash}`),
    eventInsertWhen(deps, audit, { action: 'challenge.resent', target: row.id, accountId: row.account_id }, resent),
  ]);
  const after = await loadChallenge(db, row.id);
  if (!after || !constantTimeEqual(after.code_hash, codeHash)) {
    if (after && after.resends >= limits.resendsPerChallenge)
      throw new ApiError('resend_limit', 'No more resends for this code.');
    if (after && after.sent_at + limits.resendAfterMs > now) {
      throw tooMany(
        'resend_too_soon',
        'Wait a little before asking for another code.',
        after.sent_at + limits.resendAfterMs - now,
      );
    }
    throw await sendLimitError(db, row.phone_id, sender, now);
  }
  deps.background(() => dispatchDue(deps));
  return toChallenge(after, now);
}
