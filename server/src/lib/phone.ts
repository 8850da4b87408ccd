import {
  type CountryCode,
  getCountries,
  getCountryCallingCode,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/max';

export type ParsedPhone = { e164: string; country: string | undefined };

/**
 * One number, one spelling: `+49 151 23456789`, `0049 1512 3456789` and `+4915123456789` are the same phone.
 * A national spelling needs a country. Returns null for anything that is not a valid mobile-capable number.
 */
export function parsePhone(input: string, country?: string): ParsedPhone | null {
  const cleaned = input.trim().replace(/^00(?=[1-9])/, '+');
  const parsed = parsePhoneNumberFromString(cleaned, country as CountryCode | undefined);
  if (!parsed?.isValid()) return null;
  const type = parsed.getType();
  // SMS codes need a phone that can receive them: no fixed lines, no premium or shared-cost numbers.
  if (type && !['MOBILE', 'FIXED_LINE_OR_MOBILE', 'PERSONAL_NUMBER'].includes(type)) return null;
  return { e164: parsed.number, country: parsed.country };
}

/** `+49 ••• ••• 4821`: the country code and the last four digits, enough to tell numbers apart. */
export function maskPhone(e164: string): string {
  return `+${callingCodeOf(e164)} ••• ••• ${e164.slice(-4)}`;
}

// Calling codes are a prefix code (none starts another), so a number's is the one of its first 1 to 3 digits in
// the set; parsing the whole number (a list answers up to hundreds) is left for the rest (non-geographic codes).
let callingCodes: ReadonlySet<string> | undefined;
function callingCodeOf(e164: string): string {
  callingCodes ??= new Set(getCountries().map((country) => getCountryCallingCode(country) as string));
  for (let length = 1; length <= 3; length++) {
    const code = e164.slice(1, 1 + length);
    if (callingCodes.has(code)) return code;
  }
  return parsePhoneNumberFromString(e164)?.countryCallingCode ?? '';
}

export function phoneCountry(e164: string): string | undefined {
  return parsePhoneNumberFromString(e164)?.country;
}
