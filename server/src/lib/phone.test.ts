import { describe, expect, it } from 'vitest';
import { maskPhone, parsePhone } from './phone.ts';

describe('parsePhone', () => {
  it.each([
    ['+49 151 23456789', undefined],
    ['0049 1512 3456789', undefined],
    ['+4915123456789', undefined],
    ['01512 3456789', 'DE'],
    ['+49 (0)151 234-567-89', undefined],
    ['+4915123456789', 'US'],
  ])('reads %s (country %s) as +4915123456789', (input, country) => {
    expect(parsePhone(input, country)).toEqual({ e164: '+4915123456789', country: 'DE' });
  });

  it.each([
    ['01512 3456789', undefined, 'a national number without a country'],
    ['112', undefined, 'an emergency short code'],
    ['22222', 'DE', 'a short code'],
    ['+49 151 ABCDEFGH', undefined, 'letters'],
    ['+49 30 12345678', undefined, 'a Berlin landline'],
    ['+49 900 1234567', undefined, 'a premium-rate number'],
    ['+49 151 2345', undefined, 'too few digits'],
    ['+49 151 234567890123', undefined, 'too many digits'],
    ['', undefined, 'nothing'],
    ['+', undefined, 'a lone plus'],
  ])('refuses %s (country %s): %s', (input, country, _what) => {
    expect(parsePhone(input, country)).toBeNull();
  });

  it('reads a 00 prefix as the international one only before a country code', () => {
    expect(parsePhone('001 202 555 0143')?.e164).toBe('+12025550143');
    expect(parsePhone('00 0151 23456789')).toBeNull();
  });
});

describe('maskPhone', () => {
  it('keeps the country code and the last four digits only', () => {
    expect(maskPhone('+4915123456789')).toBe('+49 ••• ••• 6789');
    expect(maskPhone('+12025550143')).toBe('+1 ••• ••• 0143');
    expect(maskPhone('+4915123456789')).not.toContain('151');
  });

  it('takes one-, two- and three-digit calling codes by prefix, and parses the rest', () => {
    expect(maskPhone('+79161234567')).toBe('+7 ••• ••• 4567');
    expect(maskPhone('+3548001234')).toBe('+354 ••• ••• 1234');
    expect(maskPhone('+380501234567')).toBe('+380 ••• ••• 4567');
    // Non-geographic (+800, international freephone): no country has it, so the number is parsed.
    expect(maskPhone('+80012345678')).toBe('+800 ••• ••• 5678');
  });
});
