import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  codeMac,
  codeMatches,
  constantTimeEqual,
  decryptField,
  deriveKeys,
  encryptField,
  hashPassword,
  newCode,
  newToken,
  sealedKeyId,
  sealPrefix,
  UnreadableSealError,
  verifyPassword,
} from './crypto.ts';

describe('newCode', () => {
  const samples = 200_000;
  const codes = Array.from({ length: samples }, () => newCode());

  it('is always exactly 6 digits', () => {
    expect(codes.every((code) => /^\d{6}$/.test(code))).toBe(true);
  });

  it('uses every digit equally often in every position (chi-square, p > 0.00001 per position)', () => {
    // 9 degrees of freedom: the 0.00001 critical value is 39.341 (0.001 failed a fair generator about once in 170 runs
    // over six positions). A modulo-biased digit (256 % 10) would still give a chi-square near 70 here.
    for (let position = 0; position < 6; position++) {
      const counts = new Array<number>(10).fill(0);
      for (const code of codes) counts[Number(code[position])]!++;
      const expected = samples / 10;
      const chiSquare = counts.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
      expect(chiSquare, `position ${position}: ${counts.join(',')}`).toBeLessThan(39.341);
    }
  });

  it('rarely repeats: collisions among 200,000 codes stay near the birthday expectation', () => {
    // Expected repeats ≈ n²/2N = 20,000 for N = 10⁶; a biased generator would give far more.
    const repeats = samples - new Set(codes).size;
    expect(repeats).toBeGreaterThan(17_000);
    expect(repeats).toBeLessThan(21_500);
  });
});

describe('randomness in the server source', () => {
  it('takes randomness only from crypto.getRandomValues', () => {
    const forbidden = ['Math', 'random'].join('.'); // spelled apart so text searches find no use here
    const root = join(import.meta.dirname, '..');
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (/\.ts$/.test(entry.name) && !entry.name.endsWith('.test.ts')) {
          if (readFileSync(path, 'utf8').includes(forbidden)) offenders.push(path);
        }
      }
    };
    walk(root);
    expect(offenders).toEqual([]);
  });

  it('makes 128-bit tokens that do not repeat', () => {
    const tokens = new Set(Array.from({ length: 10_000 }, () => newToken()));
    expect(tokens.size).toBe(10_000);
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});

