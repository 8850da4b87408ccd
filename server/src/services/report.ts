import { type Finding, findingKinds, type Platform, type TwoStepReport } from '@twostep/shared';
import Papa from 'papaparse';
import type { Db } from '../db/db.ts';
import { countQueries, findingCounts } from './report-counts.ts';
import { accountFindingsQuery, bucketAccountFindings } from './report-csv.ts';
import {
  encodeFindingCursor,
  type FindingFilters,
  type FindingKey,
  type FindingQueryRow,
  findingQuery,
  keyOf,
} from './report-findings.ts';
import { findingRow } from './report-messages.ts';
import { findingPageQuery, pageRows } from './report-page.ts';

export type { Finding, FindingKind, Severity, StatusCounts, TwoStepReport } from '@twostep/shared';

/** A finding with the columns of its CSV row (phone masked, member by name). */
export type FindingRow = Finding & {
  platform: string | null;
  handle: string | null;
  client: string | null;
  phone: string | null;
  member: string | null;
};

function tallied<Row extends { accounts: number; on: number; pending: number }>(row: Row) {
  const [accounts, on, pending] = [Number(row.accounts), Number(row.on), Number(row.pending)];
  return { ...row, accounts, on, pending, off: accounts - on - pending };
}

export type ReportPage = { filters: FindingFilters; after?: FindingKey; limit: number };

/**
 * The two-step report of one team at one instant (DESIGN.md section 8), in one batch so counts and findings are
 * one snapshot: exact counts over the whole team, and one page of findings (each kind's query reads at most a
 * page after the cursor).
 */
export async function loadReport(db: Db, teamId: string, now: number, page: ReportPage) {
  const pageQuery = findingPageQuery(db, teamId, now, { ...page, rows: page.limit + 1 });
  const [byPlatformRows, byClientRows, [phoneCounts], raw] = await db.batch([
    ...countQueries(db, teamId, now),
    ...(pageQuery ? [pageQuery] : []),
  ]);
  const byPlatform = byPlatformRows.map(({ platform, accounts, on, pending }) =>
    tallied({ platform: platform as Platform, accounts, on, pending }),
  );
  const byClient = byClientRows.map(({ client, ...row }) => tallied({ client, ...row }));
  const summed = byPlatform.reduce(
    (sum, row) => ({ accounts: sum.accounts + row.accounts, on: sum.on + row.on, pending: sum.pending + row.pending }),
    { accounts: 0, on: 0, pending: 0 },
  );
  const summary = { ...tallied(summed), coverage: summed.accounts ? summed.on / summed.accounts : 0 };

  const found = raw ? pageRows(raw as Parameters<typeof pageRows>[0]) : [];
  const rows = found.slice(0, page.limit).map(({ kind, row }) => findingRow(kind, row));
  const last = found[page.limit - 1];
  const next = found.length > page.limit && last ? encodeFindingCursor(keyOf(last.index, last.row)) : null;
  return {
    summary,
    byPlatform,
    byClient,
    findingCounts: findingCounts(byPlatformRows, phoneCounts!),
    rows,
    next,
  };
}

/** Every finding of the team, for the CSV: one batch, one snapshot (one pass over the accounts, one per phone kind). */
export async function loadAllFindings(db: Db, teamId: string, now: number): Promise<FindingRow[]> {
  const [perAccount, holderLeft, sharedAcross] = await db.batch([
    accountFindingsQuery(db, teamId, now),
    findingQuery(db, teamId, now, 'holder_left_team', { filters: {} }),
    findingQuery(db, teamId, now, 'number_shared_across_platforms', { filters: {} }),
  ]);
  const buckets = bucketAccountFindings(perAccount);
  buckets.set('holder_left_team', holderLeft as FindingQueryRow[]);
  buckets.set('number_shared_across_platforms', sharedAcross as FindingQueryRow[]);
  return findingKinds.flatMap((kind) => buckets.get(kind)!.map((row) => findingRow(kind, row)));
}

/** The report in the contract's shape: findings without the CSV-only columns. */
export function reportBody(report: Awaited<ReturnType<typeof loadReport>>): TwoStepReport {
  const findings = report.rows.map(({ kind, severity, accountId, phoneId, memberId, message, ...named }) => ({
    kind,
    severity,
    ...(accountId ? { accountId } : {}),
    ...(phoneId ? { phoneId } : {}),
    ...(memberId ? { memberId } : {}),
    message,
    // Beyond the contract's list, for the dashboard's table: what the ids name (the number masked).
    ...(accountId && named.handle ? { platform: named.platform, handle: named.handle, client: named.client } : {}),
    ...(phoneId && named.phone ? { phone: named.phone } : {}),
  }));
  const { summary, byPlatform, byClient, findingCounts, next } = report;
  return { summary, byPlatform, byClient, findingCounts, findings, next };
}

export const csvHeader = ['kind', 'severity', 'platform', 'handle', 'client', 'phone', 'member', 'message'] as const;

// A spreadsheet runs a cell starting with one of these as a formula (OWASP "CSV injection"). papaparse's own
// escapeFormulae misses a value with a line break after the first character, so the guard is done here.
const formulaStart = /^[=+\-@\t\r]/;

/** One cell as text a spreadsheet shows and never evaluates. */
export function csvCell(value: string | null | undefined): string {
  if (!value) return '';
  return formulaStart.test(value) ? `'${value}` : value;
}

/**
 * RFC 4180 (CRLF line ends, fields with a comma, quote or line break quoted, quotes doubled), streamed: the header,
 * then the rows a chunk at a time, so no answer is one big string.
 */
export function findingsCsvStream(rows: FindingRow[], chunk = 1000): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let next = -1;
  return new ReadableStream({
    pull(controller) {
      if (next < 0) {
        controller.enqueue(encoder.encode(`${csvHeader.join(',')}\r\n`));
        next = 0;
      } else if (next >= rows.length) {
        controller.close();
      } else {
        const data = rows.slice(next, next + chunk).map((row) => csvHeader.map((column) => csvCell(row[column])));
        controller.enqueue(encoder.encode(`${Papa.unparse(data, { newline: '\r\n' })}\r\n`));
        next += chunk;
      }
    },
  });
}
