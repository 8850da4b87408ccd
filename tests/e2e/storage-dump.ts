import type { Page, Worker } from 'playwright-core';
import { expect } from 'vitest';

type StorageArea = { get: (keys: null) => Promise<Record<string, unknown>> };
declare const chrome: { storage: { local: StorageArea; sync: StorageArea; session: StorageArea } };

export type StorageDump = Record<'local' | 'sync' | 'session', Record<string, unknown>>;

/** Every extension storage area, read by the extension's own code (its service worker or one of its pages). */
export async function dumpStorage(where: Page | Worker): Promise<StorageDump> {
  const read = async () => ({
    local: await chrome.storage.local.get(null),
    sync: await chrome.storage.sync.get(null),
    session: await chrome.storage.session.get(null),
  });
  return 'mainFrame' in where ? where.evaluate(read) : where.evaluate(read);
}

/**
 * No secret the person saw or typed is in any storage area, the in-memory session one included. The server
 * address must be there: the dump is of the storage the extension really uses, not of an empty one.
 */
export async function expectNoSecretsStored(where: Page | Worker, serverUrl: string, secrets: string[]) {
  const stored = await dumpStorage(where);
  expect(stored.local.serverUrl).toBe(serverUrl);
  const everything = JSON.stringify(stored);
  for (const secret of secrets) {
    expect(secret.length).toBeGreaterThanOrEqual(8);
    expect(everything, 'a secret in extension storage').not.toContain(secret);
  }
}
