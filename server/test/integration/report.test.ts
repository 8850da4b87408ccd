import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { type Harness, makeHarness } from '../harness.ts';
import { allFindings, keyOf, report } from '../report-pages.ts';
import { expectedReport, seedTeam } from '../report-team.ts';
import { addPhone, enroll, seedAccounts } from '../seed.ts';

const severities: Record<string, string> = {
  two_step_off: 'high',
  number_shared_on_platform: 'high',
  holder_left_team: 'high',
  two_step_pending: 'medium',
  number_unverified_90d: 'medium',
  backup_codes_missing: 'medium',
  backup_codes_low: 'medium',
  number_shared_across_platforms: 'low',
  wide_access: 'low',
};
const header = 'kind,severity,platform,handle,client,phone,member,message';

/** The CSV report (the harness's call reads JSON only). */
async function csv(h: Harness) {
  const response = await h.app.request('/v1/reports/two-step.csv', {
    headers: { Authorization: `Bearer ${h.owner.token}` },
  });
  return { response, text: await response.text() };
}

describe('the two-step report', () => {
  it('counts and finds exactly what a seeded team of 200 accounts holds, and pending ends when its code expires', async () => {
    const h = await makeHarness();
    const plan = await seedTeam(h);
    for (const minutes of [0, 10]) {
      h.clock.advance(minutes * 60_000);
      const want = expectedReport(plan, h.clock.now());
      const got = await report(h);
      const { findings } = await allFindings(h);
      expect(got.summary).toEqual(want.summary);
      expect(got.byPlatform).toEqual(want.byPlatform);
      expect(got.byClient).toEqual(want.byClient);
      // Precision and recall 1 for every kind: the same set of findings, nothing missing and nothing extra.
      expect(findings.map(keyOf).sort()).toEqual(want.keys);
      expect(got.findingCounts).toEqual(
        Object.entries(severities).map(([kind, severity]) => ({
          kind,
          severity,
          count: want.keys.filter((key) => key.startsWith(`${kind} `)).length,
        })),
      );
      for (const kind of Object.keys(severities))
        expect(
          want.keys.some((key) => key.startsWith(`${kind} `)),
          kind,
        ).toBe(true);
      for (const finding of findings) expect(finding.severity, finding.kind).toBe(severities[finding.kind]);
    }
    const before = expectedReport(plan, h.clock.now() - 10 * 60_000).summary;
    const after = expectedReport(plan, h.clock.now()).summary;
    expect([before.pending, after.pending, after.off - before.off]).toEqual([25, 12, 13]);
    expect(after).toMatchObject({ accounts: 200, on: 125, coverage: 0.625 });
  });

  it('writes sentences that name the account and never a full phone number', async () => {
    const h = await makeHarness();
    const plan = await seedTeam(h);
    const { findings } = await allFindings(h);
    const accounts = new Map(plan.accounts.map((a) => [a.id, a]));
    const names: Record<string, string> = {
      instagram: 'Instagram',
      facebook: 'Facebook',
      tiktok: 'TikTok',
      x: 'X',
      linkedin: 'LinkedIn',
      youtube: 'YouTube',
      other: 'another platform',
    };
    for (const finding of findings) {
      expect(finding.message).not.toMatch(/\d{6}/);
      const account = finding.accountId ? accounts.get(finding.accountId) : undefined;
      if (account) expect(finding.message).toContain(`@${account.handle} on ${names[account.platform]}`);
      if (finding.phoneId) expect(finding.message).toMatch(/\+49 ••• ••• \d{4}/);
    }
    const first = findings.find((f) => f.kind === 'two_step_off' && f.accountId === plan.accounts[0]!.id);
    expect(first?.message).toBe('Two-step is off for @acct0 on Instagram.');
    expect(findings.find((f) => f.kind === 'holder_left_team')?.message).toMatch(
      /held by =Leaver, who has left the team/,
    );
  });

  it('is all zeros with coverage 0 for a team without accounts', async () => {
    const h = await makeHarness();
    expect(await report(h)).toEqual({
      summary: { accounts: 0, on: 0, pending: 0, off: 0, coverage: 0 },
      byPlatform: [],
      byClient: [],
      findingCounts: Object.entries(severities).map(([kind, severity]) => ({ kind, severity, count: 0 })),
      findings: [],
      next: null,
    });
  });

  it('counts 5,000 accounts exactly and quickly, and pages 200 findings by default, at most 1000', async () => {
    const h = await makeHarness();
    const ids = await seedAccounts(
      h,
      Array.from({ length: 5000 }, (_, i) => ({
        platform: i % 2 ? 'tiktok' : 'youtube',
        handle: `a${i}`,
        client: `C${i % 50}`,
      })),
    );
    const phone = await addPhone(h);
    for (const id of ids.slice(0, 3)) await enroll(h, id, phone.id);
    const started = Date.now();
    const got = await report(h);
    const elapsed = Date.now() - started;
    expect(got.summary).toEqual({ accounts: 5000, on: 3, pending: 0, off: 4997, coverage: 3 / 5000 });
    expect(got.byClient).toHaveLength(50);
    expect(got.findingCounts.find((count) => count.kind === 'two_step_off')?.count).toBe(4997);
    expect(got.findings).toHaveLength(200);
    expect(got.next).toEqual(expect.any(String));
    expect(elapsed).toBeLessThan(5000);
    expect((await report(h, 'limit=1000')).findings).toHaveLength(1000);
    const { findings, pages } = await allFindings(h);
    const total = got.findingCounts.reduce((sum, count) => sum + count.count, 0);
    expect(findings).toHaveLength(total);
    expect(pages).toHaveLength(Math.ceil(total / 1000));
    expect(new Set(findings.map(keyOf)).size).toBe(total);
  });

  it('refuses members with 403 and anonymous callers with 401', async () => {
    const h = await makeHarness();
    const member = await h.addMember();
    for (const path of ['/v1/reports/two-step', '/v1/reports/two-step.csv']) {
      const refused = await h.call('GET', path, { token: member.token });
      expect(refused.status, path).toBe(403);
      expect(refused.body.error.code).toBe('forbidden');
      expect((await h.call('GET', path)).status).toBe(401);
    }
    const lead = await h.addMember('lead');
    expect((await h.call('GET', '/v1/reports/two-step', { token: lead.token })).status).toBe(200);
  });
});

