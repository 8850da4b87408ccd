import type { Account } from '@twostep/shared';

import { platformNames } from '@twostep/shared/platforms';

export { platformNames as platformLabels };

/** The last digits of a masked number: `+49 ••• ••• 4821` → `4821`. */
export function lastDigits(masked: string, count = 4): string {
  return masked.replace(/\D/g, '').slice(-count);
}

/** The row badge: `On · ••4821`, `Pending` or `Off`. */
export function twoStepBadge(twoStep: Account['twoStep']): string {
  if (twoStep.status === 'on') return twoStep.phone ? `On · ••${lastDigits(twoStep.phone.masked)}` : 'On';
  return twoStep.status === 'pending' ? 'Pending' : 'Off';
}

export function backupCodesText({ remaining, total }: Account['backupCodes']): string {
  if (total === 0) return 'No backup codes';
  return `${remaining} of ${total} backup code${total === 1 ? '' : 's'} left`;
}

/** Who holds the phone, in a sentence fragment. */
export function holderText(phone: NonNullable<Account['twoStep']['phone']>): string {
  return phone.holder ? `held by ${phone.holder.name}` : 'holder not recorded';
}

/** `m:ss` for a countdown; never negative. */
export function formatCountdown(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

export function formatTime(iso: string): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** Does the account match what was typed in the search box (handle or client, any case, `@` optional)? */
export function matchesSearch(account: Account, search: string): boolean {
  const needle = search.trim().toLowerCase().replace(/^@/, '');
  if (!needle) return true;
  return account.handle.toLowerCase().includes(needle) || (account.client ?? '').toLowerCase().includes(needle);
}

/** `@acme on Instagram`, for a phone's list of the accounts it protects. */
export function accountLabelOf({ handle, platform }: { handle: string; platform: Account['platform'] }): string {
  return `@${handle} on ${platformNames[platform]}`;
}
