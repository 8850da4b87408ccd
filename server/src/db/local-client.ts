import { Buffer } from 'node:buffer';
import { setImmediate } from 'node:timers';
import {
  type Client,
  type InArgs,
  type InStatement,
  type InValue,
  LibsqlBatchError,
  LibsqlError,
  type ResultSet,
  type Row,
  type Transaction,
  type TransactionMode,
} from '@libsql/client';
import Database from 'libsql';

/**
 * @libsql/client's own interface over one local connection (a file, or memory), for Node. It runs statements
 * exactly as @libsql/client's sqlite3 client does (same native `libsql` driver, same transactions, same errors),
 * but keeps each statement prepared and builds rows cheaply: the stock client prepares every statement anew,
 * reads every integer as a BigInt and defines each row's cells one property at a time, which was most of the
 * CPU of a member's list (issue 10). Integers are read as JavaScript numbers: every integer this schema stores
 * (milliseconds, counts, flags) is far below 2^53.
 */

const cacheSize = 500;
/** Each row's cells in column order, kept off the row itself: a row's own keys are its column names alone. */
const cells = new WeakMap<object, unknown[]>();

type Prepared = {
  statement: Database.Statement;
  returnsData: boolean;
  columns: string[];
  columnTypes: string[];
  /** The rows' prototype: cells by index and `length`, not enumerable, as in the stock client's rows. */
  rowPrototype: object;
  /** Each column's name, or null where an earlier column has it (the first one wins, as in the stock client). */
  names: (string | null)[];
  starSelect: boolean;
  /**
   * The number of positional values it is bound with (null: named). The driver keeps a statement's bindings between
   * runs, so one kept statement is only ever bound with all of its values: a shorter call gets its own.
   */
  arity: number | null;
};

/**
 * Names a row cannot carry as its own: `length` and the cells' indices are the row's (as in the stock client, where
 * they are defined first), and `__proto__` would replace its prototype.
 */
function reservedName(name: string, width: number): boolean {
  if (name === 'length' || name === '__proto__') return true;
  const index = Number(name);
  return Number.isInteger(index) && index >= 0 && index < width && String(index) === name;
}

function rowPrototypeOf(width: number): object {
  const descriptors: PropertyDescriptorMap = {
    length: { get: () => width, enumerable: false },
  };
  for (let i = 0; i < width; i++) {
    descriptors[i] = {
      get(this: object) {
        return cells.get(this)?.[i];
      },
      enumerable: false,
    };
  }
  return Object.create(Object.prototype, descriptors);
}

const minInteger = -9223372036854775808n;
const maxInteger = 9223372036854775807n;

/** An argument as @libsql/client's sqlite3 client passes it (intMode "number"). */
function toSql(value: InValue | undefined): unknown {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new RangeError('Only finite numbers (not Infinity or NaN) can be passed as arguments');
    }
    return value;
  }
  if (typeof value === 'string' || value === null) return value;
  if (typeof value === 'bigint') {
    if (value < minInteger || value > maxInteger) {
      throw new RangeError('bigint is too large to be represented as a 64-bit integer and passed as argument');
    }
    return value;
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  if (value instanceof Date) return value.valueOf();
  if (value === undefined) throw new TypeError('undefined cannot be passed as argument to the database');
  return value;
}

function argsOf(args: InArgs | undefined): unknown[] | Record<string, unknown> {
  if (args === undefined) return [];
  if (Array.isArray(args)) return args.map(toSql);
  const named: Record<string, unknown> = {};
  for (const name in args) {
    const bare = name[0] === '@' || name[0] === '$' || name[0] === ':' ? name.substring(1) : name;
    named[bare] = toSql(args[name]);
  }
  return named;
}

function fromSql(value: unknown): unknown {
  // A blob, as the stock client gives it: an ArrayBuffer (of exactly the blob's bytes here).
  if (value instanceof Buffer) return value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength);
  return value;
}

const errorCodes = [
  'SQLITE_OK',
  'SQLITE_ERROR',
  'SQLITE_INTERNAL',
  'SQLITE_PERM',
  'SQLITE_ABORT',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  'SQLITE_NOMEM',
  'SQLITE_READONLY',
  'SQLITE_INTERRUPT',
  'SQLITE_IOERR',
  'SQLITE_CORRUPT',
  'SQLITE_NOTFOUND',
  'SQLITE_FULL',
  'SQLITE_CANTOPEN',
  'SQLITE_PROTOCOL',
  'SQLITE_EMPTY',
  'SQLITE_SCHEMA',
  'SQLITE_TOOBIG',
  'SQLITE_CONSTRAINT',
  'SQLITE_MISMATCH',
  'SQLITE_MISUSE',
  'SQLITE_NOLFS',
  'SQLITE_AUTH',
  'SQLITE_FORMAT',
  'SQLITE_RANGE',
  'SQLITE_NOTADB',
  'SQLITE_NOTICE',
  'SQLITE_WARNING',
];

