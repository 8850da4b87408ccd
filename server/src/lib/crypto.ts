// Small, named crypto helpers over WebCrypto only, so the same code runs on Node and in Workers.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(length));
}

export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

export function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

const crockford = '0123456789abcdefghjkmnpqrstvwxyz';

/** Time-ordered id: 48 bits of milliseconds, then 80 random bits (ULID layout, lower-case Crockford base32). */
export function newId(now: number): string {
  let time = '';
  let rest = now;
  for (let i = 0; i < 10; i++) {
    time = crockford[rest % 32] + time;
    rest = Math.floor(rest / 32);
  }
  let random = '';
  for (const byte of randomBytes(16)) random += crockford[byte % 32];
  return time + random;
}

/** An opaque bearer token: 128 bits from the CSPRNG. */
export function newToken(): string {
  return toBase64Url(randomBytes(16));
}

/** A 6-digit code, uniform over 000000..999999: rejection sampling avoids modulo bias. */
export function newCode(digits = 6): string {
  const range = 10 ** digits;
  const limit = Math.floor(0x1_0000_0000 / range) * range;
  const buffer = new Uint32Array(1);
  for (;;) {
    crypto.getRandomValues(buffer);
    const value = buffer[0]!;
    if (value < limit) return String(value % range).padStart(digits, '0');
  }
}

export async function sha256(text: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text))));
}

/** Compares two strings in time that depends only on their lengths. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  if (left.length !== right.length) return false;
  let diff = 0;
  for (let i = 0; i < left.length; i++) diff |= left[i]! ^ right[i]!;
  return diff === 0;
}

// Passwords: PBKDF2-SHA256 at 100,000 iterations, the most Workers' WebCrypto accepts.
export const passwordIterations = 100_000;

async function pbkdf2(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, 256);
  return new Uint8Array(bits);
}

export async function hashPassword(password: string, iterations = passwordIterations): Promise<string> {
  const salt = randomBytes(16);
  const hash = await pbkdf2(password, salt, iterations);
  return `pbkdf2-sha256$${iterations}$${toBase64Url(salt)}$${toBase64Url(hash)}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, iterations, salt, hash] = stored.split('$');
  if (scheme !== 'pbkdf2-sha256' || !iterations || !salt || !hash) return false;
  const computed = await pbkdf2(password, fromBase64Url(salt), Number(iterations));
  return constantTimeEqual(toBase64Url(computed), hash);
}

/** Keys derived (HKDF-SHA256) from the server secret, one per use, never stored. */
export type Keys = { codes: CryptoKey; fields: CryptoKey };

export async function deriveKeys(secret: string): Promise<Keys> {
  const master = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, ['deriveKey']);
  const params = (info: string) => ({
    name: 'HKDF',
    hash: 'SHA-256',
    salt: new Uint8Array(32),
    info: encoder.encode(info),
  });
  const [codes, fields] = await Promise.all([
    crypto.subtle.deriveKey(params('twostep codes v1'), master, { name: 'HMAC', hash: 'SHA-256', length: 256 }, false, [
      'sign',
    ]),
    crypto.subtle.deriveKey(params('twostep fields v1'), master, { name: 'AES-GCM', length: 256 }, false, [
      'encrypt',
      'decrypt',
    ]),
  ]);
  return { codes, fields };
}

/** HMAC of a code, bound to its challenge and purpose so a hash cannot be replayed elsewhere. */
export async function codeMac(keys: Keys, challengeId: string, purpose: string, code: string): Promise<string> {
  const data = encoder.encode(`${challengeId}\n${purpose}\n${code}`);
  return toBase64Url(new Uint8Array(await crypto.subtle.sign('HMAC', keys.codes, data)));
}

/** Where a ciphertext belongs: decrypting it anywhere else fails. */
export type FieldContext = { table: string; column: string; rowId: string };

const aad = (where: FieldContext) => encoder.encode(`${where.table}.${where.column}:${where.rowId}`);

export async function encryptField(keys: Keys, where: FieldContext, plaintext: string): Promise<string> {
  const iv = randomBytes(12);
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: aad(where) },
    keys.fields,
    encoder.encode(plaintext),
  );
  return `v1.${toBase64Url(iv)}.${toBase64Url(new Uint8Array(sealed))}`;
}

export async function decryptField(keys: Keys, where: FieldContext, sealed: string): Promise<string> {
  const [version, iv, data] = sealed.split('.');
  if (version !== 'v1' || !iv || !data) throw new Error('Unknown ciphertext format.');
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: fromBase64Url(iv), additionalData: aad(where) },
    keys.fields,
    fromBase64Url(data),
  );
  return decoder.decode(plain);
}
