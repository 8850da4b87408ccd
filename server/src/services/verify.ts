import { limits } from '@twostep/shared';
import { type SQL, sql } from 'drizzle-orm';
import { firstRow, runBatch, type Statement } from '../db/db.ts';
import type { Deps } from '../deps.ts';
import { codeMac, constantTimeEqual, encryptField, newId, newToken } from '../lib/crypto.ts';
import { ApiError, tooMany } from '../lib/errors.ts';
import { bodyContext, dispatchDue } from '../sms/dispatcher.ts';
import { type MessageContext, numberChangedNotice } from '../sms/messages.ts';
import { type EventContext, eventInsertWhen } from './audit.ts';
import { type ChallengeRow, challengeStatus, loadChallenge } from './challenges.ts';

export type VerifyInput = {
  row: ChallengeRow;
  code: string;
  account: { id: string; handle: string; platform: MessageContext['platform'] };
  requester: string;
};

/** Refuses a challenge that can no longer take a code, with the contract's error for its state. */
export function assertOpen(row: ChallengeRow, now: number) {
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
  const lockedUntil = await accountLockedUntil(deps, account.id, now);
  if (row.purpose === 'unlock' && lockedUntil) {
    throw tooMany('account_locked', 'Too many wrong codes for this account: unlocking is paused.', lockedUntil - now);
  }

  const matched = constantTimeEqual(await codeMac(keys, row.id, row.purpose, input.code), row.code_hash);
  const nonce = newToken();
  const mine = (status: string) =>
    sql`EXISTS (SELECT 1 FROM challenges WHERE id = ${row.id} AND attempt_nonce = ${nonce} AND status ${sql.raw(status)})`;
  const won = mine("= 'verified'");
  const lost = mine("<> 'verified'");
  const max = limits.wrongAnswersPerChallenge;
  const statements: Statement[] = [
    db.run(sql`
      UPDATE challenges SET attempts = attempts + 1, attempt_nonce = ${nonce},
        status = CASE WHEN ${matched ? 1 : 0} = 1 THEN 'verified' WHEN attempts + 1 >= ${max} THEN 'locked' ELSE 'pending' END
      WHERE id = ${row.id} AND status = 'pending' AND attempts < ${max} AND expires_at > ${now}
        AND (${matched ? 1 : 0} = 0 OR code_version = ${row.code_version})`),
    ...(await effects(deps, audit, input, won, now)),
    db.run(sql`UPDATE phones SET verified_at = ${now} WHERE id = ${row.phone_id} AND ${won}`),
    db.run(sql`UPDATE accounts SET failed_codes = 0 WHERE id = ${account.id} AND ${won}`),
    eventInsertWhen(deps, audit, { action: 'challenge.verified', target: row.id, accountId: account.id }, won),
    ...failureStatements(deps, audit, account.id, row.id, lost, mine("= 'locked'"), now),
  ];
  await runBatch(db, statements);

  const after = await loadChallenge(db, row.id);
  if (after && after.attempt_nonce === nonce) {
    if (after.status === 'verified') {
      deps.background(() => dispatchDue(deps));
      return after;
    }
    if (after.status === 'locked')
      throw new ApiError('challenge_locked', 'Wrong code, and that was the last try: ask for a new one.', {
        attemptsLeft: 0,
      });
    throw new ApiError('code_invalid', 'That code is not right.', { attemptsLeft: max - after.attempts });
  }
  // Another request decided this challenge first (or a resend replaced the code we checked).
  if (after) assertOpen(after, now);
  throw new ApiError('code_invalid', 'A newer code was sent: enter the newest one.', {
    attemptsLeft: max - (after?.attempts ?? max),
  });
}

async function accountLockedUntil(deps: Deps, accountId: string, now: number): Promise<number | null> {
  const row = await firstRow<{ locked_until: number | null }>(
    deps.db,
    sql`SELECT locked_until FROM accounts WHERE id = ${accountId}`,
  );
  return row?.locked_until && row.locked_until > now ? row.locked_until : null;
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

/** What a verified code does, per purpose; each statement only acts where `won` holds. */
async function effects(
  deps: Deps,
  audit: EventContext,
  input: VerifyInput,
  won: SQL,
  now: number,
): Promise<Statement[]> {
  const { db } = deps;
  const { row, account } = input;
  const event = (action: string, condition: SQL) =>
    eventInsertWhen(deps, audit, { action, target: account.id, accountId: account.id }, condition);
  // One number protects at most one account per platform: decided here too, in case another enrollment won meanwhile.
  const platformFree = sql`NOT EXISTS (SELECT 1 FROM enrollments e JOIN accounts a ON a.id = e.account_id
    WHERE e.phone_id = ${row.phone_id} AND a.platform = ${account.platform} AND e.account_id <> ${account.id})`;
  const boundToNewPhone = sql`EXISTS (SELECT 1 FROM enrollments WHERE account_id = ${account.id} AND phone_id = ${row.phone_id} AND verified_at = ${now})`;

  if (row.purpose === 'enroll') {
    return [
      db.run(sql`
        INSERT INTO enrollments (account_id, team_id, phone_id, verified_at, enabled_at)
        SELECT ${account.id}, ${row.team_id}, ${row.phone_id}, ${now}, ${now} WHERE ${won} AND ${platformFree}
        ON CONFLICT (account_id) DO NOTHING`),
      event('two_step.enabled', sql`${won} AND ${boundToNewPhone}`),
    ];
  }
  if (row.purpose === 'change_number') {
    const current = await firstRow<{ phone_id: string; number: string }>(
      db,
      sql`
      SELECT e.phone_id, p.number FROM enrollments e JOIN phones p ON p.id = e.phone_id WHERE e.account_id = ${account.id}`,
    );
    const statements: Statement[] = [
      db.run(sql`UPDATE enrollments SET phone_id = ${row.phone_id}, verified_at = ${now}
        WHERE account_id = ${account.id} AND ${won} AND ${platformFree}`),
      event('two_step.number_changed', sql`${won} AND ${boundToNewPhone}`),
    ];
    if (current && current.phone_id !== row.phone_id) {
      const noticeId = newId(now);
      const context = { requester: input.requester, handle: account.handle, platform: account.platform };
      const bodyEnc = await encryptField(deps.keys, bodyContext(noticeId), numberChangedNotice(context, row.number));
      statements.push(
        db.run(sql`
          INSERT INTO outbox (id, team_id, kind, challenge_id, phone_id, member_id, to_number, body_enc, next_attempt_at, created_at)
          SELECT ${noticeId}, ${row.team_id}, 'notice', NULL, ${current.phone_id}, ${row.member_id}, ${current.number},
                 ${bodyEnc}, ${now}, ${now}
          WHERE ${won} AND ${boundToNewPhone}`),
      );
    }
    return statements;
  }
  if (row.purpose === 'disable') {
    const enrolled = sql`EXISTS (SELECT 1 FROM enrollments WHERE account_id = ${account.id} AND phone_id = ${row.phone_id})`;
    return [
      event('two_step.disabled', sql`${won} AND ${enrolled}`),
      db.run(sql`DELETE FROM enrollments WHERE account_id = ${account.id} AND phone_id = ${row.phone_id} AND ${won}`),
    ];
  }
  return [
    db.run(sql`
      INSERT INTO unlocks (id, team_id, account_id, member_id, until, created_at)
      SELECT ${newId(now)}, ${row.team_id}, ${account.id}, ${row.member_id}, ${now + limits.unlockMs}, ${now} WHERE ${won}`),
    event('unlock.granted', won),
  ];
}
