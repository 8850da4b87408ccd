import type { MemberListItem } from '@twostep/shared';

/** Open invites shown at once; the rest are a Next away. */
export const invitesPerPage = 25;

export type Slice<T> = { shown: T[]; page: number; pages: number; from: number; to: number };

/** One page of a list held whole; `page` is clamped, so revoking the last row of the last page shows the one before. */
export function sliceOf<T>(items: T[], page: number, perPage = invitesPerPage): Slice<T> {
  const pages = Math.max(1, Math.ceil(items.length / perPage));
  const at = Math.min(Math.max(0, page), pages - 1);
  const shown = items.slice(at * perPage, (at + 1) * perPage);
  return { shown, page: at, pages, from: shown.length ? at * perPage + 1 : 0, to: at * perPage + shown.length };
}

/** Who made an invite, by name when the team list has them. */
export function creatorName(memberId: string, members: MemberListItem[]): string {
  return members.find((member) => member.id === memberId)?.name ?? 'a former lead';
}

/** How long an invite still runs, in words: "in 6 days", "in 5 hours", "within the hour". */
export function expiresIn(expiresAt: string, now: number): string {
  const left = new Date(expiresAt).getTime() - now;
  const hours = Math.floor(left / 3_600_000);
  if (hours >= 48) return `in ${Math.round(left / 86_400_000)} days`;
  if (hours >= 2) return `in ${hours} hours`;
  return left > 0 ? 'within the hour' : 'now';
}
