import type { Account } from '@twostep/shared';
import { describe, expect, it } from 'vitest';
import { backupCodesText, formatCountdown, lastDigits, matchesSearch, twoStepBadge } from './format.ts';

const phone = { id: 'p1', masked: '+49 ••• ••• 4821', label: null, holder: null };
const account = (over: Partial<Account> = {}): Account => ({
  id: 'a1',
  platform: 'instagram',
  handle: 'acmebrand',
  client: 'Acme GmbH',
  loginName: null,
  notes: null,
  twoStep: { status: 'on', phone, verifiedAt: null },
  backupCodes: { remaining: 0, total: 0 },
  ...over,
});

describe('the popup texts', () => {
  it('badge an account On with the last four digits of its phone, Pending or Off', () => {
    expect(lastDigits('+49 ••• ••• 4821')).toBe('4821');
    expect(twoStepBadge({ status: 'on', phone, verifiedAt: null })).toBe('On · ••4821');
    expect(twoStepBadge({ status: 'pending', phone: null, verifiedAt: null })).toBe('Pending');
    expect(twoStepBadge({ status: 'off', phone: null, verifiedAt: null })).toBe('Off');
  });

  it('count backup codes left', () => {
    expect(backupCodesText({ remaining: 0, total: 0 })).toBe('No backup codes');
    expect(backupCodesText({ remaining: 2, total: 10 })).toBe('2 of 10 backup codes left');
  });

  it('count down in minutes and seconds, never below zero', () => {
    expect(formatCountdown(600_000)).toBe('10:00');
    expect(formatCountdown(29_001)).toBe('0:30');
    expect(formatCountdown(-5)).toBe('0:00');
  });

  it('match a search on handle or client, any case, with or without @', () => {
    expect(matchesSearch(account(), '@ACME')).toBe(true);
    expect(matchesSearch(account(), 'gmbh')).toBe(true);
    expect(matchesSearch(account(), 'tiktok')).toBe(false);
    expect(matchesSearch(account({ client: null }), '  ')).toBe(true);
  });
});
