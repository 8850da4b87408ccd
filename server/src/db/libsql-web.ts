import { createClient } from '@libsql/client/web';
import { drizzle } from 'drizzle-orm/libsql/web';
import type { Db } from './db.ts';
import * as schema from './schema.ts';

/**
 * A libSQL server (Turso, sqld) from Workers, over HTTP with fetch: no node: modules, no migrations here
 * (run `npm run db:migrate -w server` against the server before deploying).
 */
export function libsqlWebDatabase(url: string, authToken?: string): Db {
  return drizzle(createClient({ url, authToken }), { schema });
}
