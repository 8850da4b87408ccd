import { limits } from '@twostep/shared';
import { describe, expect, it } from 'vitest';
import { challengeTimes, clockSkew } from './clock.ts';

const minute = 60_000;
const at = (ms: number) => new Date(ms).toISOString();

describe("the server's clock, from a challenge it has just sent", () => {
  const local = Date.parse('2026-11-28T10:00:00Z');

  it('is taken as this clock when they agree within the request time', () => {
    expect(clockSkew(at(local + limits.codeLifetimeMs + 300), local, local + 600)).toBe(0);
  });

  it('is behind a laptop 12 minutes fast, and the countdown still shows 10 minutes', () => {
    const server = local - 12 * minute;
    const challenge = { expiresAt: at(server + limits.codeLifetimeMs), resendAfter: at(server + 30_000) };
    const skew = clockSkew(challenge.expiresAt, local - 200, local + 200);
    expect(skew).toBe(-12 * minute);
    expect(challengeTimes(challenge, skew, local)).toEqual({ expiresIn: limits.codeLifetimeMs, resendIn: 30_000 });
    // Uncorrected, the same code would look expired two minutes ago.
    expect(challengeTimes(challenge, 0, local).expiresIn).toBe(-2 * minute);
  });

  it('is ahead of a slow laptop', () => {
    expect(clockSkew(at(local + 5 * minute + limits.codeLifetimeMs), local, local + 100)).toBe(5 * minute - 50);
  });

  it('says nothing about resends when none are left', () => {
    expect(challengeTimes({ expiresAt: at(local), resendAfter: null }, 0, local)).toEqual({
      expiresIn: 0,
      resendIn: null,
    });
  });
});
