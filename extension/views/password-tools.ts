export type Strength = { level: 0 | 1 | 2 | 3; text: string };

const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_.!';

/**
 * A rough strength hint: bits of a random password of this length over the character classes it uses, with
 * a penalty for repeated characters. A hint only; the platform decides what it accepts.
 */
export function passwordStrength(password: string): Strength {
  if (password.length === 0) return { level: 0, text: '' };
  let pool = 0;
  if (/[a-z]/.test(password)) pool += 26;
  if (/[A-Z]/.test(password)) pool += 26;
  if (/\d/.test(password)) pool += 10;
  if (/[^A-Za-z0-9]/.test(password)) pool += 33;
  const distinct = new Set(password).size;
  const bits = Math.log2(Math.max(pool, 2)) * Math.min(password.length, distinct * 2);
  if (bits < 64) return { level: 1, text: 'Weak: easy to guess. Make it longer, or generate one.' };
  if (bits < 96) return { level: 2, text: 'Fair. Longer is better.' };
  return { level: 3, text: 'Strong.' };
}

/** A random password from the CSPRNG (rejection sampling: every character equally likely). */
export function generatePassword(length = 20): string {
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (byte < limit && out.length < length) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

/** The password rule the API holds for a Twostep sign-in (setup, invite), told before sending. */
export const signInPasswordMin = 12;
