import type { ErrorCode } from '@twostep/shared';

/** The API's error codes, and three of the client's own for answers that never came or were not Twostep's. */
export type ProblemCode = ErrorCode | 'unreachable' | 'timeout' | 'not_twostep' | PageProblemCode;
/**
 * The extension's own, for a fill that did not happen: the active tab is not the account's platform page over
 * https (`wrong_page`), the page has no field Twostep may fill (`no_field`), the page did not answer or claim the
 * fill in time (`page_silent`), or no password is stored (`no_password`).
 */
export type PageProblemCode = 'wrong_page' | 'no_field' | 'page_silent' | 'no_password';

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
