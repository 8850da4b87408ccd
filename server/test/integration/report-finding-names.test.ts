import { describe, expect, it } from 'vitest';
import { makeHarness } from '../harness.ts';
import { allFindings } from '../report-pages.ts';
import { seedTeam } from '../report-team.ts';

type Named = { platform?: string | null; handle?: string | null; client?: string | null; phone?: string | null };

describe('the report findings, as the dashboard lists them', () => {
  it("name their account (platform, handle, client) or their phone's masked number, never the full number", async () => {
    const h = await makeHarness();
    const plan = await seedTeam(h);
    const { findings } = await allFindings(h, {}, 1000);
    const accounts = new Map(plan.accounts.map((account) => [account.id, account]));
    let named = 0;
    for (const finding of findings as ((typeof findings)[number] & Named)[]) {
      if (finding.accountId) {
        const account = accounts.get(finding.accountId)!;
        expect([finding.platform, finding.handle, finding.client ?? null], finding.kind).toEqual([
          account.platform,
          account.handle,
          account.client ?? null,
        ]);
        named++;
      } else if (finding.phoneId) {
        expect(finding.phone, finding.kind).toMatch(/^\+\d+ ••• ••• \d{4}$/);
        expect(finding.handle, finding.kind).toBeUndefined();
      }
      expect(JSON.stringify(finding)).not.toMatch(/\+\d{8,}/);
    }
    expect(named).toBeGreaterThan(0);
    expect(findings.some((finding) => finding.phoneId && !finding.accountId)).toBe(true);
  });
});
