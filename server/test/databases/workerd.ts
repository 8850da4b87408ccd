import { applyD1Migrations, env, reset } from 'cloudflare:test';
import { sql } from 'drizzle-orm';
import type { D1Binding } from '../../src/db/d1.ts';
import { d1Database } from '../../src/db/d1.ts';
import type { Db } from '../../src/db/db.ts';
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

/** D1 refuses a statement over 100,000 bytes (SQLITE_TOOBIG), as production does. */
const d1MaxStatement = 100_000;

/** The row tuples of `INSERT INTO t (…) VALUES (…), (…)`, split at top level (quotes and nesting respected). */
function splitValues(text: string): { head: string; rows: string[] } | null {
  const start = /^\s*INSERT\s+INTO\s+[^(]+\([^)]*\)\s*VALUES\s*/i.exec(text);
  if (!start) return null;
  const rows: string[] = [];
  let depth = 0;
  let quoted = false;
  let from = start[0].length;
  for (let i = from; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === "'" && text[i + 1] === "'")
        i++; // '' is a quote inside the string
      else if (char === "'") quoted = false;
    } else if (char === "'") quoted = true;
    else if (char === '(') depth++;
    else if (char === ')' && --depth === 0) {
      rows.push(text.slice(from, i + 1).replace(/^[\s,]+/, ''));
      from = i + 1;
    }
  }
  return text.slice(from).trim() === '' ? { head: start[0], rows } : null;
}

/**
 * Raw SQL as on the other databases. A test's bulk seed (one INSERT of thousands of rows) is too long for D1,
 * so only here it becomes a batch of shorter INSERTs: the same rows, still all or nothing.
 */
function d1Query(db: Db) {
  return async <Row>(text: string): Promise<Row[]> => {
    const split = text.length > d1MaxStatement ? splitValues(text) : null;
    if (!split) return db.all<Row>(sql.raw(text));
    const chunks: string[] = [];
    for (let i = 0; i < split.rows.length; i += 200) chunks.push(split.head + split.rows.slice(i, i + 200).join(', '));
    const [first, ...rest] = chunks.map((chunk) => db.run(sql.raw(chunk)));
    await db.batch([first!, ...rest]);
    return [];
  };
}

export function testDatabaseUrl(): { url: string; cleanup: () => void } {
  return { url: 'd1:DB_1', cleanup: () => {} };
}

export async function openTestDatabase(url?: string): Promise<TestDatabase> {
  if (url) {
    if (!/^(libsql|https?|wss?):/.test(url)) throw new Error(`workerd cannot open ${url}: use an http(s) libSQL URL`);
    const db = libsqlWebDatabase(url);
    return { db, url, query: d1Query(db), close: () => {} };
  }
  const name = bindings[used++];
  if (!name) throw new Error(`A test may open at most ${bindings.length} harnesses in workerd.`);
  await applyD1Migrations(testEnv[name] as never, testEnv.TEST_MIGRATIONS);
  resetPending = true;
  const db = d1Database(testEnv[name]!);
  return {
    db,
    url: `d1:${name}`,
    query: d1Query(db),
    // The harness closes every database of a test after it; the first close wipes them all for the next test.
    close: async () => {
      used = 0;
      if (!resetPending) return;
      resetPending = false;
      await reset();
    },
  };
}
