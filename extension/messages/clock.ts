import { limits } from '@twostep/shared/limits';

/**
 * How far the server's clock is ahead of this one (negative: behind), from a challenge the server has just sent:
 * it set expiresAt to its own "now" plus the code's lifetime, somewhere between `sentAt` and `answeredAt` on this
 * clock. The server's `Date` header would do too, but CORS hides it from the extension. Within the request's own
 * uncertainty plus two seconds it is taken as none.
 */
export function clockSkew(expiresAt: string, sentAt: number, answeredAt: number): number {
  const serverNow = Date.parse(expiresAt) - limits.codeLifetimeMs;
  if (Number.isNaN(serverNow)) return 0;
  const skew = serverNow - (sentAt + answeredAt) / 2;
  return Math.abs(skew) <= (answeredAt - sentAt) / 2 + 2000 ? 0 : Math.round(skew);
}

/** Milliseconds until the code expires and until a resend is allowed, on the server's clock. */
export function challengeTimes(
  challenge: { expiresAt: string; resendAfter: string | null },
  skewMs: number,
  localNow: number,
): { expiresIn: number; resendIn: number | null } {
  const now = localNow + skewMs;
  return {
    expiresIn: Date.parse(challenge.expiresAt) - now,
    resendIn: challenge.resendAfter === null ? null : Date.parse(challenge.resendAfter) - now,
  };
}
