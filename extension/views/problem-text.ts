import type { Problem } from '@/messages/problem.ts';

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

function waitText(details: Problem['details']): string {
  const seconds = typeof details.retryAfter === 'number' ? details.retryAfter : 0;
  if (seconds <= 0) return '';
  return seconds < 90
    ? ` Try again in ${plural(seconds, 'second')}.`
    : ` Try again in ${plural(Math.ceil(seconds / 60), 'minute')}.`;
}

/**
 * A problem in plain words for the person at the popup. The API's own sentence is used where it is already
 * plain (wrong password, rate limits); codes whose fix is a step in the popup get that step.
 */
export function problemText(problem: Problem): string {
  const { code, message, details } = problem;
  switch (code) {
    case 'unreachable':
      return `${message} Check the address, and that the server is running.`;
    case 'unauthorized':
      return 'Your session has ended. Sign in again.';
    case 'code_invalid': {
      const left = typeof details.attemptsLeft === 'number' ? details.attemptsLeft : null;
      return left === null ? 'That code is not right.' : `That code is not right. ${plural(left, 'attempt')} left.`;
    }
    case 'challenge_expired':
      return 'This code has expired. Ask for a new one.';
    case 'challenge_locked':
      return 'Too many wrong codes: this code no longer works. Ask for a new one.';
    case 'account_locked':
      return `Too many wrong codes for this account: signing in is paused.${waitText(details) || ' Try again in an hour.'}`;
    case 'challenge_used':
      return 'This code was already used. Ask for a new one if you still need to sign in.';
    case 'resend_too_soon':
      return `A new code can be sent shortly.${waitText(details)}`;
    case 'resend_limit':
      return 'No more codes can be resent for this sign-in. Start again.';
    case 'two_step_off':
      return 'Two-step is off for this account. It must be turned on first: protect it with a number below, then you can sign in here.';
    case 'unlock_required':
      return 'This account is locked again. Sign in with a new code.';
    case 'not_found':
      return 'This account is no longer shared with you.';
    // The account actions (protect, change, turn off, backup codes, password, first run, invites).
    case 'invalid_phone':
      return `${message} Write it with its country code, like +49 151 23456789.`;
    case 'number_in_use_on_platform':
      return 'This number already protects another account on this platform: the platform allows one account per number. Pick another number.';
    case 'two_step_already_on':
      return 'This number already protects this account.';
    case 'sms_country_not_allowed':
      return 'This server does not send codes to that country. Use a number from an allowed country, or ask your admin.';
    case 'no_backup_codes':
      return 'No unused backup codes are left. Get a new set from the platform and store it here.';
    case 'already_set_up':
      return 'This server already has a team. Sign in, or use your invite.';
    case 'invite_invalid':
      return 'This invite no longer works: it was used, has expired or was withdrawn. Ask your lead for a new one.';
    case 'duplicate_member':
      return 'Someone with this email is already on the team. Sign in instead.';
    case 'forbidden':
      return `You may not do this with your role. ${message}`;
    case 'duplicate_phone':
      return 'This number is already one of the team’s phones: pick it from the list.';
    case 'payload_too_large':
      return 'That is too much text at once.';
    case 'timeout':
      return `${message} Try again in a moment.`;
    case 'not_twostep':
      return `${message} Check the address.`;
    case 'rate_limited':
    case 'too_many_attempts': {
      // "Try again later." says less than Retry-After does: when it is known, it says when.
      const wait = waitText(details);
      if (wait)
        return `${message.replace(/\s*Try again later\.?$/, '')}${message.includes('Try again in') ? '' : wait}`;
      return message;
    }
    default:
      return message;
  }
}
