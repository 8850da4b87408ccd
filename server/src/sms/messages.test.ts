import { purposes } from '@twostep/shared';
import { describe, expect, it } from 'vitest';
import { codeMessage, numberChangedNotice, smsName } from './messages.ts';

const unsafe = ['\u2028', '\u2029', '\u202e', '\u2066', '\u200b', '\u200e', '\u00ad', '\ufeff', '\n', '\r', '\t'];
const context = (requester: string, handle = 'acme') => ({ requester, handle, platform: 'instagram' as const });
const safeText = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]+$/u;

describe('SMS texts', () => {
  it('name who asks, for what, and to whom the code may go', () => {
    expect(codeMessage('unlock', context('Anna'), '123456')).toBe(
      'Twostep: Anna asks to sign in to @acme on Instagram. Code 123456, valid 10 minutes. Give it only to Anna.',
    );
  });

  it('stay plain text on one line whatever a stored name holds', () => {
    for (const char of [...unsafe, '\u0000', '\u0085', '\ud800']) {
      const name = `Anna${char}Visit http://evil.test${char}`;
      for (const purpose of purposes) {
        const text = codeMessage(purpose, context(name), '123456');
        expect(text).toMatch(safeText);
        expect(text).toContain('Twostep: A team member asks');
      }
      expect(numberChangedNotice(context(name), '+4915123456780')).toMatch(safeText);
    }
  });

  it('keep a valid name as it is, cut a stored long one to 60 characters, and never go nameless', () => {
    expect(smsName("Zoë O'Brien-Smith")).toBe("Zoë O'Brien-Smith");
    expect(smsName('محمد علي')).toBe('محمد علي');
    expect(smsName('B'.repeat(100))).toBe('B'.repeat(60));
    expect(smsName('\u202e\u2028')).toBe('A team member');
    expect(smsName('Anna\u2028Bank')).toBe('Anna Bank');
    for (const stored of ['Anna evil.com', 'Call 0800 555 1234', '\u3164', 'Anna\ufe0f', `a${'\u0301'.repeat(59)}`])
      expect(smsName(stored)).toBe('A team member');
  });

  it('refuse a handle the contract would refuse: that is a programmer error', () => {
    for (const handle of ['acme\u2028visit', 'acme\u202e', 'Acme', 'a b'])
      expect(() => codeMessage('unlock', context('Anna', handle), '123456')).toThrow(/handle/);
  });
});
