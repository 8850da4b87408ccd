import { expect } from 'vitest';
import type { Harness } from './harness.ts';

// Reading the paged report as a client does: one page, or every page by following `next`.

export type Finding = {
  kind: string;
  severity: string;
  accountId?: string;
  phoneId?: string;
  memberId?: string;
  message: string;
};
export type Report = {
  summary: { accounts: number; on: number; pending: number; off: number; coverage: number };
  byPlatform: unknown[];
  byClient: unknown[];
  findingCounts: { kind: string; severity: string; count: number }[];
  findings: Finding[];
  next: string | null;
};

export const keyOf = (f: Finding) => [f.kind, f.accountId ?? '-', f.phoneId ?? '-', f.memberId ?? '-'].join(' ');

/** One page of the report (query string without `?`). */
export async function report(h: Harness, query = '', token = h.owner.token) {
  const response = await h.call('GET', `/v1/reports/two-step${query ? `?${query}` : ''}`, { token });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body as Report;
}

/** Every page of the report with these filters, following `next`; each page checked against the limit. */
export async function allFindings(h: Harness, filters: Record<string, string> = {}, limit = 1000) {
  const pages: Report[] = [];
  let cursor: string | null = null;
  do {
    const query = new URLSearchParams({ ...filters, limit: String(limit), ...(cursor ? { cursor } : {}) });
    const page = await report(h, query.toString());
    expect(page.findings.length).toBeLessThanOrEqual(limit);
    if (page.next) expect(page.findings).toHaveLength(limit);
    pages.push(page);
    cursor = page.next;
  } while (cursor && pages.length < 1000);
  return { pages, findings: pages.flatMap((page) => page.findings) };
}
