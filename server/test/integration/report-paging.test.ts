import { describe, expect, it } from 'vitest';
import { makeHarness } from '../harness.ts';
import { allFindings, keyOf, report } from '../report-pages.ts';
import { expectedReport, seedTeam, type TeamPlan } from '../report-team.ts';

const order = ['high', 'medium', 'low'];

/** Whether the model's finding (by key) passes the filters: a phone finding by the accounts its phone protects. */
function matches(plan: TeamPlan, key: string, filters: Record<string, string>) {
  const [kind, accountId, phoneId] = key.split(' ');
  const { severity } = expectedSeverity(kind!);
  if (filters.kind && filters.kind.toLowerCase() !== kind) return false;
  if (filters.severity && filters.severity.toLowerCase() !== severity) return false;
  const accounts =
    accountId !== '-'
      ? plan.accounts.filter((a) => a.id === accountId)
      : plan.accounts.filter((a) => a.phoneId === phoneId);
  return (
    accounts.some(
      (a) =>
        (!filters.platform || a.platform === filters.platform.toLowerCase()) &&
        (!filters.client || a.client?.toLowerCase() === filters.client.toLowerCase()),
    ) ||
    (!filters.platform && !filters.client)
  );
}

function expectedSeverity(kind: string) {
  const high = ['two_step_off', 'number_shared_on_platform', 'holder_left_team'];
  const low = ['number_shared_across_platforms', 'wide_access'];
  return { severity: high.includes(kind) ? 'high' : low.includes(kind) ? 'low' : 'medium' };
}

describe('the report in pages', () => {
  it('reaches every finding exactly once across pages, high before medium before low, in one stable order', async () => {
    const h = await makeHarness();
    const plan = await seedTeam(h);
    const want = expectedReport(plan, h.clock.now());
    const whole = await allFindings(h, {}, 1000);
    expect(whole.pages).toHaveLength(1);
    const paged = await allFindings(h, {}, 37);
    expect(paged.pages.length).toBe(Math.ceil(want.keys.length / 37));
    expect(paged.findings.map(keyOf)).toEqual(whole.findings.map(keyOf));
    expect(new Set(paged.findings.map(keyOf)).size).toBe(want.keys.length);
    expect([...paged.findings.map(keyOf)].sort()).toEqual(want.keys);
    const ranks = paged.findings.map((f) => order.indexOf(f.severity));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(paged.pages.at(-1)!.next).toBeNull();
  });

  it('filters by kind, severity, platform and client (any case), each finding once, counts unchanged', async () => {
    const h = await makeHarness();
    const plan = await seedTeam(h);
    const want = expectedReport(plan, h.clock.now());
    const unfiltered = await report(h);
    const cases: Record<string, string>[] = [
      { kind: 'two_step_off' },
      { kind: 'HOLDER_LEFT_TEAM' },
      { severity: 'Medium' },
      { severity: 'low' },
      { platform: 'Instagram' },
      { client: 'acme' },
      { client: 'zeta foods', severity: 'high' },
      { platform: 'tiktok', kind: 'number_shared_across_platforms' },
      { platform: 'facebook', client: 'BOLT', kind: 'backup_codes_low' },
    ];
    for (const filters of cases) {
      const expected = want.keys.filter((key) => matches(plan, key, filters));
      expect(expected.length, JSON.stringify(filters)).toBeGreaterThan(0);
      const { findings, pages } = await allFindings(h, filters, 9);
      expect(findings.map(keyOf).sort(), JSON.stringify(filters)).toEqual(expected);
      for (const page of pages) {
        expect(page.summary).toEqual(unfiltered.summary);
        expect(page.byPlatform).toEqual(unfiltered.byPlatform);
        expect(page.byClient).toEqual(unfiltered.byClient);
        expect(page.findingCounts).toEqual(unfiltered.findingCounts);
      }
    }
    const none = await report(h, 'client=nobody');
    expect([none.findings, none.next, none.findingCounts]).toEqual([[], null, unfiltered.findingCounts]);
  });

  it('answers 400 invalid_request to a bad cursor, limit or filter', async () => {
    const h = await makeHarness();
    await seedTeam(h);
    const first = await report(h, 'limit=5');
    const forged = btoa(JSON.stringify([99, 'x', 'y']));
    for (const query of [
      'cursor=not-a-cursor',
      `cursor=${forged}`,
      `cursor=${btoa('[0,"instagram"]')}`,
      `cursor=${btoa('{"kind":0}')}`,
      `cursor=${'a'.repeat(1001)}`,
      'limit=0',
      'limit=1001',
      'limit=ten',
      'limit=2.5',
      'kind=two_step_of',
      'severity=critical',
      'platform=myspace',
      'status=off',
    ]) {
      const answer = await h.call('GET', `/v1/reports/two-step?${query}`, { token: h.owner.token });
      expect(answer.status, query).toBe(400);
      expect(answer.body.error.code, query).toBe('invalid_request');
    }
    expect((await report(h, `limit=5&cursor=${first.next}`)).findings).toHaveLength(5);
    expect((await report(h, 'limit=1000')).findings.length).toBeGreaterThan(200);
  });

  it('keeps its place when findings before the cursor are fixed between pages', async () => {
    const h = await makeHarness();
    const plan = await seedTeam(h);
    const first = await report(h, 'kind=two_step_off&limit=10');
    const rest = await allFindings(h, { kind: 'two_step_off' }, 1000);
    // The first page's accounts get two-step on: the next page still starts right after the cursor.
    const phone = plan.phones.at(-1)!.id;
    const team = (await h.query<{ id: string }>('SELECT id FROM teams'))[0]!.id;
    for (const f of first.findings)
      await h.query(
        `INSERT INTO enrollments (account_id, team_id, phone_id, enabled_at) VALUES ('${f.accountId}', '${team}', '${phone}', 0)`,
      );
    const second = await report(h, `kind=two_step_off&limit=10&cursor=${first.next}`);
    expect(second.findings.map(keyOf)).toEqual(rest.findings.slice(10, 20).map(keyOf));
  });
});
