import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Client, createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import type { Db } from './db.ts';
import { createLocalClient, localPathOf } from './local-client.ts';
import * as schema from './schema.ts';

// The compiled Node server (server/dist/node.js) defines where the migrations are from its own file.
declare const TWOSTEP_MIGRATIONS: string | undefined;
export const migrationsFolder = fileURLToPath(
  new URL(typeof TWOSTEP_MIGRATIONS === 'string' ? TWOSTEP_MIGRATIONS : '../../migrations', import.meta.url),
);

export type OpenDatabase = { db: Db; client: Client; close: () => void };

/** Opens a libSQL database (file, :memory:, or a server over http/ws/libsql), sets pragmas and migrates it. */
export async function openDatabase(url: string, authToken?: string): Promise<OpenDatabase> {
  const isFile = url.startsWith('file:');
  const localPath = localPathOf(url);
  // The data folder holds ciphertexts and hashes only, but still: readable by its owner alone.
  if (localPath && localPath !== ':memory:') mkdirSync(dirname(localPath), { recursive: true, mode: 0o700 });
  // One connection for a local database: pragmas are per connection, and the native driver runs each
  // statement synchronously on this thread anyway, so a pool would only add connections without them. Our own
  // client keeps its statements prepared (./local-client.ts); a server, or a URL with options, gets @libsql/client's.
  // WAL for concurrent readers; FULL so a committed code consumption survives power loss.
  const local = isFile || url === ':memory:';
  const pragmas = local
    ? [
        // The wait first: switching to WAL takes a lock another process may hold.
        'PRAGMA busy_timeout = 5000',
        ...(isFile ? ['PRAGMA journal_mode = WAL'] : []),
        'PRAGMA synchronous = FULL',
        'PRAGMA foreign_keys = ON',
      ]
    : [];
  let client: Client;
  if (localPath === null) {
    client = createClient({ url, authToken, ...(local ? { concurrency: 1 } : {}) });
    for (const pragma of pragmas) await client.execute(pragma);
  } else {
    // Our client sets them on each connection it opens (again after a failed rollback).
    client = createLocalClient(localPath, pragmas);
  }
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder });
  return { db, client, close: () => client.close() };
}
