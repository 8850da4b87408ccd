import type { Client, InStatement } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import type { Db } from '../../src/db/db.ts';
import * as schema from '../../src/db/schema.ts';

const sqlOf = (statement: InStatement) => (typeof statement === 'string' ? statement : statement.sql);
const reads = (text: string) => /^\s*(SELECT|PRAGMA|EXPLAIN)\b/i.test(text);
/** "INSERT outbox", "UPDATE challenges", "DELETE dev_outbox": what a statement writes, without its values. */
function label(text: string): string {
  const write = /^\s*(INSERT|UPDATE|DELETE|REPLACE)\s+(?:OR\s+\w+\s+)?(?:INTO\s+|FROM\s+)?[`"]?(\w+)/i.exec(text);
  return write ? `${write[1]!.toUpperCase()} ${write[2]}` : text.trim().split(/\s+/)[0]!.toUpperCase();
}

/**
 * The app's database over the same libSQL client, counting write commits: libSQL commits a batch once, and a
 * statement outside a batch that writes (an UPDATE … RETURNING) once. Each commit is listed by the statements it
 * wrote ("UPDATE outbox"), reads left out. Like server/bench/in-process.ts countingApp, one level lower.
 */
export function countingCommits() {
  const commits: string[][] = [];
  const wrap = (db: Db): Db => {
    const client = (db as unknown as { $client: Client }).$client;
    const counting = new Proxy(client, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        if (name === 'execute')
          return (...args: unknown[]) => {
            const text = sqlOf(args[0] as InStatement);
            if (!reads(text)) commits.push([label(text)]);
            return (value as Client['execute']).apply(target, args as Parameters<Client['execute']>);
          };
        if (name === 'batch')
          return (statements: InStatement[], mode?: unknown) => {
            const writes = statements.map(sqlOf).filter((text) => !reads(text));
            if (writes.length > 0) commits.push(writes.map(label));
            return (value as Client['batch']).call(target, statements, mode as never);
          };
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    return drizzle(counting, { schema }) as unknown as Db;
  };
  return { wrap, commits, reset: () => void commits.splice(0) };
}
