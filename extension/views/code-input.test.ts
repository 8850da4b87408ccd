import { describe, expect, it } from 'vitest';
import { codeFromText, typedDigits } from './code-input.ts';

const sms =
  'Twostep: Mia asks to sign in to @acme2024 on Instagram. Code 123456, valid 10 minutes. Give it only to Mia.';

describe('a code in pasted text', () => {
  it('is the digits after "Code" in the whole SMS, not the first six digits of all of them', () => {
    expect(codeFromText(sms)).toEqual({ digits: '123456', sure: true });
    expect(codeFromText('code: 654321')).toEqual({ digits: '654321', sure: true });
  });

  it('is the one standalone 6-digit run', () => {
    expect(codeFromText('Your number is 987654 (2024 edition)')).toEqual({ digits: '987654', sure: true });
    expect(codeFromText(' 123456\n')).toEqual({ digits: '123456', sure: true });
  });

  it('is the digits of a code typed with a space or dash, or a part of a code', () => {
    expect(codeFromText('123 456')).toEqual({ digits: '123456', sure: true });
    expect(codeFromText('123-456')).toEqual({ digits: '123456', sure: true });
    expect(codeFromText('12')).toEqual({ digits: '12', sure: true });
  });

  it('fills the boxes but is not sure when no single 6-digit run stands out', () => {
    expect(codeFromText('111111 or 222222')).toEqual({ digits: '111111', sure: false });
    expect(codeFromText('@acme2024 wrote 1234567')).toMatchObject({ sure: false });
    expect(codeFromText('ref 12 34 56 78')).toMatchObject({ sure: false });
  });
});

describe('the digits typed into a box', () => {
  it('are only the newly typed digit when typing over a filled box', () => {
    expect(typedDigits('35', 'insertText', '5')).toBe('5');
    expect(typedDigits('53', 'insertText', '5')).toBe('5');
  });

  it('are all digits of an autofill or a replacement, and nothing of a letter', () => {
    expect(typedDigits('123456', 'insertReplacementText', null)).toBe('123456');
    expect(typedDigits('123456', undefined, undefined)).toBe('123456');
    expect(typedDigits('a', 'insertText', 'a')).toBe('');
    expect(typedDigits('', 'deleteContentBackward', null)).toBe('');
  });
});
