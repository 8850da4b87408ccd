import type { FindingKind, Severity } from '@twostep/shared';

export const kindLabels: Record<FindingKind, string> = {
  two_step_off: 'Two-step off',
  two_step_pending: 'Two-step pending',
  number_shared_on_platform: 'Number shared on a platform',
  number_shared_across_platforms: 'Number shared across platforms',
  number_unverified_90d: 'Number not verified in 90 days',
  backup_codes_missing: 'No backup codes',
  backup_codes_low: 'Few backup codes left',
  holder_left_team: 'Holder left the team',
  wide_access: 'Wide access',
};
export const findingKinds = Object.keys(kindLabels) as FindingKind[];
export const severities: Severity[] = ['high', 'medium', 'low'];

export const percent = (fraction: number) => `${Math.round(fraction * 1000) / 10}%`;
export const count = (n: number) => n.toLocaleString('en');
export const plural = (n: number, one: string, many = `${one}s`) => `${count(n)} ${n === 1 ? one : many}`;
export const day = (iso: string | null) => (iso ? new Date(iso).toISOString().slice(0, 10) : 'never');
export const dateTime = (iso: string) =>
  new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'medium' });

/**
 * The report query for views that need only the whole-team counts (summary, breakdowns, findingCounts), which no
 * filter changes: one finding of one rare kind, so the server does not read a page of findings of every kind.
 */
export const countsOnly = { kind: 'wide_access', limit: 1 } as const;
