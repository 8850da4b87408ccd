import { sql } from 'drizzle-orm';
import type { Context } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../../src/deps.ts';
import { fillConditions } from '../../src/services/login-fills.ts';
import { type Harness, makeHarness } from '../harness.ts';
import { teamIdOf } from '../seed.ts';

// The SQL that alone decides whether a login.filled event is written, read straight from the database: the
// route's earlier checks only answer sooner, so each rule must hold here by itself.

type Who = { id: string; role: 'owner' | 'lead' | 'member' };

async function decide(h: Harness, who: Who, accountId: string, teamId?: string) {
  const member = { id: who.id, role: who.role, teamId: teamId ?? (await teamIdOf(h)), name: 'x', email: 'x' };
  const c = { var: { member, deps: h.deps } } as unknown as Context<AppEnv>;
  const { allowed, underCap } = fillConditions(c, accountId);
  const [row] = await h.deps.db.all<{ allowed: number; under: number }>(
    sql`SELECT (${allowed}) AS allowed, (${underCap}) AS under`,
  );
  return { allowed: Number(row!.allowed) === 1, underCap: Number(row!.under) === 1 };
}

async function unlockFor(h: Harness, memberId: string, accountId: string, until: number) {
  await h.query(`INSERT INTO unlocks (id, team_id, account_id, member_id, until, created_at)
    VALUES ('u-${memberId}-${until}', '${await teamIdOf(h)}', '${accountId}', '${memberId}', ${until}, ${h.clock.now()})`);
}

describe('the login.filled conditions, in SQL', () => {
  it('hold for a granted member with a running unlock, and for a lead with one and no grant', async () => {
    const h = await makeHarness();
    const account = await h.addAccount();
    const member = await h.addMember();
    const lead = await h.addMember('lead');
    await h.grant(account.id, member.id);
    const later = h.clock.now() + 60_000;
    await unlockFor(h, member.id, account.id, later);
    await unlockFor(h, lead.id, account.id, later);
    expect(await decide(h, { id: member.id, role: 'member' }, account.id)).toEqual({ allowed: true, underCap: true });
    expect(await decide(h, { id: lead.id, role: 'lead' }, account.id)).toEqual({ allowed: true, underCap: true });
  });

  it('fail without an unlock, with one that has ended, for another member’s unlock, or another account’s', async () => {
    const h = await makeHarness();
    const account = await h.addAccount();
    const other = await h.addAccount();
    const member = await h.addMember();
    const colleague = await h.addMember();
    await h.grant(account.id, member.id);
    await h.grant(other.id, member.id);
    const who = { id: member.id, role: 'member' } as const;
    expect((await decide(h, who, account.id)).allowed).toBe(false);
    await unlockFor(h, member.id, account.id, h.clock.now());
    expect((await decide(h, who, account.id)).allowed).toBe(false); // until = now: ended
    await unlockFor(h, colleague.id, account.id, h.clock.now() + 60_000);
    await unlockFor(h, member.id, other.id, h.clock.now() + 60_000);
    expect((await decide(h, who, account.id)).allowed).toBe(false);
    expect((await decide(h, who, other.id)).allowed).toBe(true);
  });

  it('fail with an unlock but no grant (a member), once removed, or from another team', async () => {
    const h = await makeHarness();
    const account = await h.addAccount();
    const member = await h.addMember();
    const lead = await h.addMember('lead');
    const later = h.clock.now() + 60_000;
    await unlockFor(h, member.id, account.id, later);
    await unlockFor(h, lead.id, account.id, later);
    expect((await decide(h, { id: member.id, role: 'member' }, account.id)).allowed).toBe(false);
    expect((await decide(h, { id: lead.id, role: 'lead' }, account.id, 'another-team')).allowed).toBe(false);
    await h.query(`UPDATE members SET removed_at = ${h.clock.now()} WHERE id = '${lead.id}'`);
    expect((await decide(h, { id: lead.id, role: 'lead' }, account.id)).allowed).toBe(false);
    // A granted member marked removed, even were a grant left behind, is refused too.
    await h.grant(account.id, member.id);
    expect((await decide(h, { id: member.id, role: 'member' }, account.id)).allowed).toBe(true);
    await h.query(`UPDATE members SET removed_at = ${h.clock.now()} WHERE id = '${member.id}'`);
    expect((await decide(h, { id: member.id, role: 'member' }, account.id)).allowed).toBe(false);
  });
});
