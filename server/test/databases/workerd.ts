import { applyD1Migrations, env, reset } from 'cloudflare:test';
import type { D1Binding } from '../../src/db/d1.ts';
import { d1Database } from '../../src/db/d1.ts';
import { libsqlWebDatabase } from '../../src/db/libsql-web.ts';
import type { TestDatabase } from './types.ts';

// The test databases inside workerd (vitest project 'server-workerd', which aliases ./node.ts to this file):
// local D1 through the same adapter as src/worker.ts, migrated from server/migrations as wrangler would.
// Each test file runs in its own workerd with its own storage; between tests reset() wipes it.

type WorkerdTestEnv = { TEST_MIGRATIONS: { name: string; queries: string[] }[] } & Record<string, D1Binding>;
const testEnv = env as unknown as WorkerdTestEnv;

/** D1 bindings per test (DB_1…DB_4 in vitest.config.ts): a test may open that many harnesses. */
const bindings = ['DB_1', 'DB_2', 'DB_3', 'DB_4'];
let used = 0;
let resetPending = false;

export function testDatabaseUrl(): { url: string; cleanup: () => void } {
  return { url: 'd1:DB_1', cleanup: () => {} };
}

export async function openTestDatabase(url?: string): Promise<TestDatabase> {
  if (url) {
    if (!/^(libsql|https?|wss?):/.test(url)) throw new Error(`workerd cannot open ${url}: use an http(s) libSQL URL`);
    return { db: libsqlWebDatabase(url), url, close: () => {} };
  }
  const name = bindings[used++];
  if (!name) throw new Error(`A test may open at most ${bindings.length} harnesses in workerd.`);
  await applyD1Migrations(testEnv[name] as never, testEnv.TEST_MIGRATIONS);
  resetPending = true;
  return {
    db: d1Database(testEnv[name]!),
    url: `d1:${name}`,
    // The harness closes every database of a test after it; the first close wipes them all for the next test.
    close: async () => {
      used = 0;
      if (!resetPending) return;
      resetPending = false;
      await reset();
    },
  };
}
