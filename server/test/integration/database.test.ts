import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { teams } from '../../src/db/schema.ts';
import { makeHarness } from '../harness.ts';

// What the app relies on from its database, on every engine the suite runs on (libSQL memory, file and server,
// and D1 in workerd): the same results from run(), all() and get(), and a batch that is all or nothing.

describe('the database contract', () => {
  it('reports rowsAffected from db.run, for a conditional write that did and did not happen', async () => {
    const h = await makeHarness();
    const changed = await h.db.run(sql`UPDATE teams SET name = 'Acme Two' WHERE name = 'Acme Agency'`);
    const unchanged = await h.db.run(sql`UPDATE teams SET name = 'Acme Three' WHERE name = 'Nobody'`);
    expect(changed.rowsAffected).toBe(1);
    expect(unchanged.rowsAffected).toBe(0);
  });

  it('returns raw rows by column name from db.all and db.get', async () => {
    const h = await makeHarness();
    const rows = await h.db.all<{ name: string; n: number }>(sql`SELECT name, 1 + 1 AS n FROM teams`);
    expect(rows).toEqual([{ name: 'Acme Agency', n: 2 }]);
    const row = await h.db.get<{ name: string }>(sql`SELECT name FROM teams WHERE name = ${'Acme Agency'}`);
    expect(row?.name).toBe('Acme Agency');
  });

  it('runs raw statements with parameters and builder statements in one batch, and reports each', async () => {
    const h = await makeHarness();
    const [renamed, selected] = await h.db.batch([
      h.db.run(sql`UPDATE teams SET name = ${'Renamed'} WHERE name = ${'Acme Agency'}`),
      h.db.select({ name: teams.name }).from(teams),
    ]);
    expect(renamed.rowsAffected).toBe(1);
    expect(selected).toEqual([{ name: 'Renamed' }]);
  });

  it('applies a batch all or nothing: a failing statement undoes the earlier ones', async () => {
    const h = await makeHarness();
    const batch = h.db.batch([
      h.db.run(sql`UPDATE teams SET name = 'Half done'`),
      h.db.run(sql`INSERT INTO teams (id, name, created_at) VALUES ('second', 'Second team', 0)`),
    ]);
    await expect(batch).rejects.toThrow();
    expect(await h.query('SELECT name FROM teams')).toEqual([{ name: 'Acme Agency' }]);
  });

  it('refuses to change or remove an audit event (the migration’s triggers)', async () => {
    const h = await makeHarness();
    await expect(h.db.run(sql`UPDATE events SET action = 'forged'`)).rejects.toThrow();
    await expect(h.db.run(sql`DELETE FROM events`)).rejects.toThrow();
    expect((await h.query('SELECT id FROM events')).length).toBeGreaterThan(0);
  });

  it('enforces foreign keys', async () => {
    const h = await makeHarness();
    const orphan = h.db.run(
      sql`INSERT INTO grants (account_id, member_id, team_id, granted_at) VALUES ('no-account', 'no-member', 'x', 0)`,
    );
    await expect(orphan).rejects.toThrow();
  });
});
