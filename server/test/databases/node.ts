import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import { inject } from 'vitest';
import { migrationsFolder, openDatabase } from '../../src/db/client.ts';
import type { Db } from '../../src/db/db.ts';
import * as schema from '../../src/db/schema.ts';
import type { TestDatabase } from './types.ts';

// The test databases outside workerd, chosen by TEST_DB. Inside workerd the vitest project 'server-workerd'
// replaces this module with ./workerd.ts (an alias), so node: modules never load there.

/** Which database the integration suite runs on: TEST_DB=memory (default), file, or a libSQL server URL. */
export function testDatabaseUrl(): { url: string; cleanup: () => void } {
  const kind = process.env.TEST_DB ?? 'memory';
  if (kind === 'memory') return { url: ':memory:', cleanup: () => {} };
  if (kind === 'file') {
    const dir = mkdtempSync(join(tmpdir(), 'twostep-test-'));
    return { url: `file:${join(dir, 'test.db')}`, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  }
  return { url: kind, cleanup: () => {} };
}

let namespaces = 0;

const rawQuery =
  (db: Db) =>
  <Row>(text: string) =>
    db.all<Row>(sql.raw(text));

/**
 * A fresh namespace (an empty database of its own) on the sqld that test/sqld-setup.ts started. The namespace
 * travels in the x-namespace-bin header (unpadded base64), so every test file, in parallel, gets its own databases.
 */
async function sqldNamespace(): Promise<TestDatabase> {
  const { url, adminUrl } = inject('sqld');
  const name = `t${process.pid}-${++namespaces}-${crypto.randomUUID().slice(0, 8)}`;
  const created = await fetch(`${adminUrl}/v1/namespaces/${name}/create`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: '{}',
  });
  if (!created.ok) throw new Error(`sqld could not create namespace ${name}: ${await created.text()}`);
  const header = Buffer.from(name).toString('base64').replace(/=+$/, '');
  const inNamespace = (input: Request | string | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    request.headers.set('x-namespace-bin', header);
    return fetch(request);
  };
  const client = createClient({ url, fetch: inNamespace });
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder });
  return {
    db,
    url: `${url}#${name}`,
    query: rawQuery(db),
    close: async () => {
      client.close();
      await fetch(`${adminUrl}/v1/namespaces/${name}`, { method: 'DELETE' });
    },
  };
}

/** A fresh, migrated database for one harness. */
export async function openTestDatabase(url?: string): Promise<TestDatabase> {
  if (!url && process.env.TEST_DB === 'sqld') return sqldNamespace();
  const target = url ? { url, cleanup: () => {} } : testDatabaseUrl();
  const database = await openDatabase(target.url);
  return {
    db: database.db,
    url: target.url,
    query: rawQuery(database.db),
    close: () => {
      database.close();
      target.cleanup();
    },
  };
}
