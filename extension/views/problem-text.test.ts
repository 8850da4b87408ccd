import { describe, expect, it } from 'vitest';
import type { Problem, ProblemCode } from '@/messages/problem.ts';
import { problemText } from './problem-text.ts';

const problem = (code: ProblemCode, message = '', details: Record<string, unknown> = {}): Problem => ({
  code,
  message,
  status: 0,
  details,
});

describe('a problem in plain words', () => {
  it("keeps the API's sentence for a wrong password", () => {
    const wrong = problem('invalid_credentials', 'That email and password do not match.');
    expect(problemText(wrong)).toBe('That email and password do not match.');
  });

  it('says how many attempts are left after a wrong code', () => {
    expect(problemText(problem('code_invalid', 'x', { attemptsLeft: 4 }))).toBe(
      'That code is not right. 4 attempts left.',
    );
    expect(problemText(problem('code_invalid', 'x', { attemptsLeft: 1 }))).toBe(
      'That code is not right. 1 attempt left.',
    );
  });

  it('says when to try again', () => {
    expect(problemText(problem('resend_too_soon', 'x', { retryAfter: 12 }))).toBe(
      'A new code can be sent shortly. Try again in 12 seconds.',
    );
    expect(problemText(problem('account_locked', 'x', { retryAfter: 3600 }))).toBe(
      'Too many wrong codes for this account: signing in is paused. Try again in 60 minutes.',
    );
  });

  it('has a next step for every way a code can stop working', () => {
    for (const code of ['challenge_expired', 'challenge_locked', 'challenge_used', 'two_step_off'] as const)
      expect(problemText(problem(code, 'raw'))).not.toBe('raw');
  });

  it('has its own sentence for every refusal of the account actions, first run and invites', () => {
    for (const code of [
      'invalid_phone',
      'number_in_use_on_platform',
      'two_step_already_on',
      'sms_country_not_allowed',
      'no_backup_codes',
      'already_set_up',
      'invite_invalid',
      'duplicate_member',
      'duplicate_phone',
      'forbidden',
      'payload_too_large',
      'timeout',
      'not_twostep',
      'unreachable',
      'unauthorized',
    ] as const)
      expect(problemText(problem(code, 'raw'))).not.toBe('raw');
  });

  it('says when to retry a spent send budget, from Retry-After', () => {
    expect(
      problemText(
        problem('rate_limited', 'No more codes for this phone this hour (at most 5). Try again later.', {
          retryAfter: 1500,
        }),
      ),
    ).toBe('No more codes for this phone this hour (at most 5). Try again in 25 minutes.');
    expect(problemText(problem('rate_limited', 'Too many codes to this phone this hour.', { retryAfter: 1800 }))).toBe(
      'Too many codes to this phone this hour. Try again in 30 minutes.',
    );
  });
});