/** A driver error as the stock client reports it: LibsqlError with the base code, the extended code and the raw one. */
function libsqlError(error: unknown): unknown {
  if (!(error instanceof Database.SqliteError)) return error;
  const raw = (error as { rawCode?: number }).rawCode;
  const base = raw === undefined ? 'SQLITE_UNKNOWN' : (errorCodes[raw & 0xff] ?? `SQLITE_UNKNOWN_${raw & 0xff}`);
  return new LibsqlError(error.message, base, error.code, raw, error);
}

const begin: Record<TransactionMode, string> = {
  write: 'BEGIN IMMEDIATE',
  read: 'BEGIN TRANSACTION READONLY',
  deferred: 'BEGIN DEFERRED',
};

const cellToJson = (value: unknown) =>
  typeof value === 'bigint'
    ? String(value)
    : value instanceof ArrayBuffer
      ? Buffer.from(value).toString('base64')
      : value;

function resultSet(
  columns: string[],
  columnTypes: string[],
  rows: Row[],
  rowsAffected: number,
  lastInsertRowid?: bigint,
) {
  return {
    columns,
    columnTypes,
    rows,
    rowsAffected,
    lastInsertRowid,
    toJSON() {
      return {
        columns,
        columnTypes,
        rows: rows.map((row) => Array.prototype.map.call(row, cellToJson)),
        rowsAffected,
        lastInsertRowid: lastInsertRowid === undefined ? null : String(lastInsertRowid),
      };
    },
  } satisfies ResultSet;
}

class LocalConnection {
  readonly #db: Database.Database;
  readonly #prepared = new Map<string, Prepared>();

  constructor(path: string, pragmas: readonly string[]) {
    this.#db = new Database(path);
    try {
      for (const pragma of pragmas) this.execute(pragma);
    } catch (error) {
      this.#db.close();
      throw error;
    }
  }

  get open() {
    return this.#db.open;
  }

  get inTransaction() {
    return this.#db.open && this.#db.inTransaction;
  }

  /** The statement kept for `sql` when bound with `arity` values (null: by name), prepared if it is not. */
  #prepare(sql: string, arity: number | null): Prepared {
    const cached = this.#prepared.get(sql);
    if (cached && cached.arity === arity) return cached;
    const statement = this.#db.prepare(sql);
    let returnsData = true;
    try {
      statement.raw(true);
    } catch {
      // raw() throws for a statement that returns no data.
      returnsData = false;
    }
    const prepared = this.#describe(statement, sql, returnsData, arity);
    this.#prepared.set(sql, prepared);
    // The app runs a few dozen distinct statements: the cache is a bound against a caller that builds SQL text.
    if (this.#prepared.size > cacheSize) this.#prepared.delete(this.#prepared.keys().next().value!);
    return prepared;
  }

