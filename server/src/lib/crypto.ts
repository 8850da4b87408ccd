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

/** One secret's keys (HKDF-SHA256, one per use, never stored) and its public id, which labels what it seals. */
export type KeySet = { keyId: string; codes: CryptoKey; fields: CryptoKey };

/** The current secret's keys, and while a rotation runs the previous secret's, for reading only. */
export type Keys = KeySet & { previous: KeySet | null };

async function deriveKeySet(secret: string): Promise<KeySet> {
  const master = await crypto.subtle.importKey('raw', encoder.encode(secret), 'HKDF', false, [
    'deriveKey',
    'deriveBits',
  ]);
  const params = (info: string) => ({
    name: 'HKDF',
    hash: 'SHA-256',
    salt: new Uint8Array(32),
    info: encoder.encode(info),
  });
  const [codes, fields, id] = await Promise.all([
    crypto.subtle.deriveKey(params('twostep codes v1'), master, { name: 'HMAC', hash: 'SHA-256', length: 256 }, false, [
      'sign',
    ]),
    crypto.subtle.deriveKey(params('twostep fields v1'), master, { name: 'AES-GCM', length: 256 }, false, [
      'encrypt',
      'decrypt',
    ]),
    // Its own HKDF output: the id says which secret sealed a value and reveals nothing of the other keys.
    crypto.subtle.deriveBits(params('twostep key id v1'), master, 48),
  ]);
  return { keyId: toBase64Url(new Uint8Array(id)), codes, fields };
}

export async function deriveKeys(secret: string, previousSecret?: string): Promise<Keys> {
  const [current, previous] = await Promise.all([
    deriveKeySet(secret),
    previousSecret ? deriveKeySet(previousSecret) : null,
  ]);
  return { ...current, previous };
}

/** HMAC of a code, bound to its challenge and purpose so a hash cannot be replayed elsewhere. */
export async function codeMac(keys: KeySet, challengeId: string, purpose: string, code: string): Promise<string> {
  const data = encoder.encode(`${challengeId}\n${purpose}\n${code}`);
  return toBase64Url(new Uint8Array(await crypto.subtle.sign('HMAC', keys.codes, data)));
}

/**
 * Whether `code` is the one `stored` was made from, under the current secret or, during a rotation, the previous
 * one (a code sent just before the switch still works for its 10 minutes). Both are compared in constant time.
 */
export async function codeMatches(
  keys: Keys,
  challengeId: string,
  purpose: string,
  code: string,
  stored: string,
): Promise<boolean> {
  let matched = false;
  for (const set of keys.previous ? [keys, keys.previous] : [keys]) {
    if (constantTimeEqual(await codeMac(set, challengeId, purpose, code), stored)) matched = true;
  }
  return matched;
}

/** Where a ciphertext belongs: decrypting it anywhere else fails. */
export type FieldContext = { table: string; column: string; rowId: string };

const aad = (where: FieldContext) => encoder.encode(`${where.table}.${where.column}:${where.rowId}`);

/** A sealed value this server cannot open: its key is not configured, or it was altered or moved. */
export class UnreadableSealError extends Error {
  constructor(
    readonly reason: 'unknown_key' | 'corrupt',
    readonly keyId: string | null,
  ) {
    super(
      reason === 'unknown_key'
        ? `Sealed with key ${keyId ?? '(unlabelled, before key ids)'}, which this server does not hold.`
        : 'A sealed value failed its integrity check.',
    );
    this.name = 'UnreadableSealError';
  }
}

/** The prefix of every value sealed under `keyId`: `v2.<keyId>.<iv>.<data>`. */
export const sealPrefix = (keyId: string) => `v2.${keyId}.`;

/** The key id a sealed value names (null for the unlabelled `v1` format), without opening it. */
export function sealedKeyId(sealed: string): string | null {
  const [version, keyId] = sealed.split('.');
  return version === 'v2' && keyId ? keyId : null;
}

export async function encryptField(keys: KeySet, where: FieldContext, plaintext: string): Promise<string> {
  const iv = randomBytes(12);
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: aad(where) },
    keys.fields,
    encoder.encode(plaintext),
  );
  return `${sealPrefix(keys.keyId)}${toBase64Url(iv)}.${toBase64Url(new Uint8Array(sealed))}`;
}

async function open(key: CryptoKey, where: FieldContext, iv: string, data: string): Promise<string | null> {
  try {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: fromBase64Url(iv), additionalData: aad(where) },
      key,
      fromBase64Url(data),
    );
    return decoder.decode(plain);
  } catch {
    return null;
  }
}

/**
 * Opens a value sealed under the current or the previous secret. `v2.<keyId>.…` names its key; the unlabelled
 * `v1.<iv>.<data>` written before key ids existed is tried under each key held (AES-GCM tells which one fits).
 */
export async function decryptField(keys: Keys, where: FieldContext, sealed: string): Promise<string> {
  const parts = sealed.split('.');
  const held = keys.previous ? [keys, keys.previous] : [keys];
  if (parts[0] === 'v2' && parts.length === 4 && parts[1] && parts[2] && parts[3]) {
    const key = held.find((set) => set.keyId === parts[1]);
    if (!key) throw new UnreadableSealError('unknown_key', parts[1]);
    const plain = await open(key.fields, where, parts[2], parts[3]);
    if (plain === null) throw new UnreadableSealError('corrupt', parts[1]);
    return plain;
  }
  if (parts[0] === 'v1' && parts.length === 3 && parts[1] && parts[2]) {
    for (const key of held) {
      const plain = await open(key.fields, where, parts[1], parts[2]);
      if (plain !== null) return plain;
    }
    throw new UnreadableSealError('unknown_key', null);
  }
  throw new UnreadableSealError('corrupt', null);
}
