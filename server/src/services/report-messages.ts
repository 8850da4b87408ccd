import { accountLabel, type FindingKind, limits, type Platform, platformNames } from '@twostep/shared';
import { maskPhone } from '../lib/phone.ts';
import type { FindingRow } from './report.ts';
import { type FindingQueryRow, severityOf } from './report-findings.ts';

// The sentence of each finding, and the columns of its CSV row, from the row its query returned.

const platformName = (platform: string) => platformNames[platform as Platform] ?? platform;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const listed = (names: string[], max = 3) =>
  names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function message(kind: FindingKind, row: FindingQueryRow, where: string, phone: string): string {
  switch (kind) {
    case 'two_step_off':
      return `Two-step is off for ${where}.`;
    case 'two_step_pending':
      return `Two-step for ${where} waits for a code that was sent and not yet entered.`;
    case 'number_shared_on_platform': {
      const others = (row.others ?? '').split(',').filter(Boolean).sort();
      return `The number ${phone} of ${where} also protects ${listed(others.map((handle) => `@${handle}`))} there; ${platformName(row.platform ?? '')} allows one account per number.`;
    }
    case 'holder_left_team':
      return `The number ${phone} is held by ${row.memberName}, who has left the team; it protects ${plural(Number(row.protects), 'account')}.`;
    case 'number_unverified_90d': {
      const last = Number(row.lastCode);
      const entered = last
        ? `has been entered since ${day(last)}, more than ${limits.unverifiedDays} days ago`
        : 'has ever been entered';
      return `No code sent to ${phone}, the number protecting ${where}, ${entered}.`;
    }
    case 'backup_codes_missing':
      return `No backup codes are stored for ${where}.`;
    case 'backup_codes_low': {
      const unused = Number(row.unused);
      const left = unused
        ? `Only ${plural(unused, 'unused backup code')} ${unused === 1 ? 'is' : 'are'}`
        : 'No unused backup codes are';
      return `${left} left for ${where}.`;
    }
    case 'number_shared_across_platforms': {
      const names = (row.platforms ?? '').split(',').map(platformName).sort();
      return `The number ${phone} protects ${plural(Number(row.protects), 'account')} on ${names.length} platforms (${names.join(', ')}).`;
    }
    case 'wide_access':
      return `${plural(Number(row.granted), 'member')} may use ${where} (more than ${limits.wideAccessMembers}).`;
  }
}

const withPhone: ReadonlySet<FindingKind> = new Set([
  'number_shared_on_platform',
  'holder_left_team',
  'number_unverified_90d',
  'number_shared_across_platforms',
]);

export function findingRow(kind: FindingKind, row: FindingQueryRow): FindingRow {
  const account = row.accountId && row.platform && row.handle ? row : null;
  const where = account ? accountLabel(account.handle!, account.platform!) : '';
  const phone = withPhone.has(kind) && row.number ? maskPhone(row.number) : null;
  return {
    kind,
    severity: severityOf[kind],
    message: message(kind, row, where, phone ?? ''),
    ...(account ? { accountId: account.accountId! } : {}),
    ...(phone && row.phoneId ? { phoneId: row.phoneId } : {}),
    ...(row.memberId ? { memberId: row.memberId } : {}),
    platform: account?.platform ?? null,
    handle: account?.handle ?? null,
    client: account?.client ?? null,
    phone,
    member: row.memberName ?? null,
  };
}