  #describe(statement: Prepared['statement'], sql: string, returnsData: boolean, arity: number | null): Prepared {
    const described = returnsData ? statement.columns() : [];
    const columns = described.map((column) => column.name);
    return {
      statement,
      returnsData,
      columns,
      columnTypes: described.map((column) => column.type ?? ''),
      rowPrototype: rowPrototypeOf(columns.length),
      names: columns.map((name, i) =>
        columns.indexOf(name) === i && !reservedName(name, columns.length) ? name : null,
      ),
      // `SELECT *` (or `t.*`) takes its columns from the schema at each run; `count(*)` does not.
      starSelect: /\*(?!\s*\))/.test(sql),
      arity,
    };
  }

  execute(stmt: InStatement): ResultSet {
    const sql = typeof stmt === 'string' ? stmt : stmt.sql;
    const args = typeof stmt === 'string' ? [] : argsOf(stmt.args);
    try {
      let prepared = this.#prepare(sql, Array.isArray(args) ? args.length : null);
      if (!prepared.returnsData) {
        const info = prepared.statement.run(args);
        // A schema change by this connection: kept descriptions of `*` statements are made again as they come.
        if (/^\s*(create|alter|drop)\s/i.test(sql)) this.#prepared.clear();
        return resultSet([], [], [], info.changes, BigInt(info.lastInsertRowid));
      }
      const raws = prepared.statement.all(args) as unknown[][];
      // The driver reads each row with the statement as it ran; a `*` may have changed with the schema (a migration
      // by another process): its description is read again, never the statement run again.
      if (prepared.starSelect || (raws.length > 0 && raws[0]!.length !== prepared.columns.length)) {
        const now = prepared.statement.columns().map((column) => column.name);
        if (now.length !== prepared.columns.length || now.some((name, i) => name !== prepared.columns[i])) {
          prepared = this.#describe(prepared.statement, sql, true, prepared.arity);
          this.#prepared.set(sql, prepared);
        }
      }
      const { names, rowPrototype } = prepared;
      const rows = raws.map((raw) => {
        for (let i = 0; i < raw.length; i++) raw[i] = fromSql(raw[i]);
        const row = Object.create(rowPrototype) as Record<string, unknown>;
        cells.set(row, raw);
        for (let i = 0; i < names.length; i++) {
          const name = names[i]!;
          if (name !== null) row[name] = raw[i];
        }
        return row as unknown as Row;
      });
      return resultSet(prepared.columns, prepared.columnTypes, rows, 0, undefined);
    } catch (error) {
      throw libsqlError(error);
    }
  }

  /** Statements one after the other inside the transaction already open, failures named by their index. */
  executeEach(stmts: Array<InStatement | [string, InArgs?]>): ResultSet[] {
    const results: ResultSet[] = [];
    for (let i = 0; i < stmts.length; i++) {
      try {
        if (!this.inTransaction)
          throw new LibsqlBatchError('The transaction has been rolled back', i, 'TRANSACTION_CLOSED');
        const stmt = stmts[i]!;
        results.push(this.execute(Array.isArray(stmt) ? { sql: stmt[0], args: stmt[1] ?? [] } : stmt));
      } catch (error) {
        if (error instanceof LibsqlBatchError) throw error;
        if (error instanceof LibsqlError) {
          throw new LibsqlBatchError(
            error.message,
            i,
            error.code,
            error.extendedCode,
            error.rawCode,
            error.cause instanceof Error ? error.cause : undefined,
          );
        }
        throw error;
      }
    }
    return results;
  }

  /** Ends a transaction left open; false when even ROLLBACK failed (the connection is then not to be used again). */
  rollbackIfOpen(): boolean {
    try {
      if (this.inTransaction) this.execute('ROLLBACK');
      return true;
    } catch {
      return !this.inTransaction;
    }
  }

  forgetStatements() {
    this.#prepared.clear();
  }

  exec(sql: string) {
    try {
      this.#db.exec(sql);
    } catch (error) {
      throw libsqlError(error);
    } finally {
      // A script may have changed the schema: statements are prepared again as they come.
      this.#prepared.clear();
    }
  }

  close() {
    this.#prepared.clear();
    if (this.#db.open) this.#db.close();
  }
}

/**
 * Statements that steer the transaction or the connection (BEGIN, COMMIT, SAVEPOINT, PRAGMA, ATTACH, VACUUM…): a batch
 * holding one runs in its own transaction, as in the stock client, never inside a group where it would act on the
 * other batches.
 */
const startingWith = (words: string) =>
  // What SQLite skips before a statement's first word: blanks, empty statements (`;`) and comments.
  new RegExp(String.raw`^(?:[\s;]|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*(?:${words})\b`, 'i');
const steering = startingWith('begin|commit|end|rollback|savepoint|release|pragma|attach|detach|vacuum');
/** Reads only: never joins a group, where it would hold the write lock and the others' commit while it runs. */
const readsOnly = startingWith('select');
const sqlOf = (stmt: InStatement | [string, InArgs?]) =>
  typeof stmt === 'string' ? stmt : Array.isArray(stmt) ? stmt[0] : stmt.sql;
const runsAlone = (stmts: Array<InStatement | [string, InArgs?]>) =>
  stmts.some((stmt) => steering.test(sqlOf(stmt))) || stmts.every((stmt) => readsOnly.test(sqlOf(stmt)));

const copied = (value: InValue) =>
  value instanceof ArrayBuffer ? value.slice(0) : ArrayBuffer.isView(value) ? (value.slice(0) as InValue) : value;

/** A statement with its values as they are now: a queued batch runs with what its caller passed, not later edits. */
function snapshot(stmt: InStatement | [string, InArgs?]): InStatement {
  const [sql, args] = typeof stmt === 'string' ? [stmt, undefined] : Array.isArray(stmt) ? stmt : [stmt.sql, stmt.args];
  if (args === undefined) return { sql, args: [] };
  return {
    sql,
    args: Array.isArray(args)
      ? args.map(copied)
      : Object.fromEntries(Object.entries(args).map(([name, value]) => [name, copied(value)])),
  };
}

