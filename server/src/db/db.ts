import type { SQL } from 'drizzle-orm';
import type { LibSQLDatabase } from 'drizzle-orm/libsql';
import type * as schema from './schema.ts';

/**
 * The database as the app sees it. D1's drizzle database has the same query builder and `batch()`;
 * the Workers entry adapts it to this type. No interactive transactions: every write is one statement or one batch.
 */
export type Db = LibSQLDatabase<typeof schema>;

export type Statement = Parameters<Db['batch']>[0][number];

/** Runs statements as one batch: atomic on libSQL and D1, one round trip to a remote database. */
export function runBatch(db: Db, statements: Statement[]) {
  const [first, ...rest] = statements;
  if (!first) throw new Error('runBatch needs at least one statement.');
  return db.batch([first, ...rest]);
}

/** The first row of a raw query, or undefined (drizzle's `get` throws on an empty result over libSQL). */
export async function firstRow<Row>(db: Db, query: SQL): Promise<Row | undefined> {
  const rows = await db.all<Row>(query);
  return rows[0];
}
