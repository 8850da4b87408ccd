import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Client,
  createClient,
  type InStatement,
  LibsqlBatchError,
  LibsqlError,
  type ResultSet,
} from '@libsql/client';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalClient, localPathOf } from './local-client.ts';

// The local client must answer exactly as @libsql/client's own sqlite3 client does: drizzle and the app read its
// rows by index (fields) and by name (raw SQL), its errors by code, and its batches as all or nothing.
const dir = mkdtempSync(join(tmpdir(), 'twostep-local-client-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const schema = `
  CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER, r REAL, b BLOB, s TEXT);
  CREATE TABLE u (id TEXT PRIMARY KEY, t_id TEXT REFERENCES t(id));`;

async function pair(name: string): Promise<[Client, Client]> {
  const stock = createClient({ url: `file:${join(dir, `${name}-stock.db`)}`, concurrency: 1 });
  const local = createLocalClient(join(dir, `${name}-local.db`));
  for (const client of [stock, local]) {
    await client.executeMultiple(schema);
    await client.execute('PRAGMA foreign_keys = ON');
  }
  return [stock, local];
}

/** What a caller can observe of a result: cells by index and by name, enumerable keys, counts. */
function observed(result: ResultSet) {
  return {
    columns: result.columns,
    columnTypes: result.columnTypes,
    rowsAffected: result.rowsAffected,
    rows: result.rows.map((row) => ({
      length: row.length,
      byIndex: Array.prototype.slice.call(row),
      keys: Object.keys(row),
      entries: Object.fromEntries(Object.entries(row)),
      json: JSON.stringify(row),
    })),
    json: JSON.stringify(result),
  };
}

const errorOf = async (run: () => Promise<unknown>) => {
  try {
    await run();
  } catch (error) {
    const e = error as LibsqlError & { statementIndex?: number };
    return {
      type: e.constructor.name,
      code: e.code,
      extendedCode: e.extendedCode,
      rawCode: e.rawCode,
      index: e.statementIndex,
    };
  }
  throw new Error('expected an error');
};

describe('local client', () => {
  it('answers rows, counts and values as the stock client does', async () => {
    const clients = await pair('rows');
    const answers = [];
    for (const client of clients) {
      const insert = await client.execute({
        sql: 'INSERT INTO t (id, n, r, b, s) VALUES (?, ?, ?, ?, ?), (?, ?, ?, ?, ?)',
        args: ['a', 1_796_195_276_011, 1.5, new Uint8Array([1, 2, 3]), 'x', 'b', null, null, null, true],
      });
      const named = await client.execute({ sql: 'SELECT * FROM t WHERE id = :id', args: { ':id': 'a' } });
      // Two columns named id: the first one is the row's `id`, both are there by index.
      const joined = await client.execute(
        'SELECT t.id, t.s, u.id, count(*) AS c FROM t LEFT JOIN u ON u.t_id = t.id GROUP BY t.id ORDER BY t.id',
      );
      const returning = await client.execute({
        sql: 'UPDATE t SET n = n + 1 WHERE id = ? RETURNING id, n',
        args: ['a'],
      });
      const none = await client.execute('SELECT id FROM t WHERE 0');
      const blob = (await client.execute("SELECT b FROM t WHERE id = 'a'")).rows[0]![0] as ArrayBuffer;
      answers.push({
        insert: { rowsAffected: insert.rowsAffected, lastInsertRowid: insert.lastInsertRowid },
        named: observed(named),
        joined: observed(joined),
        returning: observed(returning),
        none: observed(none),
        blob: [blob instanceof ArrayBuffer, [...new Uint8Array(blob)]],
      });
    }
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[1]!.joined.rows[0]!.keys).toEqual(['id', 's', 'c']);
    expect(answers[1]!.named.rows[0]!.entries.n).toBe(1_796_195_276_011);
    expect(answers[1]!.blob).toEqual([true, [1, 2, 3]]);
  });

  it('refuses arguments and reports constraint errors as the stock client does', async () => {
    const clients = await pair('errors');
    const answers = [];
    for (const client of clients) {
      await client.execute({ sql: 'INSERT INTO t (id) VALUES (?)', args: ['a'] });
      answers.push({
        unique: await errorOf(() => client.execute({ sql: 'INSERT INTO t (id) VALUES (?)', args: ['a'] })),
        foreign: await errorOf(() =>
          client.execute({ sql: 'INSERT INTO u (id, t_id) VALUES (?, ?)', args: ['u', 'z'] }),
        ),
        syntax: await errorOf(() => client.execute('SELEC 1')),
        nan: await errorOf(() => client.execute({ sql: 'SELECT ?', args: [Number.NaN] })),
        undefined: await errorOf(() => client.execute({ sql: 'SELECT ?', args: [undefined as never] })),
      });
    }
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[1]!.unique).toMatchObject({ type: 'LibsqlError', extendedCode: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
  });

  it('runs a batch as all or nothing, naming the failing statement', async () => {
    const clients = await pair('batch');
    const answers = [];
    for (const client of clients) {
      const ok = await client.batch(
        [
          { sql: 'INSERT INTO t (id, n) VALUES (?, ?)', args: ['a', 1] },
          { sql: 'UPDATE t SET n = n + 1 WHERE id = ?', args: ['a'] },
          'SELECT n FROM t',
        ],
        'write',
      );
      const failed = await errorOf(() =>
        client.batch([
          { sql: 'UPDATE t SET n = 100 WHERE id = ?', args: ['a'] },
          { sql: 'INSERT INTO t (id) VALUES (?)', args: ['b'] },
          { sql: 'INSERT INTO t (id) VALUES (?)', args: ['a'] },
        ]),
      );
      const after = await client.execute('SELECT id, n FROM t ORDER BY id');
      answers.push({ ok: ok.map(observed), failed, after: observed(after) });
    }
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[1]!.failed).toMatchObject({ type: 'LibsqlBatchError', index: 2 });
    expect(answers[1]!.after.rows.map((row) => row.byIndex)).toEqual([['a', 2]]);
  });

  it('commits the batches of one turn together, each still all or nothing and refused alone', async () => {
    const answers = [];
    for (const client of await pair('group')) {
      const insert = (id: string, n = 1) => ({ sql: 'INSERT INTO t (id, n) VALUES (?, ?)', args: [id, n] });
      // Made in one turn: the second depends on the first, the third fails at its last statement.
      const settled = await Promise.allSettled([
        client.batch([insert('a')]),
        client.batch([{ sql: 'UPDATE t SET n = n + 10 WHERE id = ?', args: ['a'] }, 'SELECT n FROM t']),
        client.batch([insert('b'), insert('a')]),
        client.batch([insert('c')], 'write'),
      ]);
      const after = await client.execute('SELECT id, n FROM t ORDER BY id');
      answers.push({
        settled: settled.map((one) =>
          one.status === 'fulfilled'
            ? one.value.map((result) => result.rows.map((row) => Array.prototype.slice.call(row)))
            : { index: (one.reason as { statementIndex?: number }).statementIndex, code: one.reason.code },
        ),
        after: after.rows.map((row) => Array.prototype.slice.call(row)),
      });
    }
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[1]!.settled[2]).toEqual({ index: 1, code: 'SQLITE_CONSTRAINT' });
    expect(answers[1]!.after).toEqual([
      ['a', 11],
      ['c', 1],
    ]);

    // One commit for the turn: ten batches writing the same page add that page to the log once, not ten times.
    const path = join(dir, 'group-wal.db');
    const local = createLocalClient(path);
    await local.execute('PRAGMA journal_mode = WAL');
    await local.execute('CREATE TABLE w (id INTEGER PRIMARY KEY, n INTEGER)');
    // The frames in the log since the last call, which empties it.
    const logFrames = async () => {
      const [row] = (await local.execute('PRAGMA wal_checkpoint(PASSIVE)')).rows;
      await local.execute('PRAGMA wal_checkpoint(TRUNCATE)');
      return Number(row![1]);
    };
    const write = (i: number) => local.batch([{ sql: 'INSERT INTO w (id, n) VALUES (?, ?)', args: [i, i] }]);
    await logFrames();
    for (let i = 0; i < 10; i++) await write(i);
    const awaitedOneByOne = await logFrames();
    await Promise.all(Array.from({ length: 10 }, (_, i) => write(100 + i)));
    const madeInOneTurn = await logFrames();
    expect(awaitedOneByOne).toBeGreaterThanOrEqual(10);
    expect(madeInOneTurn).toBe(1);

    // A queued batch runs with the values it was called with, whatever its caller changes afterwards.
    const statement = { sql: 'INSERT INTO w (id, n) VALUES (?, ?)', args: [1000, 1] };
    const queued = local.batch([statement]);
    statement.args[1] = 2;
    await queued;
    expect((await local.execute('SELECT n FROM w WHERE id = 1000')).rows[0]!.n).toBe(1);
    local.close();
    const reopened = createLocalClient(path);
    expect((await reopened.execute('SELECT count(*) AS n FROM w')).rows[0]!.n).toBe(21);
    reopened.close();
  });

  it('refuses every batch of the turn when the transaction cannot go on, and writes none of them', async () => {
    const [, local] = await pair('group-end');
    await local.execute(
      'CREATE TABLE d (id TEXT PRIMARY KEY, t_id TEXT REFERENCES t(id) DEFERRABLE INITIALLY DEFERRED)',
    );
    const insert = (id: string) => ({ sql: 'INSERT INTO t (id) VALUES (?)', args: [id] });
    // An error that ends the transaction (here ROLLBACK OR-clause), and a COMMIT that fails (a deferred foreign key).
    const ended = await Promise.allSettled([
      local.batch([insert('a')]),
      local.batch([insert('b'), "INSERT OR ROLLBACK INTO t (id) VALUES ('a')", insert('c')]),
      local.batch([insert('d')]),
    ]);
    const commitFailed = await Promise.allSettled([
      local.batch([insert('e')]),
      local.batch([{ sql: 'INSERT INTO d (id, t_id) VALUES (?, ?)', args: ['d1', 'missing'] }]),
    ]);
    // The batch that ended it is told why; the others only that their transaction closed.
    expect(ended.map((one) => one.status === 'rejected' && one.reason.code)).toEqual([
      'TRANSACTION_CLOSED',
      'SQLITE_CONSTRAINT',
      'TRANSACTION_CLOSED',
    ]);
    expect(commitFailed.map((one) => one.status)).toEqual(['rejected', 'rejected']);
    expect((await local.execute('SELECT id FROM t UNION ALL SELECT id FROM d')).rows).toHaveLength(0);
  });

  it('runs a batch that steers transactions or pragmas alone, as the stock client does', async () => {
    const answers = [];
    for (const client of await pair('group-steer')) {
      const insert = (id: string) => ({ sql: 'INSERT INTO t (id) VALUES (?)', args: [id] });
      const outcomes: string[][] = [];
      const steerings: InStatement[][] = [
        [insert('a'), 'SAVEPOINT batch', insert('b'), insert('b')],
        [insert('c'), '/* done */ COMMIT', insert('d')],
        [insert('c2'), ';\n ; COMMIT', insert('d2')],
        [insert('e'), 'ROLLBACK TO batch', insert('f')],
        [insert('g'), 'RELEASE batch'],
        ['PRAGMA defer_foreign_keys = ON', { sql: 'INSERT INTO u (id, t_id) VALUES (?, ?)', args: ['u1', 'x'] }],
      ];
      for (const steering of steerings) {
        const settled = await Promise.allSettled([
          client.batch([insert(`before-${outcomes.length}`)]),
          client.batch(steering),
          client.batch([{ sql: 'INSERT INTO u (id, t_id) VALUES (?, ?)', args: [`u-${outcomes.length}`, 'none'] }]),
          client.batch([insert(`after-${outcomes.length}`)]),
        ]);
        outcomes.push(settled.map((one) => one.status));
      }
      const t = (await client.execute('SELECT id FROM t ORDER BY id')).rows.map((row) => row.id);
      const u = (await client.execute('SELECT id FROM u ORDER BY id')).rows.map((row) => row.id);
      answers.push({ outcomes, t, u });
    }
    expect(answers[1]).toEqual(answers[0]);
    // The batch after a steering one always holds; the one breaking a foreign key never does.
    expect(answers[1]!.outcomes.map((one) => [one[0], one[2], one[3]])).toEqual(
      Array(6).fill(['fulfilled', 'rejected', 'fulfilled']),
    );
  });

  it('writes queued batches before a transaction, a script or close(), and sets its pragmas on every connection', async () => {
    const path = join(dir, 'group-order.db');
    const local = createLocalClient(path, ['PRAGMA foreign_keys = ON', 'PRAGMA busy_timeout = 1234']);
    await local.executeMultiple(schema);
    const insert = (id: string) => ({ sql: 'INSERT INTO t (id) VALUES (?)', args: [id] });
    const before = local.batch([insert('a')]);
    const tx = await local.transaction('write');
    expect((await tx.execute('SELECT id FROM t')).rows.map((row) => row.id)).toEqual(['a']);
    await tx.execute(insert('b'));
    await tx.commit();
    await expect(before).resolves.toHaveLength(1);
    const queued = local.batch([insert('c')]);
    await local.executeMultiple("INSERT INTO u (id, t_id) VALUES ('u1', 'c');");
    await expect(queued).resolves.toHaveLength(1);
    local.reconnect();
    expect((await local.execute('PRAGMA busy_timeout')).rows[0]![0]).toBe(1234);
    await expect(local.execute("INSERT INTO u (id, t_id) VALUES ('u2', 'none')")).rejects.toMatchObject({
      code: 'SQLITE_CONSTRAINT',
    });
    const last = local.batch([insert('d')]);
    local.close();
    await expect(last).resolves.toHaveLength(1);
    const reopened = createLocalClient(path);
    expect((await reopened.execute('SELECT id FROM t ORDER BY id')).rows.map((row) => row.id)).toEqual([
      'a',
      'b',
      'c',
      'd',
    ]);
    reopened.close();
  });

  it('waits for another process holding the write lock, whatever the turn read first', async () => {
    const path = join(dir, 'group-busy.db');
    const local = createLocalClient(path, ['PRAGMA journal_mode = WAL', 'PRAGMA busy_timeout = 5000']);
    await local.executeMultiple(schema);
    await local.execute("INSERT INTO t (id) VALUES ('seen')");
    const holder = spawn(process.execPath, [
      '-e',
      `const D = require(${JSON.stringify(createRequire(import.meta.url).resolve('libsql'))}); const db = new D(${JSON.stringify(path)}); db.exec('BEGIN IMMEDIATE');
         db.exec("INSERT INTO t (id) VALUES ('other')"); console.log('locked');
         setTimeout(() => { db.exec('COMMIT'); db.close(); }, 400);`,
    ]);
    await new Promise<void>((resolve, reject) => {
      holder.stdout.on('data', () => resolve());
      holder.on('error', reject);
      holder.on('exit', (code) => reject(new Error(`holder exited ${code}`)));
    });
    // A batch that reads before it writes, and one that only writes, in one turn.
    const [readThenWrite, write] = await Promise.all([
      local.batch(['SELECT count(*) AS n FROM t', { sql: 'INSERT INTO t (id) VALUES (?)', args: ['mine'] }]),
      local.batch([{ sql: 'INSERT INTO t (id) VALUES (?)', args: ['mine too'] }]),
    ]);
    // Read after the other process committed: the turn waited for the lock instead of failing with SQLITE_BUSY.
    expect(readThenWrite[0]!.rows[0]!.n).toBe(2);
    expect([readThenWrite[1]!.rowsAffected, write[0]!.rowsAffected]).toEqual([1, 1]);
    local.close();
  });

  it('runs a kept statement again after it failed, and with other arguments', async () => {
    const [, local] = await pair('reuse');
    const insert = (id: string) => local.execute({ sql: 'INSERT INTO t (id, n) VALUES (?, 1)', args: [id] });
    await insert('a');
    await expect(insert('a')).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT' });
    await insert('b');
    const bump = (id: string) => local.execute({ sql: 'UPDATE t SET n = n + 1 WHERE id = ? RETURNING n', args: [id] });
    expect((await bump('none')).rows).toHaveLength(0);
    expect((await bump('a')).rows.map((row) => row.n)).toEqual([2]);
    expect((await bump('a')).rows.map((row) => row.n)).toEqual([3]);
    const first = async (from: string) =>
      (await local.execute({ sql: 'SELECT id FROM t WHERE id >= ? ORDER BY id LIMIT 1', args: [from] })).rows.map(
        (row) => row.id,
      );
    expect([await first('a'), await first('b'), await first('z')]).toEqual([['a'], ['b'], []]);
  });

  it('refuses calls while an interactive transaction holds the connection, as the stock client does', async () => {
    const answers = [];
    for (const client of await pair('transaction')) {
      const tx = await client.transaction('write');
      await tx.execute({ sql: 'INSERT INTO t (id) VALUES (?)', args: ['inside'] });
      // Started in the same tick as the transaction's own statements: refused, never run inside it.
      const outside = await errorOf(() => client.execute({ sql: 'INSERT INTO t (id) VALUES (?)', args: ['outside'] }));
      const batch = await errorOf(() => client.batch(['SELECT 1']));
      await tx.rollback();
      const ids = (await client.execute('SELECT id FROM t ORDER BY id')).rows.map((row) => row.id);
      const afterRollback = await errorOf(() => tx.execute('SELECT 1'));
      answers.push({ outside: outside.code, batch: batch.code, ids, afterRollback: afterRollback.code });
    }
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[1]).toEqual({
      outside: 'TRANSACTION_ACTIVE',
      batch: 'TRANSACTION_ACTIVE',
      ids: [],
      afterRollback: 'TRANSACTION_CLOSED',
    });
  });

  it('reads rows whose names are `length`, digits or __proto__ (cells by index as the stock client, no throw)', async () => {
    const answers = [];
    for (const client of await pair('names')) {
      await client.execute("INSERT INTO t (id) VALUES ('a')");
      const cellsOf = (result: ResultSet) => result.rows.map((row) => [row.length, Array.prototype.slice.call(row)]);
      answers.push({
        numbers: cellsOf(await client.execute('SELECT 1, 2, 3 AS "0"')),
        // A write whose RETURNING names a column `length`: reported done, as it is.
        returning: cellsOf(
          await client.execute("INSERT INTO t (id) VALUES ('b') RETURNING id AS length, id AS __proto__"),
        ),
        empty: observed(await client.execute('SELECT 1 AS ""')),
        count: Number((await client.execute('SELECT count(*) AS n FROM t')).rows[0]!.n),
      });
    }
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[1]!.returning).toEqual([[2, ['b', 'b']]]);
    expect(answers[1]!.count).toBe(2);
    const [row] = (await (await pair('spread'))[1].execute("SELECT 'a' AS id")).rows;
    // A row's own keys are its names alone: spreading or comparing it shows nothing else.
    expect(Reflect.ownKeys({ ...row })).toEqual(['id']);
  });

  it('binds every value of a kept statement anew, whatever the previous call bound', async () => {
    const answers = [];
    for (const client of await pair('bindings')) {
      const read = async (args: number[]) =>
        Array.prototype.slice.call((await client.execute({ sql: 'SELECT ? AS a, ? AS b', args })).rows[0]);
      answers.push([await read([1, 2]), await read([7]), await read([])]);
    }
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[1]).toEqual([
      [1, 2],
      [7, null],
      [null, null],
    ]);
  });

  it('follows the schema under a kept SELECT *, and never runs a statement twice', async () => {
    const path = join(dir, 'schema.db');
    const local = createLocalClient(path);
    await local.executeMultiple(schema);
    await local.execute("INSERT INTO t (id, n, s) VALUES ('a', 1, 'x')");
    const star = async () => (await local.execute('SELECT * FROM t')).rows[0]!;
    const bump = async () => (await local.execute("UPDATE t SET n = n + 1 WHERE id = 'a' RETURNING *")).rows[0]!;
    expect(Object.keys(await star())).toEqual(['id', 'n', 'r', 'b', 's']);
    expect((await bump()).n).toBe(2);
    const other = createLocalClient(path);
    // Another process adds a column, then rebuilds the table in another order (as drizzle-kit migrations do).
    await other.execute("ALTER TABLE t ADD COLUMN added TEXT DEFAULT 'new'");
    expect(await star()).toMatchObject({ id: 'a', s: 'x', added: 'new', length: 6 });
    expect((await bump()).n).toBe(3);
    await other.executeMultiple(`
      CREATE TABLE t2 (s TEXT, added TEXT, id TEXT PRIMARY KEY, n INTEGER, r REAL, b BLOB);
      INSERT INTO t2 (s, added, id, n, r, b) SELECT s, added, id, n, r, b FROM t;
      DROP TABLE t; ALTER TABLE t2 RENAME TO t;`);
    other.close();
    const row = await star();
    expect(Object.keys(row)).toEqual(['s', 'added', 'id', 'n', 'r', 'b']);
    expect(row).toMatchObject({ id: 'a', s: 'x', n: 3 });
    expect((await bump()).n).toBe(4);
    expect((await star()).n).toBe(4);
  });

  it('is not closed by an error, and is by close()', async () => {
    const [, local] = await pair('close');
    await expect(local.execute('SELEC 1')).rejects.toBeInstanceOf(LibsqlError);
    expect((await local.execute('SELECT 1 AS one')).rows[0]!.one).toBe(1);
    local.close();
    await expect(local.execute('SELECT 1')).rejects.toMatchObject({ code: 'CLIENT_CLOSED' });
    await expect(local.batch(['SELECT 1'])).rejects.toBeInstanceOf(LibsqlError);
    expect(LibsqlBatchError).toBeDefined();
  });

  it('takes local URLs only', () => {
    expect(localPathOf(':memory:')).toBe(':memory:');
    expect(localPathOf('file:data/twostep.db')).toBe('data/twostep.db');
    expect(localPathOf('file:/var/lib/twostep.db')).toBe('/var/lib/twostep.db');
    expect(localPathOf('file:///var/lib/twostep.db')).toBe('/var/lib/twostep.db');
    expect(localPathOf('file://localhost/var/lib/twostep.db')).toBe('/var/lib/twostep.db');
    expect(localPathOf('file://elsewhere/x.db')).toBeNull();
    expect(localPathOf('file:x.db?encryptionKey=k')).toBeNull();
    expect(localPathOf('http://127.0.0.1:8080')).toBeNull();
    expect(localPathOf('libsql://db.example.com')).toBeNull();
  });
});