type QueuedBatch = {
  stmts: InStatement[];
  resolve: (results: ResultSet[]) => void;
  reject: (error: unknown) => void;
};

/**
 * The client: one connection, each call run to its end before the next can start (the driver is synchronous), except
 * that a batch waits for the end of the event loop's turn to share its commit with the others made in it (a call
 * made after awaiting a batch always runs after it). An interactive transaction holds the connection until it
 * settles; as in @libsql/client with one connection, a call made meanwhile is refused with TRANSACTION_ACTIVE
 * rather than run inside it.
 */
class LocalClient implements Client {
  closed = false;
  readonly protocol = 'file';
  readonly #path: string;
  /** Set on every connection this client opens, the one a failed rollback makes it open again included. */
  readonly #pragmas: readonly string[];
  #connection: LocalConnection;
  #inTransaction = false;
  /** Batches waiting for this turn's group commit, in call order. */
  #queued: QueuedBatch[] = [];

  constructor(path: string, pragmas: readonly string[]) {
    this.#path = path;
    this.#pragmas = pragmas;
    this.#connection = new LocalConnection(path, pragmas);
    this.#connection.execute('SELECT 1 AS checkThatTheDatabaseCanBeOpened');
  }

  /** The connection, checked and used in the same synchronous run: nothing can come between. */
  #use(): LocalConnection {
    if (this.closed || !this.#connection.open) throw new LibsqlError('The client is closed', 'CLIENT_CLOSED');
    if (this.#inTransaction) {
      throw new LibsqlError(
        'This client has a single connection, which an open transaction is holding. Commit or roll back the transaction before using the client again.',
        'TRANSACTION_ACTIVE',
      );
    }
    return this.#connection;
  }

  /** After a call: a transaction it left open is rolled back; a connection that cannot even roll back is replaced. */
  #release(connection: LocalConnection) {
    if (!connection.rollbackIfOpen() && connection === this.#connection) this.reconnect();
  }

  async execute(stmtOrSql: InStatement, args?: InArgs): Promise<ResultSet> {
    const connection = this.#use();
    return connection.execute(typeof stmtOrSql === 'string' ? { sql: stmtOrSql, args: args ?? [] } : stmtOrSql);
  }

  /**
   * A batch is all or nothing and durable when its promise resolves, as in the stock client; the writing batches
   * made in one turn of the event loop share one commit (group commit, see #commitQueued).
   */
  async batch(stmts: Array<InStatement | [string, InArgs?]>, mode: TransactionMode = 'deferred'): Promise<ResultSet[]> {
    this.#use();
    if (mode === 'read' || runsAlone(stmts)) return this.#batchAlone(stmts, mode);
    const queued = stmts.map(snapshot);
    return new Promise((resolve, reject) => {
      if (this.#queued.push({ stmts: queued, resolve, reject }) === 1) setImmediate(() => this.#commitQueued());
    });
  }

  /** A batch in its own transaction, after the batches queued before it. */
  #batchAlone(stmts: Array<InStatement | [string, InArgs?]>, mode: TransactionMode): ResultSet[] {
    this.#commitQueued();
    const connection = this.#use();
    try {
      connection.execute(begin[mode]);
      const results = connection.executeEach(stmts);
      connection.execute('COMMIT');
      return results;
    } finally {
      this.#release(connection);
    }
  }

