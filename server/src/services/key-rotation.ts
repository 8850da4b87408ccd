import { type SQL, sql } from 'drizzle-orm';
import { runBatch } from '../db/db.ts';
import type { Deps } from '../deps.ts';
import { decryptField, encryptField, type Keys, sealPrefix, UnreadableSealError } from '../lib/crypto.ts';

// Re-seals every stored ciphertext under the current secret, a batch at a time. The progress is the data itself
// (a value not yet under the current key id is still to do), so a stopped run resumes where it was by starting again.

/** Every sealed column: its table, its id column, and the FieldContext it was sealed with (rowId = that id). */
const sealedColumns = [
  { table: 'secrets', id: 'account_id', column: 'password_enc', live: null },
  { table: 'backup_codes', id: 'id', column: 'code_enc', live: null },
  // Only a queued message still holds its body (sent and dead ones are erased): the rest of the outbox is history.
  { table: 'outbox', id: 'id', column: 'body_enc', live: "status = 'queued'" },
] as const;

type SealedColumn = (typeof sealedColumns)[number];

/** Where a run is: the column it walks (an index into sealedColumns) and the last id it looked at there. */
export type RotationCursor = { column: number; after: string };

export type BatchResult = { cursor: RotationCursor | null; resealed: number; changed: number; unreadable: number };

const name = (text: string) => sql.raw(`"${text}"`);
const live = (spec: SealedColumn): SQL => (spec.live ? sql`${sql.raw(spec.live)} AND ` : sql``);
const hasPrefix = (spec: SealedColumn, prefix: string): SQL =>
  sql`substr(${name(spec.column)}, 1, ${prefix.length}) = ${prefix}`;
/** Values not under the current key (what is left to do, readable or not). */
const stale = (spec: SealedColumn, prefix: string): SQL =>
  sql`${live(spec)}${name(spec.column)} IS NOT NULL AND substr(${name(spec.column)}, 1, ${prefix.length}) <> ${prefix}`;
/**
 * Values this server can re-seal: under the previous key, or unlabelled legacy `v1`. A value under a key it does
 * not hold is never selected, so however many there are, they cannot hold up the rows and tables after them.
 */
const resealable = (spec: SealedColumn, keys: Keys): SQL => {
  const legacy = hasPrefix(spec, 'v1.');
  const held = keys.previous ? sql`(${hasPrefix(spec, sealPrefix(keys.previous.keyId))} OR ${legacy})` : legacy;
  return sql`${live(spec)}${held}`;
};

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
    WHERE ${resealable(spec, keys)} AND ${name(spec.id)} > ${cursor.after}
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
  /** Nothing left under another key: TWOSTEP_SECRET_PREVIOUS can be removed. */
  done: boolean;
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
  return {
    keyId: keys.keyId,
    previousKeyId: keys.previous?.keyId ?? null,
    remaining,
    unreadable,
    done: remaining === 0,
  };
}

const running = new WeakMap<Deps, Promise<RotationRun>>();
/** Per configuration (a Keys object): where the last bounded run stopped, so the next one goes on from there. */
const resumeAt = new WeakMap<Keys, RotationCursor>();
/** Configurations with no previous key that made one full pass: what it could re-seal is done, nothing new comes. */
const idle = new WeakSet<Keys>();

export type RotationRun = {
  resealed: number;
  changed: number;
  unreadable: number;
  finished: boolean;
  skipped: boolean;
};

/**
 * Walks every sealed column, up to `maxBatches` batches (a Workers cron stays short; the next one goes on where
 * this one stopped). One run at a time per process; runs elsewhere are safe too (every write is conditional).
 * With no previous key, only legacy `v1` values can need re-sealing and nothing writes new ones: after one full
 * pass the process skips the work (a configuration change is a restart, with new keys).
 */
export function runKeyRotation(deps: Deps, options: { batchSize?: number; maxBatches?: number } = {}) {
  const existing = running.get(deps);
  if (existing) return existing;
  const run = (async (): Promise<RotationRun> => {
    const keys = deps.keys;
    const total: RotationRun = { resealed: 0, changed: 0, unreadable: 0, finished: false, skipped: false };
    if (idle.has(keys)) return { ...total, finished: true, skipped: true };
    const resumed = resumeAt.get(keys);
    let cursor: RotationCursor | null = resumed ?? { column: 0, after: '' };
    for (let batch = 0; cursor && batch < (options.maxBatches ?? Number.POSITIVE_INFINITY); batch++) {
      const result: BatchResult = await resealBatch(deps, cursor, { limit: options.batchSize });
      total.resealed += result.resealed;
      total.changed += result.changed;
      total.unreadable += result.unreadable;
      cursor = result.cursor;
    }
    total.finished = cursor === null;
    if (cursor) resumeAt.set(keys, cursor);
    else resumeAt.delete(keys);
    if (total.finished && !resumed && !keys.previous) idle.add(keys);
    if (total.resealed > 0 || total.unreadable > 0 || keys.previous) {
      const { remaining } = await rotationStatus(deps);
      if (total.resealed > 0 || total.unreadable > 0) {
        deps.log(
          `key rotation: ${total.resealed} values resealed under key ${keys.keyId}, ${remaining} remaining` +
            (total.unreadable > 0 ? `, ${total.unreadable} sealed with a key this server does not hold` : ''),
        );
      }
      if (keys.previous && remaining === 0) deps.log('key rotation complete: remove TWOSTEP_SECRET_PREVIOUS');
    }
    return total;
  })().finally(() => running.delete(deps));
  running.set(deps, run);
  return run;
}