describe('constantTimeEqual', () => {
  it('is true only for equal strings', () => {
    expect(constantTimeEqual('abc123', 'abc123')).toBe(true);
    expect(constantTimeEqual('abc123', 'abc124')).toBe(false);
    expect(constantTimeEqual('abc123', 'abc12')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
    expect(constantTimeEqual('é', 'e\u0301')).toBe(false);
  });
});

describe('field encryption', () => {
  const where = { table: 'secrets', column: 'password_enc', rowId: 'account-1' };

  it('decrypts what it encrypted, with a fresh IV every time', async () => {
    const keys = await deriveKeys('a server secret that is long enough');
    const first = await encryptField(keys, where, 'hunter2 ✓');
    const second = await encryptField(keys, where, 'hunter2 ✓');
    expect(first).not.toBe(second);
    expect(first).not.toContain('hunter2');
    expect(await decryptField(keys, where, first)).toBe('hunter2 ✓');
  });

  it.each([
    { ...where, rowId: 'account-2' },
    { ...where, column: 'code_enc' },
    { ...where, table: 'backup_codes' },
  ])('refuses a ciphertext moved to %j', async (elsewhere) => {
    const keys = await deriveKeys('a server secret that is long enough');
    const sealed = await encryptField(keys, where, 'hunter2');
    await expect(decryptField(keys, elsewhere, sealed)).rejects.toThrow();
  });

  it('refuses a ciphertext under another server secret or with one changed character', async () => {
    const keys = await deriveKeys('a server secret that is long enough');
    const sealed = await encryptField(keys, where, 'hunter2');
    await expect(decryptField(await deriveKeys('another server secret, long enough'), where, sealed)).rejects.toThrow();
    const last = sealed.at(-2) === 'A' ? 'B' : 'A';
    await expect(decryptField(keys, where, `${sealed.slice(0, -2)}${last}${sealed.at(-1)}`)).rejects.toThrow();
    await expect(decryptField(keys, where, 'v2.garbage')).rejects.toThrow();
  });
});

describe('key ids and rotation', () => {
  const where = { table: 'secrets', column: 'password_enc', rowId: 'account-1' };
  const oldSecret = 'a server secret that is long enough';
  const newSecret = 'the secret that replaces it, long too';

  it('labels each ciphertext with an id derived from its secret: stable, distinct, not the secret', async () => {
    const keys = await deriveKeys(oldSecret);
    expect(keys.keyId).toMatch(/^[\w-]{8}$/);
    expect((await deriveKeys(oldSecret)).keyId).toBe(keys.keyId);
    expect((await deriveKeys(newSecret)).keyId).not.toBe(keys.keyId);
    const sealed = await encryptField(keys, where, 'hunter2');
    expect(sealed.startsWith(sealPrefix(keys.keyId))).toBe(true);
    expect(sealedKeyId(sealed)).toBe(keys.keyId);
  });

  it('opens values of the previous secret during a rotation, and seals only under the new one', async () => {
    const before = await encryptField(await deriveKeys(oldSecret), where, 'hunter2');
    const rotating = await deriveKeys(newSecret, oldSecret);
    expect(await decryptField(rotating, where, before)).toBe('hunter2');
    expect(sealedKeyId(await encryptField(rotating, where, 'x'))).toBe(rotating.keyId);
    const refused = await decryptField(await deriveKeys(newSecret), where, before).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UnreadableSealError);
    expect(refused).toMatchObject({ reason: 'unknown_key', keyId: sealedKeyId(before) });
  });

  it('still opens the unlabelled v1 format written before key ids, under either secret held', async () => {
    const keys = await deriveKeys(oldSecret);
    const legacy = (await encryptField(keys, where, 'from before')).replace(sealPrefix(keys.keyId), 'v1.');
    expect(await decryptField(keys, where, legacy)).toBe('from before');
    expect(await decryptField(await deriveKeys(newSecret, oldSecret), where, legacy)).toBe('from before');
    await expect(decryptField(await deriveKeys(newSecret), where, legacy)).rejects.toMatchObject({
      reason: 'unknown_key',
      keyId: null,
    });
  });

  it('matches a code made under the previous secret only while that secret is held', async () => {
    const old = await deriveKeys(oldSecret);
    const stored = await codeMac(old, 'challenge-1', 'unlock', '123456');
    expect(await codeMatches(await deriveKeys(newSecret, oldSecret), 'challenge-1', 'unlock', '123456', stored)).toBe(
      true,
    );
    expect(await codeMatches(await deriveKeys(newSecret, oldSecret), 'challenge-1', 'unlock', '123457', stored)).toBe(
      false,
    );
    expect(await codeMatches(await deriveKeys(newSecret), 'challenge-1', 'unlock', '123456', stored)).toBe(false);
  });
});

describe('passwords', () => {
  it('verifies the right password only, with a fresh salt per hash', async () => {
    const stored = await hashPassword('correct horse battery staple', 1000);
    expect(stored).toMatch(/^pbkdf2-sha256\$1000\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('correct horse battery staple', stored)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', stored)).toBe(false);
    expect(await hashPassword('correct horse battery staple', 1000)).not.toBe(stored);
  });

  it('uses 100,000 iterations by default and rejects malformed stored values', async () => {
    expect(await hashPassword('x')).toMatch(/^pbkdf2-sha256\$100000\$/);
    for (const stored of ['', 'plain', 'md5$1$a$b', 'pbkdf2-sha256$1000$$']) {
      expect(await verifyPassword('x', stored)).toBe(false);
    }
  });
});
