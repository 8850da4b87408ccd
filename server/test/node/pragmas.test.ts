import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('opening a libSQL file', () => {
  it('sets WAL, synchronous=FULL, foreign keys and a busy timeout, and keeps them on its one connection', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'twostep-pragmas-'));
    dirs.push(dir);
    const { db, close } = await openDatabase(`file:${join(dir, 'data', 'twostep.db')}`);
    const pragma = async (name: string) =>
      Object.values((await db.all<Record<string, unknown>>(sql.raw(`PRAGMA ${name}`)))[0]!)[0];
    // Many statements in parallel: a pooled second connection would come without the pragmas.
    await Promise.all(Array.from({ length: 20 }, () => db.all(sql`SELECT 1`)));
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('synchronous')).toBe(2);
    expect(await pragma('foreign_keys')).toBe(1);
    expect(await pragma('busy_timeout')).toBe(5000);
    expect(statSync(join(dir, 'data')).mode & 0o777).toBe(0o700);
    close();
  });
});
