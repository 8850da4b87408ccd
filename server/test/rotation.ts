import { expect } from 'vitest';
import { decryptField, sealPrefix } from '../src/lib/crypto.ts';
import type { Harness } from './harness.ts';

// Stored secrets for the key rotation tests (integration/key-rotation.test.ts): written over the API, made legacy,
// and read back from the database with whatever keys the app holds.

export type Expected = { password: string; codes: string[] };

/** An account with a password and three backup codes, written by the owner (a lead needs no unlock to write). */
export async function accountWithSecrets(h: Harness, label: string, expected: Map<string, Expected>) {
  const account = await h.addAccount();
  await writeSecrets(h, account.id, label, expected);
  return account.id as string;
}

export async function writeSecrets(h: Harness, accountId: string, label: string, expected: Map<string, Expected>) {
  const want = { password: `password ${label}`, codes: [1, 2, 3].map((n) => `${label} code ${n}`) };
  const put = await h.call('PUT', `/v1/accounts/${accountId}/secret`, {
    token: h.owner.token,
    body: { password: want.password },
  });
  const codes = await h.call('PUT', `/v1/accounts/${accountId}/backup-codes`, {
    token: h.owner.token,
    body: { codes: want.codes },
  });
  expect([put.status, codes.status]).toEqual([204, 204]);
  expected.set(accountId, want);
}

/** Rewrites stored values of one column into the format used before key ids (`v1.<iv>.<data>`, same key). */
export async function makeLegacy(h: Harness, table: string, column: string, where: string) {
  const prefix = sealPrefix(h.deps.keys.keyId);
  await h.query(
    `UPDATE ${table} SET ${column} = 'v1.' || substr(${column}, ${prefix.length + 1}) WHERE ${column} LIKE 'v2.%' AND ${where}`,
  );
}

export async function sealedCount(h: Harness) {
  const [row] = await h.query<{ n: number }>(`SELECT
    (SELECT count(*) FROM secrets) + (SELECT count(*) FROM backup_codes)
      + (SELECT count(*) FROM outbox WHERE body_enc IS NOT NULL) AS n`);
  return Number(row!.n);
}

/** Every stored password and backup code, opened with whatever keys the app holds now, against what was written. */
export async function expectEverySecretReadable(h: Harness, expected: Map<string, Expected>) {
  const passwords = await h.query<{ account_id: string; password_enc: string }>('SELECT * FROM secrets');
  expect(passwords).toHaveLength(expected.size);
  for (const row of passwords) {
    const where = { table: 'secrets', column: 'password_enc', rowId: row.account_id };
    expect(await decryptField(h.deps.keys, where, row.password_enc)).toBe(expected.get(row.account_id)?.password);
  }
  const codes = await h.query<{ id: string; account_id: string; position: number; code_enc: string }>(
    'SELECT * FROM backup_codes ORDER BY account_id, position',
  );
  expect(codes).toHaveLength(expected.size * 3);
  for (const row of codes) {
    const where = { table: 'backup_codes', column: 'code_enc', rowId: row.id };
    expect(await decryptField(h.deps.keys, where, row.code_enc)).toBe(
      expected.get(row.account_id)?.codes[Number(row.position)],
    );
  }
}
