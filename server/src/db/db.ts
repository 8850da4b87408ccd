import type { LibSQLDatabase } from 'drizzle-orm/libsql';
import type * as schema from './schema.ts';

/**
 * The database as the app sees it. D1's drizzle database has the same query builder and `batch()`;
 * the Workers entry adapts it to this type. No interactive transactions: every write is one statement or one batch.
 */
export type Db = LibSQLDatabase<typeof schema>;
