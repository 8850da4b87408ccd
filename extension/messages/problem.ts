import type { ErrorCode } from '@twostep/shared';

/** The API's error codes, and three of the client's own for answers that never came or were not Twostep's. */
export type ProblemCode = ErrorCode | 'unreachable' | 'timeout' | 'not_twostep';

/** An error as plain data, so it survives a runtime message. */
export type Problem = { code: ProblemCode; message: string; status: number; details: Record<string, unknown> };

/** An account's login as the background hands it to a view, fetched again for each use and never stored. */
export type Secret = { loginName: string | null; password: string | null };

/** After these answers a challenge takes no more codes: a new sign-in (a new challenge) is the way on. */
export const challengeOver: ReadonlySet<ProblemCode> = new Set<ProblemCode>([
  'challenge_expired',
  'challenge_locked',
  'challenge_used',
  'account_locked',
  'two_step_off',
  'not_found',
]);