  /**
   * Group commit: the batches queued since the last turn run in one write transaction, in call order, each inside
   * its own savepoint, and are committed with one sync to disk instead of one each (most of a write's time, issue
   * 10). A batch whose statement fails is rolled back to its savepoint and refused alone; the others resolve only
   * after the COMMIT. When the transaction cannot go on (BEGIN or COMMIT fails, an error ends it) every batch of the
   * turn is refused and none is written. Batches that steer transactions or pragmas themselves, and batches of
   * reads, never join a group (runsAlone); the schema has no deferred constraints: so a batch is decided as in its
   * own transaction.
   */
  #commitQueued() {
    const queued = this.#queued.splice(0);
    if (queued.length === 0) return;
    let connection: LocalConnection;
    try {
      connection = this.#use();
    } catch (error) {
      for (const item of queued) item.reject(error);
      return;
    }
    const written: [QueuedBatch, ResultSet[]][] = [];
    let ending: QueuedBatch | undefined;
    try {
      // IMMEDIATE: the write lock is waited for (busy_timeout) here, never asked for by a later statement of a
      // snapshot already read, where SQLite answers SQLITE_BUSY without waiting.
      connection.execute(begin.write);
      for (const item of queued) {
        connection.execute('SAVEPOINT batch');
        let results: ResultSet[];
        try {
          results = connection.executeEach(item.stmts);
        } catch (error) {
          if (!connection.inTransaction) {
            ending = item;
            throw error;
          }
          connection.execute('ROLLBACK TO batch');
          connection.execute('RELEASE batch');
          item.reject(error);
          continue;
        }
        connection.execute('RELEASE batch');
        written.push([item, results]);
      }
      connection.execute('COMMIT');
    } catch (error) {
      // The batch that ended the transaction gets its own error; the others a closed transaction, not its reason.
      const closed = new LibsqlError(
        'Another write of the same commit ended its transaction: this batch was not written.',
        'TRANSACTION_CLOSED',
        undefined,
        undefined,
        error instanceof Error ? error : undefined,
      );
      for (const item of queued) item.reject(ending === undefined || item === ending ? error : closed);
      return;
    } finally {
      try {
        this.#release(connection);
      } catch {
        // The connection could not even be opened again: the next call is refused with CLIENT_CLOSED.
      }
    }
    for (const [item, results] of written) item.resolve(results);
  }

  async migrate(stmts: InStatement[]): Promise<ResultSet[]> {
    this.#commitQueued();
    const connection = this.#use();
    try {
      connection.execute('PRAGMA foreign_keys=off');
      connection.execute(begin.deferred);
      const results = connection.executeEach(stmts);
      connection.execute('COMMIT');
      return results;
    } finally {
      this.#release(connection);
      connection.forgetStatements();
      if (connection.open) connection.execute('PRAGMA foreign_keys=on');
    }
  }

  async transaction(mode: TransactionMode = 'write'): Promise<Transaction> {
    this.#use();
    // Batches asked for before the transaction are written before it, not refused once it holds the connection.
    this.#commitQueued();
    const connection = this.#use();
    connection.execute(begin[mode]);
    this.#inTransaction = true;
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      this.#inTransaction = false;
      this.#release(connection);
    };
    const live = () => {
      if (settled || !connection.inTransaction) {
        throw new LibsqlError('The transaction is closed', 'TRANSACTION_CLOSED');
      }
      return connection;
    };
    return {
      execute: async (stmtOrSql: InStatement, args?: InArgs) =>
        live().execute(typeof stmtOrSql === 'string' ? { sql: stmtOrSql, args: args ?? [] } : stmtOrSql),
      batch: async (stmts: Array<InStatement | [string, InArgs?]>) => live().executeEach(stmts),
      executeMultiple: async (sql: string) => live().exec(sql),
      rollback: async () => settle(),
      commit: async () => {
        try {
          live().execute('COMMIT');
        } finally {
          settle();
        }
      },
      close: settle,
      get closed() {
        return settled || !connection.inTransaction;
      },
    } as Transaction;
  }

  async executeMultiple(sql: string): Promise<void> {
    this.#commitQueued();
    const connection = this.#use();
    try {
      connection.exec(sql);
    } finally {
      this.#release(connection);
    }
  }

  async sync(): Promise<undefined> {
    throw new LibsqlError('A local database has nothing to sync.', 'SYNC_NOT_SUPPORTED');
  }

  reconnect() {
    this.#connection.close();
    this.#connection = new LocalConnection(this.#path, this.#pragmas);
    this.#inTransaction = false;
    this.closed = false;
  }

  close() {
    // Batches asked for before close() are written (or refused) before the connection goes.
    if (!this.closed && !this.#inTransaction) this.#commitQueued();
    this.closed = true;
    this.#inTransaction = false;
    this.#connection.close();
  }
}

/**
 * The local path of a `file:` URL (`file:data/x.db`, `file:/abs/x.db`, `file:///abs/x.db`) or `:memory:`, or null
 * for anything this client leaves to @libsql/client (a server, URL options such as an encryption key).
 */
export function localPathOf(url: string): string | null {
  if (url === ':memory:' || url === 'file::memory:') return ':memory:';
  if (!url.startsWith('file:') || url.includes('?') || url.includes('#')) return null;
  let path = decodeURIComponent(url.slice('file:'.length));
  if (path.startsWith('//')) {
    const slash = path.indexOf('/', 2);
    const host = path.slice(2, slash === -1 ? undefined : slash);
    if (host !== '' && host !== 'localhost') return null;
    path = slash === -1 ? '' : path.slice(slash);
  }
  return path === '' ? null : path;
}

export function createLocalClient(path: string, pragmas: readonly string[] = []): Client {
  return new LocalClient(path, pragmas);
}
