import { type SQL, sql } from 'drizzle-orm';
import { runBatch } from '../db/db.ts';
import type { Deps } from '../deps.ts';
import { decryptField, encryptField, sealPrefix, UnreadableSealError } from '../lib/crypto.ts';

// Re-seals every stored ciphertext under the current secret, a batch at a time. The progress is the data itself
// (a value not yet under the current key id is still to do), so a stopped run resumes where it was by starting again.

/** Every sealed column: its table, its id column, and the FieldContext it was sealed with (rowId = that id). */
const sealedColumns = [
  { table: 'secrets', id: 'account_id', column: 'password_enc' },
  { table: 'backup_codes', id: 'id', column: 'code_enc' },
  { table: 'outbox', id: 'id', column: 'body_enc' },
] as const;

type SealedColumn = (typeof sealedColumns)[number];

/** Where a run is: the column it walks (an index into sealedColumns) and the last id it looked at there. */
export type RotationCursor = { column: number; after: string };

export type BatchResult = { cursor: RotationCursor | null; resealed: number; changed: number; unreadable: number };

const name = (text: string) => sql.raw(`"${text}"`);
const stale = (spec: SealedColumn, prefix: string): SQL =>
  sql`${name(spec.column)} IS NOT NULL AND substr(${name(spec.column)}, 1, ${prefix.length}) <> ${prefix}`;

/**
 * One batch: reads up to `limit` values not under the current key, opens each with the key it names, seals it
 * again and writes the whole batch as one db.batch. Each UPDATE applies only while the row still holds the
 * ciphertext read here, so a value written (or sent and erased) meanwhile is never overwritten.
 * `beforeWrite` runs between the read and the write (tests use it to race a write against the batch).
 */
export async function resealBatch(
  deps: Deps,
  cursor: RotationCursor = { column: 0, after: '' },
  options: { limit?: number; beforeWrite?: () => Promise<void> } = {},
): Promise<BatchResult> {
  const { db, keys } = deps;
  const limit = options.limit ?? 100;
  const spec = sealedColumns[cursor.column];
  if (!spec) return { cursor: null, resealed: 0, changed: 0, unreadable: 0 };
  const rows = await db.all<{ id: string; sealed: string }>(sql`
    SELECT ${name(spec.id)} AS id, ${name(spec.column)} AS sealed FROM ${name(spec.table)}
    WHERE ${stale(spec, sealPrefix(keys.keyId))} AND ${name(spec.id)} > ${cursor.after}
    ORDER BY ${name(spec.id)} LIMIT ${limit}`);
  let unreadable = 0;
  const updates: { id: string; from: string; to: string }[] = [];
  for (const row of rows) {
    const where = { table: spec.table, column: spec.column, rowId: row.id };
    try {
      const plain = await decryptField(keys, where, row.sealed);
      updates.push({ id: row.id, from: row.sealed, to: await encryptField(keys, where, plain) });
    } catch (error) {
      if (!(error instanceof UnreadableSealError)) throw error;
      unreadable++;
    }
  }
  await options.beforeWrite?.();
  let resealed = 0;
  if (updates.length > 0) {
    const results = await runBatch(
      db,
      updates.map((update) =>
        db.run(sql`UPDATE ${name(spec.table)} SET ${name(spec.column)} = ${update.to}
          WHERE ${name(spec.id)} = ${update.id} AND ${name(spec.column)} = ${update.from}`),
      ),
    );
    resealed = results.reduce((sum, result) => sum + changes(result), 0);
  }
  const last = rows.at(-1)?.id;
  const next =
    rows.length < limit || last === undefined ? { column: cursor.column + 1, after: '' } : { ...cursor, after: last };
  return {
    cursor: next.column < sealedColumns.length ? next : null,
    resealed,
    changed: updates.length - resealed,
    unreadable,
  };
}

/** Rows an UPDATE changed, as libSQL (rowsAffected) and D1 (meta.changes) each report it. */
function changes(result: unknown): number {
  const value = result as { rowsAffected?: number; meta?: { changes?: number } };
  return Number(value.rowsAffected ?? value.meta?.changes ?? 0);
}

export type RotationStatus = {
  keyId: string;
  previousKeyId: string | null;
  /** Values not yet sealed under the current key. */
  remaining: number;
  /** Of those, values that name a key this server does not hold: they stay unreadable until it is configured. */
  unreadable: number;
};

/** How far re-sealing is: counted in SQL from the key id each value carries, in one batch (one snapshot). */
export async function rotationStatus(deps: Deps): Promise<RotationStatus> {
  const { db, keys } = deps;
  const current = sealPrefix(keys.keyId);
  const held = [current, ...(keys.previous ? [sealPrefix(keys.previous.keyId)] : [])];
  const counts = await runBatch(
    db,
    sealedColumns.map((spec) => {
      const column = name(spec.column);
      const foreign = sql.join(
        held.map((prefix) => sql`substr(${column}, 1, ${prefix.length}) <> ${prefix}`),
        sql` AND `,
      );
      return db.all(sql`SELECT count(*) AS remaining,
          coalesce(sum(CASE WHEN substr(${column}, 1, 3) = 'v2.' AND ${foreign} THEN 1 ELSE 0 END), 0) AS unreadable
        FROM ${name(spec.table)} WHERE ${stale(spec, current)}`);
    }),
  );
  let remaining = 0;
  let unreadable = 0;
  for (const rows of counts as unknown as { remaining: number; unreadable: number }[][]) {
    remaining += Number(rows[0]?.remaining ?? 0);
    unreadable += Number(rows[0]?.unreadable ?? 0);
  }
  return { keyId: keys.keyId, previousKeyId: keys.previous?.keyId ?? null, remaining, unreadable };
}

const running = new WeakMap<Deps, Promise<RotationRun>>();

export type RotationRun = { resealed: number; changed: number; unreadable: number; finished: boolean };

/**
 * Walks every sealed column once, up to `maxBatches` batches (a Workers cron stays short; the next one goes on).
 * One run at a time per process; runs elsewhere are safe too (every write is conditional), only wasted work.
 */
export function runKeyRotation(deps: Deps, options: { batchSize?: number; maxBatches?: number } = {}) {
  const existing = running.get(deps);
  if (existing) return existing;
  const run = (async (): Promise<RotationRun> => {
    const total: RotationRun = { resealed: 0, changed: 0, unreadable: 0, finished: false };
    let cursor: RotationCursor | null = { column: 0, after: '' };
    for (let batch = 0; cursor && batch < (options.maxBatches ?? Number.POSITIVE_INFINITY); batch++) {
      const result: BatchResult = await resealBatch(deps, cursor, { limit: options.batchSize });
      total.resealed += result.resealed;
      total.changed += result.changed;
      total.unreadable += result.unreadable;
      cursor = result.cursor;
    }
    total.finished = cursor === null;
    if (total.resealed > 0 || total.unreadable > 0) {
      const { remaining } = await rotationStatus(deps);
      deps.log(
        `key rotation: ${total.resealed} values resealed under key ${deps.keys.keyId}, ${remaining} remaining` +
          (total.unreadable > 0 ? `, ${total.unreadable} sealed with a key this server does not hold` : ''),
      );
    }
    return total;
  })().finally(() => running.delete(deps));
  running.set(deps, run);
  return run;
}