describe('the CSV report', () => {
  it('has the header and one row per finding, in the same order, as an attachment', async () => {
    const h = await makeHarness();
    await seedTeam(h);
    const { findings } = await allFindings(h, {}, 50);
    const { response, text } = await csv(h);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="twostep-report-2026-11-28.csv"');
    expect(text.split('\r\n')[0]).toBe(header);
    const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.data).toHaveLength(findings.length);
    expect(parsed.data.map((row) => [row.kind, row.severity, row.message])).toEqual(
      findings.map((f) => [f.kind, f.severity, f.message]),
    );
    for (const row of parsed.data) {
      expect(row.phone).toMatch(/^('\+49 ••• ••• \d{4})?$/);
      expect(Object.values(row).join(' ')).not.toMatch(/\d{7}/);
    }
    const left = parsed.data.find((row) => row.kind === 'holder_left_team');
    expect(left?.member).toBe("'=Leaver");
    const off = parsed.data.find((row) => row.handle === 'acct0');
    expect(off).toMatchObject({ kind: 'two_step_off', platform: 'instagram', client: 'Acme' });
  });

  it('turns no cell into a formula: =, +, -, @, tab and CR at the start get an apostrophe', async () => {
    const h = await makeHarness();
    const clients = [
      '=HYPERLINK("http://evil.test","x")',
      '+1+1',
      '@SUM(A1)',
      '\tcmd',
      '\r=1',
      '=1+1\nsecond line',
      'Plain, "quoted"',
    ];
    await seedAccounts(
      h,
      clients.map((client, i) => ({ platform: 'x', handle: i === 0 ? '-danger' : `c${i}`, client })),
    );
    const { text } = await csv(h);
    const rows = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;
    expect(rows.map((row) => row.client)).toEqual([...clients.slice(0, 6).map((c) => `'${c}`), 'Plain, "quoted"']);
    expect(rows[0]!.handle).toBe("'-danger");
    for (const row of rows) for (const cell of Object.values(row)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('is the header alone when there is nothing to report', async () => {
    const h = await makeHarness();
    expect((await csv(h)).text).toBe(`${header}\r\n`);
  });
});
