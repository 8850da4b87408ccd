import { drizzle } from 'drizzle-orm/d1';
import type { Db } from './db.ts';
import * as schema from './schema.ts';

// Cloudflare D1 as the app's Db. Drizzle's D1 database has the same query builder, `batch()` (one implicit
// transaction on D1, as `batch(…, 'write')` is on libSQL) and `db.all/get(sql)` (rows as objects). Two
// things differ, and this module closes both gaps so the app needs no D1 branch:
// - `db.run()` resolves to a D1Result (`meta.changes`), where libSQL's ResultSet has `rowsAffected`: the binding
//   is wrapped so every run() result, alone or inside a batch, also carries `rowsAffected`, `lastInsertRowid`
//   and `rows` (rows as objects: read columns by name, never by index).
// - drizzle's D1 `batch()` throws "Cannot read properties of undefined (reading 'bind')" for a raw `db.run(sql)`
//   item with parameters (drizzle-orm issue #2277, open in 0.45): the batch is replaced by one that prepares
//   every item from its SQL and parameters, which is what drizzle does for the other items anyway.
// - `db.transaction()` sends BEGIN, which D1 refuses: the app never calls it (STACK.md, DESIGN.md section 7).
// Known limit, D1 only: a select inside a batch maps its columns by name (D1 returns objects there), so a batched
// select must not return two columns with the same name (alias them).

/** The parts of Workers' D1 types this module uses (the full types would clash with the DOM and Node globals). */
export type D1RunResult = {
  success: boolean;
  results: Record<string, unknown>[];
  meta: { changes: number; last_row_id: number };
};
export interface D1Statement {
  bind(...values: unknown[]): D1Statement;
  run(): Promise<D1RunResult>;
  all(): Promise<D1RunResult>;
  raw(options?: { columnNames?: false }): Promise<unknown[][]>;
  first(column?: string): Promise<unknown>;
}
export interface D1Binding {
  prepare(query: string): D1Statement;
  batch(statements: D1Statement[]): Promise<D1RunResult[]>;
  exec(query: string): Promise<unknown>;
}

function libsqlShaped(result: D1RunResult) {
  return Object.assign(result, {
    rowsAffected: result.meta.changes,
    lastInsertRowid: BigInt(result.meta.last_row_id ?? 0),
    rows: result.results,
  });
}

const wrapped = new WeakMap<object, D1Statement>();

function wrapStatement(statement: D1Statement): D1Statement {
  const shaped: D1Statement = {
    bind: (...values) => wrapStatement(statement.bind(...values)),
    run: async () => libsqlShaped(await statement.run()),
    all: () => statement.all(),
    raw: (options) => statement.raw(options),
    first: (column) => (column === undefined ? statement.first() : statement.first(column)),
  };
  wrapped.set(shaped, statement);
  return shaped;
}

function wrapBinding(binding: D1Binding): D1Binding {
  return {
    prepare: (query) => wrapStatement(binding.prepare(query)),
    // D1 accepts only its own statement objects: unwrap before the batch, shape the results after.
    batch: async (statements) => {
      const results = await binding.batch(statements.map((statement) => wrapped.get(statement) ?? statement));
      return results.map(libsqlShaped);
    },
    exec: (query) => binding.exec(query),
  };
}

type BatchItem = {
  _prepare(): {
    getQuery(): { sql: string; params: unknown[] };
    mapResult(result: unknown, isFromBatch: boolean): unknown;
  };
};

/** The D1 binding as the app's Db (see above for the differences it closes). */
export function d1Database(binding: D1Binding): Db {
  const shaped = wrapBinding(binding);
  const db = drizzle(shaped as never, { schema });
  const session = (db as unknown as { session: { batch(items: BatchItem[]): Promise<unknown[]> } }).session;
  session.batch = async (items) => {
    const prepared = items.map((item) => item._prepare());
    const statements = prepared.map((query) => {
      const { sql, params } = query.getQuery();
      return shaped.prepare(sql).bind(...params);
    });
    const results = await shaped.batch(statements);
    return results.map((result, i) => prepared[i]!.mapResult(result, true));
  };
  // The cast is the adapter's contract: same builder and batch(); run() results shaped as above; no transaction().
  return db as unknown as Db;
}
