import {
  accountLabel,
  type Finding,
  type FindingKind,
  limits,
  type Platform,
  platformNames,
  type Severity,
  type TwoStepReport,
} from '@twostep/shared';
import Papa from 'papaparse';
import type { Db } from '../db/db.ts';
import { maskPhone } from '../lib/phone.ts';
import { countQueries, findingQueries } from './report-findings.ts';

export type { Finding, FindingKind, Severity, StatusCounts, TwoStepReport } from '@twostep/shared';

/** A finding with the columns of its CSV row (phone masked, member by name). */
export type FindingRow = Finding & {
  platform: string | null;
  handle: string | null;
  client: string | null;
  phone: string | null;
  member: string | null;
};

const platformName = (platform: string) => platformNames[platform as Platform] ?? platform;
const where = (row: { handle: string; platform: string }) => accountLabel(row.handle, row.platform);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const listed = (names: string[], max = 3) =>
  names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function tallied<Row extends { accounts: number; on: number; pending: number }>(row: Row) {
  const [accounts, on, pending] = [Number(row.accounts), Number(row.on), Number(row.pending)];
  return { ...row, accounts, on, pending, off: accounts - on - pending };
}

/** The two-step report of one team at one instant (DESIGN.md section 8): counts by SQL, findings as CSV rows. */
export async function loadReport(db: Db, teamId: string, now: number) {
  const [byPlatformRows, byClientRows, off, pending, sharedOn, unverified, missing, low, across, left, wide] =
    await db.batch([...countQueries(db, teamId, now), ...findingQueries(db, teamId, now)]);
  const byPlatform = byPlatformRows.map((row) => tallied({ ...row, platform: row.platform as Platform }));
  const byClient = byClientRows.map(({ client, ...row }) => tallied({ client, ...row }));
  const summed = byPlatform.reduce(
    (sum, row) => ({ accounts: sum.accounts + row.accounts, on: sum.on + row.on, pending: sum.pending + row.pending }),
    { accounts: 0, on: 0, pending: 0 },
  );
  const summary = { ...tallied(summed), coverage: summed.accounts ? summed.on / summed.accounts : 0 };

  const rows: FindingRow[] = [];
  type AccountRow = { accountId: string; platform: string; handle: string; client: string | null };
  const add = (kind: FindingKind, severity: Severity, message: string, extra: Partial<FindingRow>) =>
    rows.push({
      kind,
      severity,
      message,
      platform: null,
      handle: null,
      client: null,
      phone: null,
      member: null,
      ...extra,
    });
  const forAccount = ({ accountId, platform, handle, client }: AccountRow) => ({ accountId, platform, handle, client });

  for (const row of off) add('two_step_off', 'high', `Two-step is off for ${where(row)}.`, forAccount(row));
  const sharing = new Map<string, typeof sharedOn>();
  const group = (row: (typeof sharedOn)[number]) => `${row.phoneId} ${row.platform}`;
  for (const row of sharedOn) sharing.get(group(row))?.push(row) ?? sharing.set(group(row), [row]);
  const others = (row: (typeof sharedOn)[number]) =>
    sharing.get(group(row))!.filter((other) => other.accountId !== row.accountId);
  for (const row of sharedOn) {
    const phone = maskPhone(row.number);
    add(
      'number_shared_on_platform',
      'high',
      `The number ${phone} of ${where(row)} also protects ${listed(others(row).map((other) => `@${other.handle}`))} there; ${platformName(row.platform)} allows one account per number.`,
      { ...forAccount(row), phoneId: row.phoneId, phone },
    );
  }
  for (const row of left) {
    const phone = maskPhone(row.number);
    add(
      'holder_left_team',
      'high',
      `The number ${phone} is held by ${row.name}, who has left the team; it protects ${plural(Number(row.protects), 'account')}.`,
      { phoneId: row.phoneId, memberId: row.memberId, phone, member: row.name },
    );
  }
  for (const row of pending)
    add(
      'two_step_pending',
      'medium',
      `Two-step for ${where(row)} waits for a code that was sent and not yet entered.`,
      forAccount(row),
    );
  for (const row of unverified) {
    const phone = maskPhone(row.number);
    const last = Number(row.lastCode);
    const entered = last
      ? `has been entered since ${day(last)}, more than ${limits.unverifiedDays} days ago`
      : 'has ever been entered';
    add(
      'number_unverified_90d',
      'medium',
      `No code sent to ${phone}, the number protecting ${where(row)}, ${entered}.`,
      { ...forAccount(row), phoneId: row.phoneId, phone },
    );
  }
  for (const row of missing)
    add('backup_codes_missing', 'medium', `No backup codes are stored for ${where(row)}.`, forAccount(row));
  for (const row of low) {
    const unused = Number(row.unused);
    const left = unused
      ? `Only ${plural(unused, 'unused backup code')} ${unused === 1 ? 'is' : 'are'}`
      : 'No unused backup codes are';
    add('backup_codes_low', 'medium', `${left} left for ${where(row)}.`, forAccount(row));
  }
  for (const row of across) {
    const phone = maskPhone(row.number);
    const names = row.platforms.split(',').map(platformName).sort();
    add(
      'number_shared_across_platforms',
      'low',
      `The number ${phone} protects ${plural(Number(row.protects), 'account')} on ${names.length} platforms (${names.join(', ')}).`,
      { phoneId: row.phoneId, phone },
    );
  }
  for (const row of wide)
    add(
      'wide_access',
      'low',
      `${plural(Number(row.granted), 'member')} may use ${where(row)} (more than ${limits.wideAccessMembers}).`,
      forAccount(row),
    );

  return { summary, byPlatform, byClient, rows };
}

/** The report in the contract's shape: findings without the CSV-only columns. */
export function reportBody(report: Awaited<ReturnType<typeof loadReport>>): TwoStepReport {
  const findings = report.rows.map(({ kind, severity, accountId, phoneId, memberId, message }) => ({
    kind,
    severity,
    ...(accountId ? { accountId } : {}),
    ...(phoneId ? { phoneId } : {}),
    ...(memberId ? { memberId } : {}),
    message,
  }));
  return { summary: report.summary, byPlatform: report.byPlatform, byClient: report.byClient, findings };
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

/** RFC 4180: CRLF line ends, fields with a comma, quote or line break quoted, quotes doubled. */
export function findingsCsv(rows: FindingRow[]): string {
  const data = rows.map((row) => csvHeader.map((column) => csvCell(row[column])));
  const text = Papa.unparse({ fields: [...csvHeader], data }, { newline: '\r\n' });
  return text.endsWith('\r\n') ? text : `${text}\r\n`;
}
