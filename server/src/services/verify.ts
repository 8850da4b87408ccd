import { limits } from '@twostep/shared';
import { type SQL, sql } from 'drizzle-orm';
import { runBatch, type Statement } from '../db/db.ts';
import type { Deps } from '../deps.ts';
import { codeMatches, encryptField, newId, newToken } from '../lib/crypto.ts';
import { ApiError } from '../lib/errors.ts';
import { bodyContext, dispatchDue } from '../sms/dispatcher.ts';
import { type MessageContext, numberChangedNotice } from '../sms/messages.ts';
import { type EventContext, eventInsertWhen } from './audit.ts';
import { challengeHolds, whyNot } from './challenge-rules.ts';
import { type ChallengeRow, challengeStatus, loadChallenge, scopeOf } from './challenges.ts';
import { endConsents } from './consent-end.ts';

export type VerifyInput = {
  row: ChallengeRow;
  code: string;
  account: { id: string; handle: string; platform: MessageContext['platform'] };
  requester: string;
};

/** Refuses a challenge that can no longer take a code, with the contract's error for its state. */
export function assertOpen(row: ChallengeRow, now: number) {
  if (row.closed_at !== null) {
    throw new ApiError('two_step_off', 'Two-step changed since this code was asked for: it no longer applies.');
  }
  const status = challengeStatus(row, now);
  if (status === 'verified') throw new ApiError('challenge_used', 'This code was already used.');
  if (status === 'locked') throw new ApiError('challenge_locked', 'Too many wrong codes: ask for a new one.');
  if (status === 'expired') throw new ApiError('challenge_expired', 'This code has expired: ask for a new one.');
}

/**
 * Checks a code and applies what it unlocks. The decision is one conditional UPDATE (attempt counted,
 * status set, nonce stamped); every effect and audit event of the same batch runs only where that
 * UPDATE stamped this request's nonce, so two parallel right answers give exactly one success.
 */
export async function verifyChallenge(deps: Deps, audit: EventContext, input: VerifyInput) {
  const { db, clock, keys } = deps;
  const { row, account } = input;
  const now = clock.now();
  assertOpen(row, now);
  const scope = scopeOf(row, account.platform);

  const matched = await codeMatches(keys, row.id, row.purpose, input.code, row.code_hash);
  const nonce = newToken();
  const mine = (status: string) =>
    sql`EXISTS (SELECT 1 FROM challenges WHERE id = ${row.id} AND attempt_nonce = ${nonce} AND status ${sql.raw(status)})`;
  const won = mine("= 'verified'");
  const lost = mine("<> 'verified'");
  const max = limits.wrongAnswersPerChallenge;
  const statements: Statement[] = [
    // Nothing is evaluated unless the challenge still applies: the member may still use the account, the
    // account's two-step is still in the state the code was asked for, and (unlock) the account is not locked.
    db.run(sql`
      UPDATE challenges SET attempts = attempts + 1, attempt_nonce = ${nonce},
        status = CASE WHEN ${matched ? 1 : 0} = 1 THEN 'verified' WHEN attempts + 1 >= ${max} THEN 'locked' ELSE 'pending' END
      WHERE id = ${row.id} AND status = 'pending' AND attempts < ${max} AND expires_at > ${now} AND closed_at IS NULL
        AND (${matched ? 1 : 0} = 0 OR code_version = ${row.code_version}) AND ${challengeHolds(scope, now)}`),
    ...(await effects(deps, audit, input, won, now)),
    db.run(sql`UPDATE phones SET verified_at = ${now} WHERE id = ${row.phone_id} AND ${won}`),
    db.run(sql`UPDATE accounts SET failed_codes = 0 WHERE id = ${account.id} AND ${won}`),
    eventInsertWhen(deps, audit, { action: 'challenge.verified', target: row.id, accountId: account.id }, won),
    ...failureStatements(deps, audit, account.id, row.id, lost, mine("= 'locked'"), now),
    // What this request's UPDATE decided, read inside its batch: a parallel wrong answer stamps its own nonce
    // right after, so a read after the batch could no longer tell this answer was counted.
    db.all(
      sql`SELECT status AS outcome, attempts AS counted FROM challenges WHERE id = ${row.id} AND attempt_nonce = ${nonce}`,
    ),
  ];
  const results = await runBatch(db, statements);
  const decided = (results.at(-1) as unknown as { outcome: string; counted: number }[])[0];

  if (decided?.outcome === 'verified') {
    const after = await loadChallenge(db, row.id);
    if (!after) throw new ApiError('challenge_used', 'This code was already used.');
    deps.background(() => dispatchDue(deps));
    return after;
  }
  if (decided?.outcome === 'locked') {
    throw new ApiError('challenge_locked', 'Wrong code, and that was the last try: ask for a new one.', {
      attemptsLeft: 0,
    });
  }
  if (decided) {
    throw new ApiError('code_invalid', 'That code is not right.', { attemptsLeft: max - Number(decided.counted) });
  }
  // Not evaluated: another request decided this challenge first, it no longer applies, or a resend replaced the code.
  const after = await loadChallenge(db, row.id);
  if (after) assertOpen(after, now);
  const refusal = await whyNot(db, scope, now);
  if (refusal) throw refusal;
  throw new ApiError('code_invalid', 'A newer code was sent: enter the newest one.', {
    attemptsLeft: max - (after?.attempts ?? max),
  });
}

/** A wrong code counts against the challenge (done by the UPDATE) and against the account, across challenges. */
function failureStatements(
  deps: Deps,
  audit: EventContext,
  accountId: string,
  challengeId: string,
  lost: SQL,
  lockedNow: SQL,
  now: number,
): Statement[] {
  const { db } = deps;
  const reached = `failed_codes + 1 >= ${limits.accountFailuresBeforeLock}`;
  return [
    db.run(sql`
      UPDATE accounts SET
        locked_until = CASE WHEN ${sql.raw(reached)} THEN ${now + limits.accountLockMs} ELSE locked_until END,
        failed_codes = CASE WHEN ${sql.raw(reached)} THEN 0 ELSE failed_codes + 1 END
      WHERE id = ${accountId} AND ${lost}`),
    eventInsertWhen(
      deps,
      audit,
      { action: 'challenge.failed', target: challengeId, accountId, result: 'code_invalid' },
      lost,
    ),
    eventInsertWhen(
      deps,
      audit,
      { action: 'challenge.locked', target: challengeId, accountId, result: 'challenge_locked' },
      lockedNow,
    ),
    eventInsertWhen(
      deps,
      audit,
      { action: 'account.locked', target: accountId, accountId, result: 'account_locked' },
      sql`${lost} AND EXISTS (SELECT 1 FROM accounts WHERE id = ${accountId} AND locked_until = ${now + limits.accountLockMs})`,
    ),
  ];
}

/**
 * What a verified code does, per purpose; each statement only acts where `won` holds. The state each one
 * expects (not enrolled, enrolled with another phone, with this phone) was part of the deciding UPDATE.
 */
async function effects(
  deps: Deps,
  audit: EventContext,
  input: VerifyInput,
  won: SQL,
  now: number,
): Promise<Statement[]> {
  const { db } = deps;
  const { row, account } = input;
  const event = (action: string) =>
    eventInsertWhen(deps, audit, { action, target: account.id, accountId: account.id }, won);

  if (row.purpose === 'enroll') {
    return [
      db.run(sql`
        INSERT INTO enrollments (account_id, team_id, phone_id, verified_at, enabled_at)
        SELECT ${account.id}, ${row.team_id}, ${row.phone_id}, ${now}, ${now} WHERE ${won}`),
      event('two_step.enabled'),
    ];
  }
  if (row.purpose === 'change_number') {
    const noticeId = newId(now);
    const context = { requester: input.requester, handle: account.handle, platform: account.platform };
    const bodyEnc = await encryptField(deps.keys, bodyContext(noticeId), numberChangedNotice(context, row.number));
    return [
      // The old number hears of the change: queued before the binding moves, so it goes to the phone replaced.
      db.run(sql`
        INSERT INTO outbox (id, team_id, kind, challenge_id, phone_id, member_id, to_number, body_enc, next_attempt_at, created_at)
        SELECT ${noticeId}, e.team_id, 'notice', NULL, e.phone_id, ${row.member_id}, p.number, ${bodyEnc}, ${now}, ${now}
        FROM enrollments e JOIN phones p ON p.id = e.phone_id WHERE e.account_id = ${account.id} AND ${won}`),
      db.run(
        sql`UPDATE enrollments SET phone_id = ${row.phone_id}, verified_at = ${now} WHERE account_id = ${account.id} AND ${won}`,
      ),
      ...endConsents(db, account.id, now, won, row.id),
      event('two_step.number_changed'),
    ];
  }
  if (row.purpose === 'disable') {
    return [
      db.run(sql`DELETE FROM enrollments WHERE account_id = ${account.id} AND ${won}`),
      ...endConsents(db, account.id, now, won, row.id),
      event('two_step.disabled'),
    ];
  }
  return [
    db.run(sql`
      INSERT INTO unlocks (id, team_id, account_id, member_id, until, created_at)
      SELECT ${newId(now)}, ${row.team_id}, ${account.id}, ${row.member_id}, ${now + limits.unlockMs}, ${now} WHERE ${won}`),
    event('unlock.granted'),
  ];
}
